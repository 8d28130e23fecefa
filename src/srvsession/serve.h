/* The session protocol, server side (docs/protocol.md). */
#ifndef BWK_SERVE_H
#define BWK_SERVE_H

#include "../server/srvopts.h"
#include "../tls/session.h"

/* Runs one established session to its end; the process's exit status. */
/* roles: ROLE_NODE, ROLE_ADMIN (listen.h), who may sign on here. */
int	serve_session(struct session *, const struct srv_options *, int roles,
	    int busy);

#endif
