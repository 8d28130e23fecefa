/* The session protocol, server side (docs/protocol.md). */
#ifndef BWK_SERVE_H
#define BWK_SERVE_H

#include "../lib/scram.h"
#include "../server/srvopts.h"
#include "../tls/session.h"

struct catalog;

/*
 * A certificate of the server, as query certificate shows it: those the
 * session process can read before its sandbox (certs.c), the one its key
 * helper serves and the default (cert256.arm), not the key database.
 */
#define SERVE_CERTS_MAX	2
struct serve_cert {
	char	label[33];
	char	key[24];		/* "EC P-256", "RSA 3072" */
	char	expires[32];
	char	sha256[BWK_FPR_STRLEN];
	int	is_default;		/* cert256.arm, tls-default's label */
	int	in_use;			/* this session's handshake */
};

/* The listener's sessions a new one is told of (MAXSESSIONS's bound). */
#define SESSIONS_LIVE_MAX	1032

/* What a session's process holds for it, opened before the sandbox. */
struct serve_env {
	const struct srv_options *o;
	struct catalog		*cat;		/* the instance's catalog */
	uint8_t			 fake_key[SCRAM_HASH_LEN];	/* signon.key */
	int			 roles;		/* ROLE_NODE, ROLE_ADMIN here */
	int			 busy;		/* MAXSESSIONS reached */
	/* for query session and query certificate (admin.c) */
	long			 session_id;
	int64_t			 run;		/* the listener's, for sessions */
	const char		*peer;
	int64_t			 started;
	struct serve_cert	 certs[SERVE_CERTS_MAX];
	size_t			 ncerts;
	const char		*forge;		/* test builds' forged standby */
};

enum serve_state {
	SV_START,	/* before HELLO */
	SV_HELLO,	/* after HELLO: sign-on, QUERY_SESSION, BYE */
	SV_CHALLENGED,	/* SCRAM_CHALLENGE sent; SCRAM_FINAL is due */
	SV_SIGNED,	/* signed on: the session's work */
	SV_EXPIRED,	/* signed on with an expired password: SET_PASSWORD */
	SV_DONE,
};

/* One session's state; the sign-on's part is secret-free. */
struct served {
	struct session		*s;
	const struct serve_env	*env;
	enum serve_state	 state;
	uint8_t			 role;		/* WIRE_ROLE_* */
	uint8_t			 hello_flags;	/* WIRE_HELLO_* */
	char			 name[WIRE_NAME_MAX + 1];	/* HELLO's */
	/* sign-on (signon.c) */
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_verifier	 v;	/* the account's, or a fake */
	int			 known;	/* the name is an account */
	int			 strict;	/* its SESSIONSECURITY */
	int64_t			 pw_expires;	/* 0 never */
	char			 account[WIRE_NAME_MAX + 1];	/* stored form */
};

/* Runs one established session to its end; the process's exit status. */
int	serve_session(struct session *, const struct serve_env *);

/* serve.c's: an ERROR frame with the ID and text, and the log line. */
int	serve_refuse(struct served *, const char *id, const char *text);

/* signon.c: the SCRAM frames. 0 go on, -1 the session ends. */
int	signon_first(struct served *, struct wire_in *);
int	signon_final(struct served *, struct wire_in *);
/* A new verifier from a signed-on client: its password changed. */
int	signon_set_password(struct served *, struct wire_in *);

/* The role's name for log lines: "node" or "administrator". */
const char *signon_role(const struct served *);

/* admin.c: an ADMIN frame of a signed-on session, answered with ROWS. */
int	admin_command(struct served *, struct wire_in *);
/*
 * certs.c, before the sandbox: the certificate the helper serves under
 * label (der), and the instance's default, into env. -1 with a message
 * when the default cannot be read; nothing else depends on it.
 */
int	serve_certs_load(struct serve_env *, const char *instance,
	    const char *label, const uint8_t *der, size_t len);
/*
 * standby.c: does this session announce a standby key (HELLO_OK says so),
 * and the announcement itself, after a node's successful sign-on: 0 go
 * on (nothing to announce included), -1 the session ends.
 */
int	standby_due(const struct served *);
int	standby_announce(struct served *);

#endif
