/*
 * bulwarkd.opt: the server's options, in the seed server's syntax
 * (dsmserv.opt): one "NAME value" per line, names case-insensitive,
 * blank lines and lines starting with '*' or '#' are comments. Every
 * option is known or the file is refused, with its line and the fix.
 */
#ifndef BWK_SRVOPTS_H
#define BWK_SRVOPTS_H

#include <stddef.h>
#include <stdint.h>

#define SRVOPTS_MAX_FILE	(64 * 1024)

enum sess_security { SESSSEC_TRANSITIONAL = 0, SESSSEC_STRICT = 1 };

struct srv_options {
	char	listen[64];		/* BWKLISTENADDRESS: "" = every address */
	int	tcpport;		/* TCPPORT: 1500 */
	int	ssltcpport;		/* SSLTCPPORT: 0 = none */
	int	tcpadminport;		/* TCPADMINPORT: TCPPORT */
	int	adminonclientport;	/* ADMINONCLIENTPORT: YES */
	int	maxsessions;		/* MAXSESSIONS: 25, as the seed's */
	int	idletimeout;		/* IDLETIMEOUT: minutes, 15 */
	int	commtimeout;		/* COMMTIMEOUT: seconds, 60 */
	int	handshaketimeout;	/* BWKHANDSHAKETIMEOUT: seconds, 15 */
	int	certdays;		/* BWKCERTDAYS: 3650 */
	int	certrsa;		/* BWKCERTKEY RSA: RSA-3072, else ECDSA */
	int	sessionsecurity;	/* SESSIONSECURITY of new nodes */
	int	passexp;		/* PASSEXP: days a node password
					   lasts; 0 never; 90 */
	/* Retention, the seed's backup copy group's (docs/catalog.md): */
	int	verexists;		/* VEREXISTS: versions of a file that
					   exists, 1..100; 2 */
	int	verdeleted;		/* VERDELETED: of a deleted file,
					   0..100; 1 */
	int	retextra;		/* RETEXTRA: days an inactive version
					   is kept, 0..3650; 30 */
	int	retonly;		/* RETONLY: days the last version of a
					   deleted file is kept, 0..3650; 60 */
};

void	srvopts_defaults(struct srv_options *);
/* When a password set now expires (PASSEXP), or 0 for never. */
int64_t	srvopts_password_expiry(const struct srv_options *, int admin);
/* Reads path (absent: the defaults). 0, or -1 after one message. */
int	srvopts_load(const char *path, struct srv_options *);
/* The same on a buffer; name is the file's name in messages. */
int	srvopts_parse(const char *name, const char *text, size_t len,
	    struct srv_options *);
/* The default file `init` writes: every option, commented. */
extern const char srvopts_template[];

#endif
