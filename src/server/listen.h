/* bulwarkd's listener: see listen.c. */
#ifndef BWK_LISTEN_H
#define BWK_LISTEN_H

#include "srvopts.h"

#define ROLE_NODE	1	/* a port nodes may sign on at */
#define ROLE_ADMIN	2	/* a port administrators may sign on at */

struct instance;

struct listen_opts {
	const char			*instance;
	const char			*arm;		/* cert256.arm */
	const struct instance		*in;		/* its labels' files */
	const struct srv_options	*o;
	int				 syslog;	/* forward the sessions' lines */
	int				 insecure_sandbox;
};

/* Listens and serves until SIGTERM or SIGINT; the exit status. */
int	listen_run(const struct listen_opts *);

#endif
