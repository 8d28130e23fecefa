/* Shared by the Criterion tests: temp directories, running our programs. */
#ifndef BWK_TEST_HELPERS_H
#define BWK_TEST_HELPERS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct run {
	int	status;		/* exit status, or 128 + signal */
	char	out[65536];
	char	err[16384];
};

/* A fresh 0700 directory under /tmp; removed by t_cleanup(). */
const char	*t_tmpdir(void);
void		 t_cleanup(void);
/* DIR/name inside the test's temp dir (static buffer, rotates 8). */
const char	*t_path(const char *name);
/* A test certificate made by tests/gen-certs.sh. */
const char	*t_cert(const char *name);
/* The key-database directory the test uses: TMP/db. */
const char	*t_db(void);

/*
 * Runs BWK_BIN/prog with argv (NULL-terminated), BULWARK_DIR=t_db() and
 * the extra environment strings in env (NULL-terminated or NULL).
 */
void	t_run(struct run *, const char *prog, const char *const *argv,
	    const char *const *env);
/* A Debian program (argv[0] in /usr/bin), standard input /dev/null. */
void	t_run_any(struct run *, const char *const *argv);
/* bulwark-cert with its arguments, default environment. */
int	t_cert_cmd(struct run *, ...);

int	t_read(const char *path, uint8_t **buf, size_t *len);
int	t_write(const char *path, const uint8_t *buf, size_t len, int mode);
int	t_same_file(const char *a, const char *b);
int	t_copy(const char *from, const char *to);
int	t_contains(const char *hay, const char *needle);



/*
 * A real TLS peer (openssl s_server, gnutls-serv) on 127.0.0.1: argv[0]
 * is the program, "PORT" in argv is replaced by a free port. Returns when
 * the server listens (it printed ready), with its pid and port.
 */
struct peer {
	pid_t	pid;
	int	port;
	char	portstr[8];
	char	log[512];
	int	stdin_fd;	/* held open: s_server quits at EOF on stdin */
};
/* A free TCP port on 127.0.0.1 (bound, read back, closed). */
int	t_free_port(void);
void	t_peer_start(struct peer *, const char *const *argv, const char *ready);
void	t_peer_stop(struct peer *);
char	*t_peer_log(struct peer *);
/* Starts BWK_BIN/prog in the background with stdout to a pipe. */
pid_t	t_spawn(const char *prog, const char *const *argv, int *outfd);


/*
 * A system options file (dsm.sys style) with one stanza for bulwark
 * check; accept is SSLACCEPTCERTFROMSERV, fpr NULL or a fingerprint.
 * Returns its path.
 */
const char *t_sysfile(const char *server, const char *addr, const char *port,
	    int accept, const char *fpr);


/*
 * The setgid install make check makes for the tests (BWK_SETGID_PREFIX),
 * or skips the test when there is none or it is not run as root. The
 * tests that use it change its databases and options file, so each holds
 * a lock on it until it ends: they run one at a time.
 */
const char *t_setgid_install(void);
/* The Bulwark source tree (BWK_SRC), for the tests of its documents. */
const char *t_src(const char *name);

/* Skips the test, with the reason, when the kernel cannot sandbox the
 * network process (no seccomp, or Landlock below ABI 4). */
void	t_need_sandbox(void);

/* What the code under test prints on standard error, between the two. */
void		 t_cap_begin(void);
const char	*t_cap_end(void);

/* t_run with input as the program's standard input. */
void	t_run_input(struct run *, const char *prog, const char *const *argv,
	    const char *input);
/*
 * Does pid's readable memory hold needle, or its byte reversal? (Reading
 * another process's memory needs root.) The first child of parent, or 0.
 */
int	t_memory_holds(pid_t pid, const uint8_t *needle, size_t nl);
pid_t	t_child_of(pid_t parent);
/* t_run_any with input as the program's standard input. */
void	t_run_any_input(struct run *, const char *const *argv,
	    const char *input);
/* bulwark-cert -nodepw: the password for node on server, by stdin. */
void	t_nodepw(const char *server, const char *node, const char *pw);
#endif
