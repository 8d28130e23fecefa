/*
 * The client's stubs for the key helper: each sends one request, waits
 * with a timeout, and checks the answer's type, sequence number and
 * sizes before anything uses it. Everything named keyd_* here runs in the
 * network process; keyd_answer_* is the helper's side. A connection holds
 * its own receive buffer, so two connections (a server's, one per client)
 * never share one.
 */
#ifndef BWK_KEYD_CLIENT_H
#define BWK_KEYD_CLIENT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "../lib/proto.h"
#include "../lib/scram.h"

#ifndef BULWARK_KEYD_PATH
#error "BULWARK_KEYD_PATH (the helper's absolute path) must be set at build time"
#endif
/*
 * The server's session process starts its own copy of the helper, never
 * installed setgid: a setgid helper refuses to serve a server's identity
 * (BWK0501E) and, under no_new_privs (systemd's NoNewPrivileges), to run
 * at all (BWK0533E), so a machine with the client's setgid install could
 * not run the server with the client's file. The tree's builds use the
 * one helper for both.
 */
#ifndef BULWARK_SERVER_KEYD_PATH
#define BULWARK_SERVER_KEYD_PATH BULWARK_KEYD_PATH
#endif

struct keyd_conn {
	int		fd;
	pid_t		pid;
	uint32_t	seq;
	int		dead;		/* the helper stopped or misbehaved */
	/* from HELLO */
	int		may_pin;	/* a first-use pin would be tried */
	int		setgid;		/* the system database, read only */
	int		may_update;	/* RENEW and STANDBY would be tried */
	int		standby;	/* a server's: it holds a standby key */
	int		node_pw_stored;	/* it holds the node's password */
	char		dir[KEYD_DIR_MAX + 1];	/* the database it opened */
	/* the answer last read; a stub's msg points into it until the next */
	uint8_t		buf[KEYD_MAX_FRAME + 1];
};

struct keyd_spawn_opts {
	const char	*server;	/* the one server this session serves */
	const char	*db;		/* key-database directory, or NULL */
	int		 accept_first_use;
	int		 system_ca;
	int		 insecure_sandbox;
	int		 serve;		/* bulwarkd: sign with its own identity */
	int		 sign_on;	/* the session signs on as the node */
	/*
	 * Or as this administrator (bulwark admin): the helper reads the
	 * password from password_fd, a pipe it gets as KEYD_PASSWORD_FD,
	 * instead of the database's node password. Not with sign_on.
	 */
	const char	*admin;
	/*
	 * Or, with sign_on, as this node under PASSWORDACCESS PROMPT: the
	 * helper uses the database's password when it holds one, else the
	 * one bulwark types into password_fd (read at the proof).
	 */
	const char	*node_prompt;
	int		 password_fd;
	const char	*standby;	/* bulwarkd: its standby key's label */
};

struct trust_cert {
	uint8_t		 kind;		/* KDB_PINNED or KDB_CA */
	uint8_t		 own;		/* this server's entry, not every server's */
	uint8_t		*der;
	size_t		 len;
};

struct trust_list {
	struct trust_cert c[KEYD_TRUST_MAX];
	size_t		 n;
};

struct client_id {
	int		 has_key;
	uint8_t		 spki[1024];
	size_t		 spki_len;
	uint8_t		 keyid[KEYD_KEYID_LEN];
	uint8_t		*cert;
	size_t		 cert_len;
};

int	keyd_spawn(struct keyd_conn *, const struct keyd_spawn_opts *);
int	keyd_hello(struct keyd_conn *);
int	keyd_trust(struct keyd_conn *, const char *server, struct trust_list *);
int	keyd_begin(struct keyd_conn *, const char *server, struct client_id *);
/* 0 with the signature, -1 when the helper refused or failed. */
int	keyd_sign(struct keyd_conn *, int scheme, int hash,
	    const uint8_t keyid[KEYD_KEYID_LEN], const uint8_t *in, size_t inlen,
	    uint8_t *sig, size_t *siglen);
/* 0 pinned; 1 refused by policy or entry exists (*why says); -1 error. */
int	keyd_accept(struct keyd_conn *, const char *server, int64_t not_before,
	    int64_t not_after, const uint8_t *der, size_t len,
	    uint8_t fpr[32], uint32_t *why);
/*
 * Sign-on (docs/scram.md): the helper checks the three messages and makes
 * the ClientProof from the stored node password; 0 with the proof, 1
 * refused (*why: KEYD_FAIL_NO_KEY no password or another node,
 * KEYD_FAIL_REFUSED a weak or malformed exchange, KEYD_FAIL_CHANGED the
 * server's salt or count changed), -1 error.
 */
int	keyd_scram_proof(struct keyd_conn *, const char *server,
	    const char *cfb, size_t cfbn, const char *sf, size_t sfn,
	    const char *cfn, size_t cfnn, uint8_t proof[32], uint32_t *why);
/* 0 the server proved it knows the verifier; 1 it did not; -1 error. */
int	keyd_scram_verify(struct keyd_conn *, const char *sfinal, size_t n,
	    uint32_t *why);
/* A new node password kept by the helper, and the verifier for the
 * server; then its commit once the server stored it. 0, 1 refused (*why:
 * KEYD_FAIL_REFUSED not signed on or a read-only database, KEYD_FAIL_STORE
 * the database could not be written), -1 error. */
int	keyd_new_password(struct keyd_conn *, const char *server,
	    struct scram_verifier *, uint32_t *why);
int	keyd_commit_password(struct keyd_conn *, const char *server,
	    uint32_t *why);
/*
 * Rotation (docs/keyd-protocol.md, RENEW and STANDBY): the pin pin_fpr
 * of the server is to hold der, a renewal for the same key; or der, the
 * server's proved standby certificate, is to be pinned beside the pin
 * pin_fpr that authenticated the session. 0 done, with fpr the new
 * entry's; 1 refused (*why says); -1 error.
 */
int	keyd_renew(struct keyd_conn *, const char *server,
	    const uint8_t pin_fpr[32], const uint8_t *der, size_t len,
	    uint8_t fpr[32], uint32_t *why);
int	keyd_standby(struct keyd_conn *, const char *server,
	    const uint8_t pin_fpr[32], const uint8_t *der, size_t len,
	    uint8_t fpr[32], uint32_t *why);
/*
 * bulwarkd's: the standby certificate (into cert, *cert_len its room)
 * and its key's signature over this session's standby exporter value
 * (sig, *sig_len). 0 with both; -1 when the helper refused or failed.
 */
int	keyd_sign_standby(struct keyd_conn *, const uint8_t ekm[32],
	    uint8_t *cert, size_t *cert_len, uint8_t *sig, size_t *sig_len);
/*
 * Closes the socket (the helper exits at EOF) and reaps it. 0 when it
 * exited 0; -1, with BWK0546E or BWK0547E, when it was killed by a signal
 * (a seccomp kill is SIGSYS), exited non-zero or could not be reaped.
 */
int	keyd_close(struct keyd_conn *);
void	trust_list_free(struct trust_list *);
void	client_id_free(struct client_id *);

#endif
