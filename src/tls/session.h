/*
 * One TLS 1.2 session to a server, run by the network process: trust
 * anchors and the client identity come from the key helper, signatures
 * are made by it (pkcb.c), and the trust decision is made here, before
 * any application data, and reported with its rule.
 */
#ifndef BWK_SESSION_H
#define BWK_SESSION_H

#include <sys/types.h>

#include <netdb.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "../lib/util.h"
#include "../lib/x509.h"
#include "bulwark.h"
#include "keyd_client.h"
#include "policy.h"
#include "tls_facts.h"
#include "wire.h"

/* The system CA bundle, trusted for every server with BWKSYSTEMCA YES. */
#define SYSTEM_CA_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"

/* Certificates that expire within this many days are warned about. */
#define EXPIRY_WARN_DAYS	30

enum trust_rule {
	TRUST_NONE = 0,
	TRUST_PINNED,		/* the server's certificate is in the database */
	TRUST_CA,		/* a chain to a CA root, and the host checked */
	TRUST_FIRST_USE,	/* accepted on first use, now pinned */
	TRUST_RENEWED,		/* a renewed certificate for a pinned key */
};

struct session_opts {
	const char	*server;	/* stanza / key-database label */
	const char	*host;		/* TCPSERVERADDRESS */
	const char	*port;		/* TCPPORT */
	const char	*db;
	const struct tls_policy *policy;
	int		 accept_first_use;	/* SSLACCEPTCERTFROMSERV YES */
	int		 system_ca;		/* BWKSYSTEMCA YES */
	int		 has_expected_fpr;	/* BWKSERVERFINGERPRINT */
	uint8_t		 expected_fpr[BWK_SHA256_LEN];
	int		 insecure_sandbox;
	int		 handshake_timeout;	/* BWKHANDSHAKETIMEOUT, seconds */
	int		 idle_timeout;		/* COMMTIMEOUT, seconds */
	int64_t		 time;			/* validation time; 0: the clock */
	const char	*node;			/* NODENAME: sign on; or NULL */
	/*
	 * bulwark admin: node is then the administrator's name, and
	 * password_fd the pipe with its password, for the key helper. A
	 * node's under PASSWORDACCESS PROMPT: the pipe a typed password may
	 * come on (typed once it did), when the database holds none.
	 */
	int		 admin;
	int		 password_fd;
	int		 generate;		/* PASSWORDACCESS GENERATE */
	int		 typed;
};

#define SESSION_HANDSHAKE_TIMEOUT	15	/* connect + handshake, seconds */
#define SESSION_IDLE_TIMEOUT		60	/* each wait for the server */
/* The server's whole handshake flight: a denial-of-service bound. */
#define SESSION_MAX_FLIGHT		(256 * 1024)

/* Why a session was refused: the exit status and tests use it. */
enum session_fail {
	FAIL_NONE = 0,
	FAIL_SETUP,		/* helper, database, DNS, sandbox */
	FAIL_CONNECT,		/* no TCP connection */
	FAIL_NOT_TLS,		/* the port does not speak TLS */
	FAIL_PROTOCOL,		/* version, suites, EMS, signature, key size */
	FAIL_TRUST,		/* the certificate is not trusted */
	FAIL_SELFTEST,		/* the crypto self-tests failed */
	FAIL_SIGNON,		/* the sign-on was refused or not proved */
	FAIL_SERVER,		/* the server ended or broke the protocol */
};

/*
 * What may leave this process (session_io.c). Until the server's
 * Certificate has been judged (the verify callback) and what its
 * ServerKeyExchange chose has been checked, only the ClientHello and
 * alerts go out: no client certificate, key exchange or signature ever
 * reaches a server that a check refuses.
 */
enum session_gate {
	GATE_HELLO = 0,		/* the ClientHello may go; the server is silent */
	GATE_SHUT,		/* the server spoke: alerts only, until judged */
	GATE_OPEN,		/* every check passed */
	GATE_REFUSED,		/* a check refused: alerts only, for good */
};

/* The server's stream as the record watcher sees it (session_io.c). */
enum session_anomaly {
	ANOM_NONE = 0,
	ANOM_RENEGOTIATION,	/* a handshake record after the handshake */
	ANOM_HELLO_REQUEST,	/* a HelloRequest during the handshake */
	ANOM_OVERSIZE_RECORD,	/* longer than TLS allows */
	ANOM_FLIGHT_TOO_LONG,	/* more than SESSION_MAX_FLIGHT bytes */
};

struct session;
/* The transport under wolfSSL: the socket, or memory in the fuzzer. */
struct session_transport {
	/* > 0 bytes, 0 closed, -1 error (errno; ETIMEDOUT at the deadline) */
	ssize_t	(*recv)(struct session *, void *, size_t);
	ssize_t	(*send)(struct session *, const void *, size_t);
};

#define SESSION_ERR_MAX		1024

struct netchan_result;

struct session {
	const struct session_opts *o;
	/* messages: to log (NULL: standard error/output); the first error */
	bwk_log_cb		*log;
	void			*log_arg;
	char			 err_id[9];
	char			 err_text[SESSION_ERR_MAX];
	const struct session_transport *tr;
	void			*tr_ctx;	/* the fuzzer's input */
	struct keyd_conn	 kd;
	struct trust_list	 trust;
	struct client_id	 id;
	struct addrinfo		*ai;
	WOLFSSL_CTX		*ctx;
	WOLFSSL			*ssl;
	int			 sock;
	/* the network process's channel to the file side (api_files.c):
	 * its sandbox lets it receive descriptors there */
	int			 has_chan, chan_fd;
	/* a large object's bytes so far, every NC_PROGRESS_STEP (the
	 * network process tells the file side); NULL for none */
	void			(*on_bytes)(struct session *, uint64_t);
	/* between a large FILE's records: the server's answers to objects
	 * sent before read as they come, so that neither side blocks
	 * writing to the other (net_answer.c); -1 the session failed, r
	 * says why */
	int			(*on_sending)(struct session *,
				    struct netchan_result *r);
	uint16_t		 port;
	int			 is_server;	/* bulwarkd's side */
	enum trust_rule		 rule;
	enum session_fail	 fail;
	int			 reported;	/* a refusal was printed */
	int			 decided;	/* the verify callback ran */
	int			 verify_error;	/* wolfSSL's, when it refused */
	int			 signed_by_helper;
	uint8_t			 leaf_fpr[BWK_SHA256_LEN];
	uint8_t			*leaf_der;	/* a copy of the server's leaf */
	size_t			 leaf_len;
	int64_t			 leaf_nb, leaf_na;
	int			 leaf_is_ca;	/* basicConstraints cA TRUE */
	struct tls_facts	 facts;
	uint8_t			 first_bytes[5];	/* what the server sent first */
	size_t			 nfirst;
	/* the server's: the client's first bytes, its ClientHello's start,
	 * to name the versions a refused client offered */
	uint8_t			 hello_bytes[1024];
	size_t			 nhello;
	int			 helper_failed;	/* a signature it did not make */
	/* limits: the options', or the defaults when they are 0 */
	int			 hs_timeout;	/* seconds, connect + handshake */
	int			 idle_timeout;	/* seconds, each wait after it */
	int64_t			 deadline;	/* CLOCK_MONOTONIC milliseconds */
	int64_t			 step_deadline;	/* one address's share, or 0 */
	int			 timed_out;	/* a wait ran past its limit */
	int			 waited;	/* seconds, for the message */
	/* the gate and the record watcher (see session_io.c) */
	enum session_gate	 gate;
	size_t			 sent_after_hello;	/* non-alert bytes */
	int			 established;	/* handshake finished */
	enum session_anomaly	 anomaly;
	size_t			 flight_bytes;	/* received before established */
	int			 gate_blocked;	/* a send was held back */
	int			 server_ccs;	/* its records are now encrypted */
	uint8_t			 rec_hdr[5];
	size_t			 rec_hdr_have;
	size_t			 rec_left;	/* body bytes of this record */
	uint8_t			 hs_hdr[4];	/* clear handshake messages */
	size_t			 hs_hdr_have;
	size_t			 hs_left;
	uint8_t			 accepted_fpr[BWK_SHA256_LEN];
	/* rotation (session_rotate.c) */
	uint8_t			 renewed_from[BWK_SHA256_LEN];	/* its pin */
	int			 renewal_done;	/* the pin was asked to follow */
	int			 standby_due;	/* HELLO_OK: STANDBY_KEY follows */
	uint8_t			*standby_der;	/* proved in this session */
	size_t			 standby_len;
	uint8_t			 standby_fpr[BWK_SHA256_LEN];
	const char		*standby_state;	/* for bulwark check's report */
	/* sign-on (session_signon.c) */
	int			 pin_pending;	/* first use, pinned once signed on */
	int			 signed_on;
	int			 pw_expired;	/* SIGNED_ON said so */
	int			 pw_changed;	/* a new one was set */
	int64_t			 pw_expires;	/* 0 never */
	/* the exporter values, derived together (session_exporter.c) */
	int			 ekm_state;	/* 0 not yet, 1 derived, -1 failed */
	uint8_t			 ekm_cb[32];	/* EXPORTER-Channel-Binding */
	uint8_t			 ekm_standby[32];	/* the standby key's */
};

/* Everything before the network that needs files or privileges: the
 * helper, trust, DNS, the TLS context, the Public Suffix List. */
int	session_selftest(void);
int	session_prepare(struct session *, const struct session_opts *);
/* Then the program sandboxes itself: root becomes user, and the network
 * profile allows this session's port only. */
int	session_sandbox(struct session *, const char *user, int insecure);
/* connect + handshake + trust decision; 0 only for a trusted session. */
int	session_connect(struct session *);
/* `bulwark check` output for an established session. */
void	session_report(struct session *, FILE *);
/*
 * Application data from the server. -1 ends the session: an error, or a
 * renegotiation request (the policy refuses renegotiation).
 */
int	session_read(struct session *, void *, size_t);
/* All of buf to the server, or -1 with the session ended. */
ssize_t	session_write(struct session *, const void *, size_t);
int	session_close(struct session *);

/*
 * The parts of a session, one file each; the fuzzer drives them with a
 * memory transport. session_tls_context() builds the wolfSSL context
 * from s->o and s->trust (no files, no network); session_handshake()
 * runs the handshake over s->tr and every check, and prints the refusal.
 */
int	session_tls_context(struct session *);
/* The time limits from s->o, with the defaults for those not set. */
void	session_limits(struct session *);
int	session_handshake(struct session *);

/* The policy's suites, groups and key sizes on a context, either side. */
int	session_apply_policy(WOLFSSL_CTX *, const struct tls_policy *);

/* session_server.c: bulwarkd's side. s->sock is the accepted socket,
 * s->id the server's identity from its key helper. */
int	session_server_context(struct session *);
int	session_accept(struct session *);
int	session_server_check(struct session *);
void	session_server_alert(struct session *, uint8_t desc);

/*
 * session_signon.c: the client's HELLO and SCRAM sign-on as s->o->node,
 * the proof and the server's check made by the key helper; then the
 * session's requests. -1 with the message printed and s->fail set.
 */
int	session_sign_on(struct session *);
int	session_password_check(struct session *);
/* A new random node password through the helper (GENERATE, or bulwark
 * set password); the session must be signed on. */
int	session_set_password(struct session *);
/*
 * session_exporter.c: the tls-exporter value (32 bytes), and the value
 * the standby key's proof is bound to; -1 without EMS or when wolfSSL
 * cannot derive them. Both are derived at the first call of either, and
 * the handshake's randoms go after.
 */
int	session_exporter(struct session *, uint8_t out[32]);
int	session_standby_exporter(struct session *, uint8_t out[32]);
int	session_query(struct session *, char *text, size_t len);
/* ADMIN and its ROWS: 0 with *out, -1 with the message printed. */
int	session_admin(struct session *, const char *command,
	    struct bwk_rows *out);
int	session_bye(struct session *);

/* session_wire.c: the session protocol's frames (wire.h). */
struct wire_frame {
	uint16_t	 type;
	size_t		 len;
	uint8_t		 payload[WIRE_MAX_PAYLOAD];
	struct wire_in	 in;		/* the payload, to read */
};
/* 1 with a frame, 0 at the peer's clean close, -1 on error (reported). */
int	session_wire_recv(struct session *, struct wire_frame *);
int	session_wire_send(struct session *, struct wire_out *);
/*
 * The peer's next bytes are here already (in TLS's buffer or readable on
 * the socket): reading will not wait on the peer. A peer that sends what
 * it has and then waits for answers shows 0.
 */
int	session_input_ready(struct session *);

/*
 * session_objects.c: a node's object frames (docs/protocol.md, "Objects"),
 * in the network process; the results as the file side gets them
 * (netchan.h). 0 when the request had its answer (r->status says which),
 * -1 when the session failed (r says why; nothing more can be sent).
 */
struct netchan_result;
struct stat;
int	session_backup(struct session *, const uint8_t *payload, size_t n,
	    int is_file, int fd, const struct stat *was,
	    struct netchan_result *);
/*
 * The same object sent without waiting for its answer: NC_QUEUED, or at
 * once NC_CHANGED or NC_READ_ERROR (ABANDON sent, no answer due). The
 * answers come in the order sent; session_answer reads the next one.
 */
int	session_send(struct session *, const uint8_t *payload, size_t n,
	    int is_file, int fd, const struct stat *was,
	    struct netchan_result *);
int	session_answer(struct session *, struct netchan_result *);
int	session_deactivate(struct session *, const uint8_t *payload, size_t n,
	    struct netchan_result *);
int	session_query_objects(struct session *, const uint8_t *payload,
	    size_t n, int (*cb)(void *, struct wire_in *,
	    struct netchan_result *), void *arg, struct netchan_result *);
int	session_query_filespaces(struct session *, int (*cb)(void *,
	    struct wire_in *, struct netchan_result *), void *arg,
	    struct netchan_result *);
int	session_restore(struct session *, uint64_t version, uint64_t size,
	    const uint8_t sha256[32], int fd, struct netchan_result *);

/* session_io.c: the socket transport, the gate, the record watcher. */
extern const struct session_transport session_socket_transport;
int	session_tcp_connect(struct session *);
void	session_io_bind(struct session *);
/* Called before anything beyond the ClientHello is sent or signed. */
int	session_gate_check(struct session *);
int64_t	session_clock_ms(void);

/* session_trust.c: the decision inside wolfSSL's certificate step. */
int	session_verify_cb(int, WOLFSSL_X509_STORE_CTX *);
int	session_check_kx(struct session *);
int	session_first_use(struct session *);
/*
 * What the policy asks of any certificate of the server's own, whatever
 * trusts it (a standby one included): the floor, the policy's key sizes
 * and hashes, and a key usage for TLS servers. 0, or -1 with why.
 */
int	session_cert_policy(struct session *, const struct certinfo *,
	    char *why, size_t whylen);

/*
 * session_rotate.c: rotation without redistribution. A renewed pin is
 * followed, and a standby key the server proved in this session is
 * pinned beside the pin in use, through the key helper; after the
 * handshake, or after the sign-on when there is one. -1 only when the
 * helper failed (the session is not trusted on its word any more).
 */
int	session_update_pins(struct session *);
/* The server's STANDBY_KEY frame after sign-on: checked and proved, or
 * -1 (reported; nothing will be pinned and the session ends). */
int	session_standby_receive(struct session *, struct wire_in *);
/* After a failure before the callback: 1 when it printed why. */
int	session_diagnose_chain(struct session *);
int64_t	session_time(const struct session *);
/* "the client stopped before its key exchange..." (truthful, per case) */
const char *session_sent_note(const struct session *);

/* session_msg.c: a message of this session, to its log; the first error
 * is kept in err_id/err_text. */
void	sess_msg(struct session *, const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	sess_info(struct session *, const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* session_fail.c: one message for a handshake that failed. */
void	session_report_failure(struct session *, int err);

/* pkcb.c: the wolfSSL sign callbacks, thin adapters over keyd_sign. */
void	pkcb_install(WOLFSSL_CTX *);
void	pkcb_bind(WOLFSSL *, struct session *);

#endif
