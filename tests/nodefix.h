/*
 * What the tests of a node's backups share: an instance with a node, the
 * client run against it, files made, no restore's temporary file left.
 */
#ifndef BWK_TESTS_NODEFIX_H
#define BWK_TESTS_NODEFIX_H

#include <sys/types.h>

#include <stddef.h>

#include "helpers.h"
#include "srvfix.h"

/* An instance with node n1, its password in the key database, and the
 * client's options file (returned); extra is added to its stanza. */
const char *node_setup(struct srv *, const char *extra);
/* The same on an instance with these lines in bulwarkd.opt. */
const char *node_setup_opts(struct srv *, const char *srvopts,
	    const char *extra);
/* bulwark WORDS... --sysfile SYS, up to 16 words. */
void	client(struct run *, const char *sys, const char *const *words);
void	mkfile(const char *path, const void *data, size_t n, mode_t mode);
/* No temporary file of a restore left anywhere beneath dir. */
void	no_temp_files(const char *dir);

#endif
