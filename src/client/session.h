/*
 * One TLS 1.2 session to a server, run by the network process: trust
 * anchors and the client identity come from the key helper, signatures
 * are made by it (pkcb.c), and the trust decision is made here, before
 * any application data, and reported with its rule.
 */
#ifndef BWK_SESSION_H
#define BWK_SESSION_H

#include <netdb.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "../common/util.h"
#include "keyd_client.h"
#include "policy.h"
#include "tls_facts.h"

/* The system CA bundle, trusted for every server with BWKSYSTEMCA YES. */
#define SYSTEM_CA_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"

/* Certificates that expire within this many days are warned about. */
#define EXPIRY_WARN_DAYS	30

enum trust_rule {
	TRUST_NONE = 0,
	TRUST_PINNED,		/* the server's certificate is in the database */
	TRUST_CA,		/* a chain to a CA root, and the host checked */
	TRUST_FIRST_USE,	/* accepted on first use, now pinned */
};

struct session_opts {
	const char	*server;	/* stanza / key-database label */
	const char	*host;		/* TCPSERVERADDRESS */
	const char	*port;		/* TCPPORT */
	const char	*db;
	const char	*sandbox_user;	/* root: switch to this user */
	const struct tls_policy *policy;
	int		 accept_first_use;	/* SSLACCEPTCERTFROMSERV YES */
	int		 system_ca;		/* BWKSYSTEMCA YES */
	int		 has_expected_fpr;	/* BWKSERVERFINGERPRINT */
	uint8_t		 expected_fpr[BWK_SHA256_LEN];
	int		 insecure_sandbox;
};

/* Why a session was refused: the exit status and tests use it. */
enum session_fail {
	FAIL_NONE = 0,
	FAIL_SETUP,		/* helper, database, DNS, sandbox */
	FAIL_CONNECT,		/* no TCP connection */
	FAIL_NOT_TLS,		/* the port does not speak TLS */
	FAIL_PROTOCOL,		/* version, suites, EMS, signature, key size */
	FAIL_TRUST,		/* the certificate is not trusted */
};

struct session {
	const struct session_opts *o;
	struct keyd_conn	 kd;
	struct trust_list	 trust;
	struct client_id	 id;
	struct addrinfo		*ai;
	WOLFSSL_CTX		*ctx;
	WOLFSSL			*ssl;
	int			 sock;
	enum trust_rule		 rule;
	enum session_fail	 fail;
	int			 verify_error;	/* wolfSSL's, when it refused */
	int			 signed_by_helper;
	uint8_t			 leaf_fpr[BWK_SHA256_LEN];
	uint8_t			*leaf_der;	/* the certificate the server showed */
	size_t			 leaf_len;
	int64_t			 leaf_nb, leaf_na;
	struct tls_facts	 facts;
	uint8_t			 first_bytes[5];	/* what the server sent first */
	size_t			 nfirst;
	/* record tracking on the server's stream (see io_recv) */
	int			 established;	/* handshake finished */
	int			 renegotiation;	/* the server asked for one */
	int			 timed_out;	/* a read ran past the timeout */
	uint8_t			 rec_hdr[5];
	size_t			 rec_hdr_have;
	size_t			 rec_left;	/* body bytes of this record */
	uint8_t			 accepted_fpr[BWK_SHA256_LEN];
};

/* Everything before the network: helper, trust, DNS, sandbox. */
int	session_prepare(struct session *, const struct session_opts *);
/* connect + handshake + trust decision; 0 only for a trusted session. */
int	session_connect(struct session *);
/* `bulwark check` output for an established session. */
void	session_report(struct session *, FILE *);
/*
 * Application data from the server. -1 ends the session: an error, or a
 * renegotiation request (the policy refuses renegotiation).
 */
int	session_read(struct session *, void *, size_t);
void	session_close(struct session *);

/* pkcb.c: the wolfSSL sign callbacks, thin adapters over keyd_sign. */
void	pkcb_install(WOLFSSL_CTX *);
void	pkcb_bind(WOLFSSL *, struct session *);

#endif
