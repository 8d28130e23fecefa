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
/* The server's log once a line with id is in it (5 seconds at most). */
const char *srv_log_wait(struct srv *, const char *id);
/* bulwark check of the instance as server srv1, with extra stanza lines. */
void	srv_check(struct run *, const struct srv *, int accept,
	    const char *extra);
/* The fingerprint of the instance's cert256.arm, as bulwark prints it. */
void	arm_fingerprint(const struct srv *, char out[BWK_FPR_STRLEN]);

#endif
