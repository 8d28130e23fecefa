/* The server console's account commands (accounts.c). */
#ifndef BWK_ACCOUNTS_H
#define BWK_ACCOUNTS_H

#include "instance.h"
#include "srvopts.h"

#define ACCOUNTS_USAGE	2	/* bulwarkd's exit statuses */
#define ACCOUNTS_FAILED	3

#include "../lib/scram.h"

/* A password from standard input, made into a verifier (and wiped). */
int	accounts_read_verifier(const char *name, struct scram_verifier *);
/* init: the catalog, and the first administrator with verifier v when
 * name is set. 0, or -1 with the message. */
int	accounts_init(const struct instance *, const char *name,
	    const struct scram_verifier *v);
/* argv[0] "node" or "admin", then the command: 0 or an exit status. */
int	accounts_cmd(const struct instance *, const struct srv_options *,
	    int argc, char **argv);

#endif
