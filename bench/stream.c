/*
 * The bare peers of `make bench`: a TLS 1.2 stream between two small
 * programs, with the loop a careful application would use (16 KiB writes
 * from read(2) of a file, the receiver reads 16 KiB at a time and discards),
 * and a loop of full handshakes. One source, compiled twice: against
 * OpenSSL's libssl (-DBENCH_OPENSSL) and against the project's wolfSSL
 * build with its native API (-DBENCH_WOLFSSL; our build has no OpenSSL
 * compatibility layer). `--plain` runs the same loop over bare TCP.
 *
 *   stream server PORT (--discard | --store NEW | --send FILE)
 *                 [--plain | CERT KEY]
 *       accepts connections one after the other until killed; each one
 *       is received and discarded (or written into the new file NEW,
 *       synced, then removed), or sent FILE
 *   stream client PORT (--send FILE | --discard | --store NEW)
 *                 [--plain | CAFILE]
 *       one connection to 127.0.0.1:PORT; prints "bytes seconds"
 *   stream handshakes PORT CAFILE N
 *       N full handshakes to 127.0.0.1:PORT, each on a new connection,
 *       closed after the handshake; prints
 *       "n wall_seconds client_cpu_seconds"
 *
 * The cipher suite is ECDHE-ECDSA-AES256-GCM-SHA384 on P-256, the
 * policy's first. Loopback only. Not part of the product.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(BENCH_OPENSSL)
#include <openssl/err.h>
#include <openssl/ssl.h>
typedef SSL_CTX ctx_t;
typedef SSL tls_t;
#elif defined(BENCH_WOLFSSL)
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
typedef WOLFSSL_CTX ctx_t;
typedef WOLFSSL tls_t;
#else
#error "build with -DBENCH_OPENSSL or -DBENCH_WOLFSSL"
#endif

#define BUF	16384
#define SUITE	"ECDHE-ECDSA-AES256-GCM-SHA384"

static void
die(const char *what)
{
	fprintf(stderr, "stream: %s failed%s%s\n", what, errno ? ": " : "",
	    errno ? strerror(errno) : "");
#if defined(BENCH_OPENSSL)
	ERR_print_errors_fp(stderr);
#endif
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the two libraries behind one small interface ---- */

static ctx_t *
ctx_make(int server, const char *a, const char *b)
{
	ctx_t *c;

#if defined(BENCH_OPENSSL)
	c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (c == NULL ||
	    !SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(c, SUITE) ||
	    !SSL_CTX_set1_groups_list(c, "P-256"))
		die("SSL_CTX_new");
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
	if (server) {
		if (SSL_CTX_use_certificate_file(c, a, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_use_PrivateKey_file(c, b, SSL_FILETYPE_PEM) != 1)
			die("loading the server's key");
	} else {
		if (SSL_CTX_load_verify_locations(c, a, NULL) != 1)
			die("loading the trust anchor");
		SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
	}
#else
	c = wolfSSL_CTX_new(server ? wolfTLSv1_2_server_method() :
	    wolfTLSv1_2_client_method());
	if (c == NULL ||
	    wolfSSL_CTX_set_cipher_list(c, SUITE) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_UseSupportedCurve(c, WOLFSSL_ECC_SECP256R1) !=
	    WOLFSSL_SUCCESS)
		die("wolfSSL_CTX_new");
	/* the Nagle trap: one flight, one write */
	wolfSSL_CTX_set_group_messages(c);
	if (server) {
		if (wolfSSL_CTX_use_certificate_file(c, a,
		    WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS ||
		    wolfSSL_CTX_use_PrivateKey_file(c, b,
		    WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS)
			die("loading the server's key");
		wolfSSL_CTX_set_verify(c, WOLFSSL_VERIFY_NONE, NULL);
	} else {
		if (wolfSSL_CTX_load_verify_locations(c, a, NULL) !=
		    WOLFSSL_SUCCESS)
			die("loading the trust anchor");
		wolfSSL_CTX_set_verify(c, WOLFSSL_VERIFY_PEER, NULL);
	}
#endif
	return c;
}

static tls_t *
tls_open(ctx_t *c, int fd, int server)
{
	tls_t *s;
	int rc;

#if defined(BENCH_OPENSSL)
	if ((s = SSL_new(c)) == NULL || SSL_set_fd(s, fd) != 1)
		die("SSL_new");
	rc = server ? SSL_accept(s) : SSL_connect(s);
	if (rc != 1) {
		if (server) {
			SSL_free(s);
			return NULL;
		}
		die("the handshake");
	}
#else
	if ((s = wolfSSL_new(c)) == NULL ||
	    wolfSSL_set_fd(s, fd) != WOLFSSL_SUCCESS)
		die("wolfSSL_new");
	if (!server)
		wolfSSL_UseSNI(s, WOLFSSL_SNI_HOST_NAME, "localhost", 9);
	rc = server ? wolfSSL_accept(s) : wolfSSL_connect(s);
	if (rc != WOLFSSL_SUCCESS) {
		if (server) {
			wolfSSL_free(s);
			return NULL;
		}
		fprintf(stderr, "stream: wolfSSL error %d\n",
		    wolfSSL_get_error(s, rc));
		die("the handshake");
	}
#endif
	return s;
}

static int
tls_read(tls_t *s, void *b, int n)
{
#if defined(BENCH_OPENSSL)
	return SSL_read(s, b, n);
#else
	return wolfSSL_read(s, b, n);
#endif
}

static int
tls_write(tls_t *s, const void *b, int n)
{
#if defined(BENCH_OPENSSL)
	return SSL_write(s, b, n);
#else
	return wolfSSL_write(s, b, n);
#endif
}

static void
tls_close(tls_t *s)
{
#if defined(BENCH_OPENSSL)
	SSL_shutdown(s);
	SSL_free(s);
#else
	wolfSSL_shutdown(s);
	wolfSSL_free(s);
#endif
}

/* ---- the loops: the same for TLS and for bare TCP (s == NULL) ---- */

static long long
send_file(tls_t *s, int fd, const char *path)
{
	static unsigned char buf[BUF];
	long long total = 0;
	ssize_t n, off;
	int in, w;

	if ((in = open(path, O_RDONLY)) < 0)
		die(path);
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = s != NULL ? tls_write(s, buf + off, (int)(n - off)) :
			    (int)write(fd, buf + off, (size_t)(n - off));
			if (w <= 0)
				die("write");
		}
		total += n;
	}
	if (n < 0)
		die("read");
	close(in);
	return total;
}

/* Received bytes dropped, or written into a new file store (then synced
 * and removed): the storing receiver is the peer of Bulwark's, which
 * writes what it receives into a file on the same file system. */
static long long
receive(tls_t *s, int fd, const char *store)
{
	static unsigned char buf[BUF];
	long long total = 0;
	int n, out = -1;
	ssize_t w, off;

	if (store != NULL && (out = open(store, O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) < 0)
		die(store);
	while ((n = s != NULL ? tls_read(s, buf, sizeof(buf)) :
	    (int)read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; out >= 0 && off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) <= 0)
				die("write");
		total += n;
	}
	if (out >= 0) {
		if (fsync(out) != 0)
			die("fsync");
		close(out);
		unlink(store);
	}
	return total;
}

static int
tcp_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons((unsigned short)port) };
	int fd, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect");
	return fd;
}

static void __attribute__((noreturn))
server(int port, const char *file, const char *store, int plain,
    const char *cert, const char *key)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons((unsigned short)port) };
	ctx_t *c = plain ? NULL : ctx_make(1, cert, key);
	int ls, fd, one = 1;
	tls_t *s;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	signal(SIGPIPE, SIG_IGN);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(ls, 64) != 0)
		die("bind");
	for (;;) {
		if ((fd = accept(ls, NULL, NULL)) < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* a connection a child, so that a peer that went away (the
		 * script's probe of the port) ends only its own */
		if (fork() == 0) {
			close(ls);
			s = NULL;
			if (c != NULL && (s = tls_open(c, fd, 1)) == NULL)
				_exit(1);
			if (file != NULL)
				send_file(s, fd, file);
			else
				receive(s, fd, store);
			if (s != NULL)
				tls_close(s);
			_exit(0);
		}
		close(fd);
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
}

static int
client(int port, const char *file, const char *store, int plain,
    const char *ca)
{
	ctx_t *c = plain ? NULL : ctx_make(0, ca, NULL);
	tls_t *s = NULL;
	long long n;
	double t0;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	t0 = now();
	fd = tcp_connect(port);
	if (c != NULL)
		s = tls_open(c, fd, 0);
	n = file != NULL ? send_file(s, fd, file) : receive(s, fd, store);
	if (s != NULL)
		tls_close(s);
	else
		shutdown(fd, SHUT_WR);
	close(fd);
	printf("%lld %.6f\n", n, now() - t0);
	return 0;
}

static int
handshakes(int port, const char *ca, int n)
{
	ctx_t *c = ctx_make(0, ca, NULL);
	struct rusage ru;
	double t0, cpu;
	int i, fd;

	signal(SIGPIPE, SIG_IGN);
	t0 = now();
	for (i = 0; i < n; i++) {
		fd = tcp_connect(port);
		tls_close(tls_open(c, fd, 0));
		close(fd);
	}
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("%d %.6f %.6f\n", n, now() - t0, cpu);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: stream server PORT (--discard | --store NEW | "
	    "--send FILE) (--plain | CERT KEY)\n"
	    "       stream client PORT (--send FILE | --discard | --store NEW) "
	    "(--plain | CAFILE)\n"
	    "       stream handshakes PORT CAFILE N\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *file = NULL, *store = NULL;
	int port, plain, i = 3;

	if (argc < 4)
		usage();
#if defined(BENCH_WOLFSSL)
	if (wolfSSL_Init() != WOLFSSL_SUCCESS)
		die("wolfSSL_Init");
#endif
	port = atoi(argv[2]);
	if (strcmp(argv[1], "handshakes") == 0 && argc == 5)
		return handshakes(port, argv[3], atoi(argv[4]));
	if (strcmp(argv[i], "--send") == 0 && argc > i + 1)
		file = argv[++i];
	else if (strcmp(argv[i], "--store") == 0 && argc > i + 1)
		store = argv[++i];
	else if (strcmp(argv[i], "--discard") != 0)
		usage();
	i++;
	plain = argc == i + 1 && strcmp(argv[i], "--plain") == 0;
	if (strcmp(argv[1], "server") == 0 && (plain || argc == i + 2))
		server(port, file, store, plain, argv[i], argv[i + 1]);
	if (strcmp(argv[1], "client") == 0 && (plain || argc == i + 1))
		return client(port, file, store, plain, argv[i]);
	usage();
	return 2;
}
