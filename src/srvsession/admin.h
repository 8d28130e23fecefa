/*
 * Remote administration, the server's side (docs/protocol.md, ADMIN and
 * ROWS): the command grammar (admin_parse.c) and what each command does
 * (admin.c). One command per ADMIN frame:
 *
 *	register node|admin NAME PASSWORD [sessionsecurity=strict|transitional]
 *	update node|admin NAME [PASSWORD] [sessionsecurity=strict|transitional]
 *	remove node|admin NAME
 *	unlock node|admin NAME
 *	query node|admin [PATTERN]	(* and ? in PATTERN)
 *	query session
 *	query certificate
 *
 * Words are separated by blanks; keywords take any case and may be cut
 * to their first three letters (query to q, session to se, certificate
 * to cert, node to n); names are the catalog's (1 to 64 of A-Z a-z 0-9
 * _ . - + &, not starting with -). A password is one word with no '='.
 */
#ifndef BWK_SRV_ADMIN_H
#define BWK_SRV_ADMIN_H

#include <stddef.h>

#include "../catalog/catalog.h"
#include "../lib/scram.h"

enum adm_verb { ADM_REGISTER, ADM_UPDATE, ADM_REMOVE, ADM_UNLOCK, ADM_QUERY };
enum adm_object { ADM_NODE, ADM_ADMIN, ADM_SESSION, ADM_CERTIFICATE };

struct adm_cmd {
	enum adm_verb		 verb;
	enum adm_object		 obj;
	char			 name[CAT_NAME_MAX + 1];	/* or pattern; "" */
	char			 password[SCRAM_PASSWORD_MAX + 1];	/* secret */
	size_t			 pwlen;		/* 0: none given */
	int			 has_security;
	enum cat_security	 security;
};

/*
 * The command in text (what the ADMIN frame held) into c: 0, or -1 with
 * why, a reason that quotes no word of the command (a password typed in
 * the wrong place must not reach a log). The caller wipes c (adm_wipe).
 */
int	adm_parse(const char *text, struct adm_cmd *c, char *why, size_t len);
/* The command as the log shows it: keywords and names, never a password. */
void	adm_render(const struct adm_cmd *, char *out, size_t len);
void	adm_wipe(struct adm_cmd *);
/* The catalog's kind of an ADM_NODE or ADM_ADMIN command. */
enum cat_kind adm_kind(const struct adm_cmd *);

#endif
