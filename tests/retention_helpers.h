/*
 * Shared by the retention and audit tests (test_retention.c,
 * test_audit.c): the instance's own catalog (TMP/inst/catalog) on a
 * clock the test sets, and content files written beneath TMP/inst/data
 * as a session writes them (src/srvsession/content.c).
 */
#ifndef BWK_TEST_RETENTION_HELPERS_H
#define BWK_TEST_RETENTION_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "../src/catalog/catalog.h"

/* The catalog's clock for rt_catalog()'s handles; 0: the real time. */
extern int64_t	rt_clock;

/* The instance's catalog, opened on rt_clock. */
struct catalog	*rt_catalog(void);
/* TMP/inst/data, open. */
int		 rt_data(void);
/*
 * NODE n1's backup of a file of len bytes of fill, committed, with its
 * content file; its version, and its content name into content (may
 * be NULL).
 */
int64_t		 rt_store(struct catalog *, int datafd, const char *path,
		    size_t len, int fill, char content[CAT_CONTENT_MAX]);
/* The same, left pending (its file written and synced). */
int64_t		 rt_pending(struct catalog *, int datafd, const char *path,
		    size_t len, char content[CAT_CONTENT_MAX]);
/* TMP/inst/data/CONTENT exists. */
int		 rt_exists(const char *content);
/* Its path. */
const char	*rt_file(const char *content);
/* "BULWARK_TEST_NOW=" the time in secs from now, for t_run's env. */
const char	*rt_now_env(int64_t secs);
/* A statement on the instance's catalog, as another program. */
void		 rt_raw(const char *sql);

#endif
