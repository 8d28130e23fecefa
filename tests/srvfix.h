/* A bulwarkd instance for the tests: made, started, and checked with bulwark. */
#ifndef BWK_TEST_SRVFIX_H
#define BWK_TEST_SRVFIX_H

#include "../src/lib/util.h"
#include "helpers.h"

struct srv {
	struct peer	 p;
	char		 dir[512];
	char		 port[8];
	char		 log[600];
};

/* bulwarkd --instance TMP/inst init, then bulwarkd.opt: the port, the
 * loopback address and the extra lines. */
void	srv_init(struct srv *, const char *extra);
void	srv_start(struct srv *);
const char *srv_log(struct srv *);
/* The content files under the instance's data/; last (len bytes, or
 * NULL) gets the last one's path. */
int	srv_content_files(const struct srv *, char *last, size_t len);
/* The server's log once a line with id is in it (5 seconds at most). */
const char *srv_log_wait(struct srv *, const char *id);
/* bulwark check of the instance as server srv1, with extra stanza lines. */
void	srv_check(struct run *, const struct srv *, int accept,
	    const char *extra);
/* The fingerprint of the instance's cert256.arm, as bulwark prints it. */
void	arm_fingerprint(const struct srv *, char out[BWK_FPR_STRLEN]);

/*
 * A client session signed on to the instance, driven frame by frame by
 * the test: the library's own session (src/tls/session.h) runs in a
 * child, sandboxed as bulwark's network process, and relays the frames
 * the test hands it over a socketpair, and the server's back. As node
 * name (its password stored for srv1 with t_nodepw), or as administrator
 * name when admin_pw is not NULL. The server's certificate must be pinned
 * for srv1 already (srv_check with first use).
 */
struct wire_out;
struct wire_frame;
struct relay {
	pid_t	pid;
	int	fd;		/* the test's end */
};
void	relay_start(struct relay *, const struct srv *, const char *name,
	    const char *admin_pw);
/* Sends a frame (wire_begin and the puts; its length is set here). */
void	relay_send(struct relay *, struct wire_out *);
/* relay_send, but 0 or -1 (the session or the relay gone), no assert. */
int	relay_try_send(struct relay *, struct wire_out *);
/* Bytes inside the TLS session as they are: a forged frame header. */
void	relay_send_raw(struct relay *, const void *, size_t);
/*
 * The server's next frame: 1, 0 when the server closed the session, -1
 * when the session failed (its first error's ID in err_id, may be NULL).
 */
int	relay_recv(struct relay *, struct wire_frame *, char err_id[9]);
void	relay_stop(struct relay *);

#endif
