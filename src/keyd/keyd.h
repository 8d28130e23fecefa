/*
 * bulwark-keyd: the key helper. Holds the key database, the stash, node
 * passwords and client private keys, and answers a fixed set of requests
 * from the network process (src/lib/proto.h). Everything named
 * keyd_answer_* runs here, on the trusted side.
 */
#ifndef BWK_KEYD_H
#define BWK_KEYD_H

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include "../kdb/kdb.h"
#include "../lib/proto.h"
#include "../lib/scram.h"
#include "../kdb/store.h"

/* An administrator's name: what a session protocol HELLO carries. */
#define KEYD_ADMIN_MAX	64

/* The states and budgets of KEYD_REQUESTS (src/lib/proto.h). */
enum keyd_state {
	KS_START,	/* before the opening HELLO */
	KS_READY,	/* after it */
};

enum keyd_budget {
	KB_NONE,	/* spends or refills nothing */
	KB_BEGINS,	/* handshakes: KEYD_MAX_BEGINS a helper */
	KB_SIGNS,	/* signatures: one per BEGIN */
	KB_ACCEPTS,	/* first-use pins: one a helper */
	KB_PROOFS,	/* sign-on proofs: one a helper (a helper serves one
			   session, whose one handshake it signs) */
	KB_VERIFIES,	/* server signatures: one per proof */
	KB_NEWPWS,	/* new node passwords: one, after a verified sign-on */
	KB_COMMITS,	/* their commits: one per new password */
	KB_RENEWS,	/* a renewed pin: one a client's helper */
	KB_PINS,	/* a standby pin: one a client's helper */
	KB_PROVES,	/* standby proofs: one a server's helper with a
			   standby key (one session, one announcement) */
	KB_N
};

struct keyd;

struct keyd_key {
	int		 type;			/* 0 none, X509_KEY_EC/RSA */
	int		 inited;		/* ecc and rsa initialised */
	ecc_key		 ecc;
	RsaKey		 rsa;
	uint8_t		 spki[1024];		/* SubjectPublicKeyInfo DER */
	size_t		 spki_len;
	uint8_t		 id[KEYD_KEYID_LEN];	/* SHA-256 of the SPKI */
	const struct kdb_entry *cert;		/* the client certificate */
};

/* The wolfCrypt key of a key entry, and the certificate that goes with it. */
int	keyd_key_load(struct keyd *, struct keyd_key *, const struct kdb_entry *key,
	    const struct kdb_entry *cert);
void	keyd_key_free(struct keyd_key *);

struct keyd {
	struct kdb	 db;
	char		 server[KDB_LABEL_MAX + 1];	/* bound server */
	int		 accept_first_use;	/* SSLACCEPTCERTFROMSERV YES */
	int		 system_ca;		/* BWKSYSTEMCA YES: no first use */
	int		 serve;			/* bulwarkd's: its own identity */
	int		 sign_on;		/* the session signs on */
	/*
	 * bulwark admin: the administrator signed on as, and the password
	 * read from KEYD_PASSWORD_FD at start, for the one proof; "" and
	 * empty for a node's sign-on, whose password is the database's.
	 */
	char		 admin[KEYD_ADMIN_MAX + 1];
	uint8_t		 admin_pw[SCRAM_PASSWORD_MAX + 1];
	size_t		 admin_pw_len;
	/*
	 * PASSWORDACCESS PROMPT: the node whose password bulwark may have
	 * typed into the pipe on KEYD_PASSWORD_FD (prompt: not read yet), and
	 * whether this sign-on's proof used it. A typed password is not the
	 * database's: its salt and count are not remembered, and no new
	 * password replaces it (the administrator sets one).
	 */
	char		 typed_node[KEYD_ADMIN_MAX + 1];
	int		 prompt;
	int		 typed;
	struct store	 store;			/* for ACCEPT: lock taken then */
	int		 store_ok;		/* the database may be written */
	int		 setgid;		/* the system database, never written */
	char		 dir[KEYD_DIR_MAX + 1];	/* told to the client in HELLO */
	enum keyd_state	 state;
	uint32_t	 seq;			/* the last request's */
	int		 budget[KB_N];		/* what is left of each */
	struct keyd_key	 key;
	/* a server's standby key (--standby), whose proofs it makes */
	char		 standby_label[KDB_LABEL_MAX + 1];	/* or "" */
	struct keyd_key	 standby;
	WC_RNG		 rng;
	struct {
		struct scram_proof proof;	/* the last proof's: secret */
		int		 pending;	/* a VERIFY may follow */
		int		 remember;	/* a first sign-on: keep params */
		int		 use_next;	/* the proof was the new password's */
		/* the keys of the stored password for this server: those the
		 * proof used from the database (cache_used), or those it
		 * derived (fresh), kept once the server proved itself, with
		 * the tag of the password they are of */
		struct scram_keys fresh;
		uint8_t		 fresh_tag[SCRAM_HASH_LEN];
		int		 cache_used;
	}		 scram;
	int		 signed_on;	/* the server proved its verifier */
	struct {
		uint8_t	 data[1 + KDB_LABEL_MAX + 1 + 64];	/* nodepw form */
		size_t	 len;
		struct scram_params p;	/* the new verifier's salt, count */
		int	 pending;	/* told the server, not committed */
	}		 newpw;
	/* where answers go: the socket, or a fuzzer's sink */
	int		(*send)(void *, const struct frame *);
	void		*send_arg;
};

/* keyd_store.c: the helper's writes, under the writers' lock. edit
 * returns 0 changed, 1 nothing to change, -1 error. */
int	keyd_store_edit(struct keyd *, int (*edit)(struct kdb *, void *),
	    void *arg);
const struct kdb_entry *keyd_kdb_find(const struct kdb *, int kind,
	    const char *server);
void	keyd_kdb_drop(struct kdb *, int kind, const char *server);
int	keyd_kdb_add(struct kdb *, int kind, int origin, const char *server,
	    const uint8_t *data, size_t len);

/* keyd_scram.c: the keys of a proved sign-on kept for the next; 0, or
 * -1. */
int	keyd_keep_keys(struct keyd *);
/* keyd_scram.c: the server's salt and count, as the last sign-on's. */
int	keyd_remember_params(struct keyd *, const struct scram_params *,
	    int replace);
/* keyd_password.c: the new password becomes the node's, with its salt
 * and count; recovered: finishing an earlier session's change. */
int	keyd_password_promote(struct keyd *, const struct scram_params *,
	    int recovered);

/* Is label the server this helper is bound to? Says why not. */
int	keyd_bound(const struct keyd *, const char *label);

/* keyd_answer.c: the dispatch table and the request handlers. */
int	keyd_init(struct keyd *);	/* after db and server are set */
void	keyd_free(struct keyd *);
/* Typed passwords (keyd_typed.c): 0 when KEYD_PASSWORD_FD is a pipe,
 * else -1 with BWK1119E (node) or BWK1342E. */
int	keyd_typed_pipe_ok(int node, const struct keyd *);
/* The pipe's content into admin_pw, the pipe closed: 0; 1 for a node
 * when nothing was typed; -1 reported. */
int	keyd_read_typed(struct keyd *, int node);
/*
 * One request frame: checked against the table of permits, then handed
 * to its handler. 0: go on; -1: protocol violation, the helper exits.
 */
int	keyd_dispatch(struct keyd *, const uint8_t *buf, size_t len);
/*
 * The handlers, one per request of KEYD_REQUESTS: each reads its payload
 * exactly and answers. They run only once dispatch has permitted the
 * request and spent its budget. -1: malformed, the helper exits.
 */
#define KEYD_ANSWER_PROTO(N, n, ...)					\
int	keyd_answer_##n(struct keyd *, struct msg *);
KEYD_REQUESTS(KEYD_ANSWER_PROTO)
#undef KEYD_ANSWER_PROTO

/* keyd_keys.c: client keys, loaded once at start; a server's standby. */
int	keyd_load_client_key(struct keyd *);
void	keyd_free_client_key(struct keyd *);
/* The standby key of --standby: 0 loaded, or none to load; -1 unusable. */
int	keyd_load_standby(struct keyd *);

/* keyd_pins.c: a pin changed under the writers' lock, for RENEW and
 * STANDBY: fn edits the database as it is now; 0 saved, else a FAIL. */
uint32_t keyd_with_fresh_db(struct keyd *,
	    uint32_t (*fn)(struct keyd *, struct kdb *, void *), void *);

#endif
