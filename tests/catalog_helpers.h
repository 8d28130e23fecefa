/*
 * Shared by the catalog's tests (test_catalog.c, test_catalog_objects.c):
 * a temporary instance directory, the messages the catalog printed, a
 * clock the tests move, and a look at the file from outside the catalog.
 */
#ifndef BWK_TEST_CATALOG_HELPERS_H
#define BWK_TEST_CATALOG_HELPERS_H

#include <stdint.h>

#include "../src/catalog/catalog.h"

#define INST	t_path("inst")
#define DBFILE	t_path("inst/catalog.db")

/* Every message the catalog printed since tc_setup(), one per line. */
extern char	tc_msgs[16384];
/* The test's clock: the catalog's times and locks follow it. */
extern int64_t	tc_now;

/* The suite's init and fini: TMP/inst (0700), messages captured. */
void		tc_setup(void);
void		tc_teardown(void);
/* Opens (creating) the catalog of INST, with the test's clock. */
struct catalog	*tc_open(void);
/* A valid verifier; seeds give different ones. */
struct scram_verifier tc_verifier(int seed);
void		tc_add_node(struct catalog *, const char *name,
		    enum cat_security);
struct cat_account tc_get(struct catalog *, enum cat_kind, const char *name);
/* A statement run on the file by a connection of its own, as another program. */
void		tc_raw(const char *sql);
/* One integer, from a statement on the catalog's own connection. */
int64_t		tc_raw_int(struct catalog *, const char *sql);
/* Sets a test-build fault point (catalog_int.h); tc_clear_faults() ends them. */
void		tc_fault(const char *var, const char *point);
void		tc_clear_faults(void);

#endif
