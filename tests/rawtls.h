/*
 * A forged TLS 1.2 server for the tests: it reads the client's
 * ClientHello, plays a script of handshake messages that no Debian
 * server would send (a missing extension, a foreign group, a flood),
 * then records everything the client sends back. The tests use the
 * record to prove what the client did NOT send to a refused server.
 *
 * Everything runs in a forked child on 127.0.0.1; the parent reads the
 * record through raw_finish().
 */
#ifndef BWK_TEST_RAWTLS_H
#define BWK_TEST_RAWTLS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* What the client sent after its ClientHello. */
struct raw_record {
	int	got_hello;		/* a ClientHello arrived */
	size_t	alert_bytes;		/* in alert records */
	size_t	other_bytes;		/* in any other record */
	int	saw_certificate;	/* handshake type 11 (client cert) */
	int	saw_key_exchange;	/* 16, ClientKeyExchange */
	int	saw_cert_verify;	/* 15, CertificateVerify (a signature) */
	int	saw_ccs;		/* ChangeCipherSpec */
	int	alert;			/* the last alert's code, or -1 */
};

struct raw_conn;
typedef void (*raw_play)(struct raw_conn *, void *arg);

struct raw_server {
	pid_t	pid;
	char	port[8];
	int	result_fd;
};

/* Listens on 127.0.0.1, serves one connection with play(c, arg). */
void	raw_start(struct raw_server *, raw_play, void *arg);
/* Waits for the child and reads what the client sent. */
void	raw_finish(struct raw_server *, struct raw_record *);

/* In play(): bytes on the wire as they are. */
void	raw_send(struct raw_conn *, const void *, size_t);
/* One record of the given type around body. */
void	raw_record(struct raw_conn *, int type, const void *, size_t);
/* One handshake message in its own record. */
void	raw_handshake(struct raw_conn *, int msg_type, const void *, size_t);
/* The client's random, from its ClientHello. */
const uint8_t *raw_client_random(const struct raw_conn *);

/* ServerHello choices; zero means the normal value. */
struct raw_hello {
	uint16_t	suite;		/* default ECDHE-ECDSA-AES256-GCM-SHA384 */
	int		no_ems;		/* leave out extended_master_secret */
	int		duplicate_ext;	/* renegotiation_info twice */
	int		session_id_len;	/* a session ID of that length */
};
void	raw_server_hello(struct raw_conn *, const struct raw_hello *);
/* A Certificate message of the PEM certificates in the named files. */
void	raw_certificate_files(struct raw_conn *, const char *const *pems);
/* A Certificate message holding n copies of the DER given. */
void	raw_certificate_copies(struct raw_conn *, const uint8_t *, size_t,
	    size_t n);
/*
 * An ECDHE ServerKeyExchange on the named group (TLS codepoint), signed
 * with ECDSA by the PEM key file with the hash that fits its size, or
 * with a garbage signature when keyfile is NULL.
 */
void	raw_key_exchange(struct raw_conn *, uint16_t group, const char *keyfile);
void	raw_certificate_request(struct raw_conn *);
void	raw_hello_done(struct raw_conn *);
/* Ends the server's side: the client reads end of stream. */
void	raw_close(struct raw_conn *);
/* Waits a little for the client's answer to what was sent. */
void	raw_settle(struct raw_conn *, int ms);

#endif
