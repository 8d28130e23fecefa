/*
 * Retention on the server: bulwarkd.opt's policy (VEREXISTS, VERDELETED,
 * RETEXTRA, RETONLY) applied to the catalog, and the versions it expired
 * or that were abandoned removed with their content files (retention.c).
 */
#ifndef BWK_RETENTION_H
#define BWK_RETENTION_H

#include <stdint.h>

#include "instance.h"
#include "srvopts.h"

/* What one run did, for its log line. */
struct retention_done {
	int		expired;	/* versions the policy expired now */
	int		reaped;		/* versions removed from the catalog */
	long		files;		/* content files removed */
	uint64_t	bytes;		/* and their sizes */
};

#define RETAIN_EXPIRE	0x01	/* apply the policy, then reap */

/*
 * Opens the instance's catalog and data directory, applies the policy
 * (RETAIN_EXPIRE), and reaps: every DELETING version, and the pending
 * ones that began before pending_before (catalog_reap's: 0 none,
 * INT64_MAX every one, when no session runs). 0, or -1 after its
 * messages; *done says what was done either way.
 */
int	retention_run(const struct instance *, const struct srv_options *,
	    int flags, int64_t pending_before, struct retention_done *done);
/* The log line of an expiry (BWK1550I). */
void	retention_report(const struct srv_options *,
	    const struct retention_done *);
/* bulwarkd --instance DIR expire: an exit status. */
int	retention_cmd(const struct instance *, const struct srv_options *,
	    int argc, char **argv);

#endif
