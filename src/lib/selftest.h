/*
 * Power-on self-test: known-answer tests of the wolfCrypt algorithms that
 * Bulwark depends on, run by every Bulwark program before it does anything.
 *
 * This is not a validated FIPS 140 module and makes no such claim; it is a
 * start-up check that the crypto library in this binary computes what the
 * published test vectors say it must.
 */

#ifndef BWK_SELFTEST_H
#define BWK_SELFTEST_H

#include <stddef.h>

struct bwk_selftest_result {
	const char	*name;		/* e.g. "AES-256-GCM" */
	int		 ok;		/* 1 passed, 0 failed */
	double		 ms;		/* wall time, milliseconds (CLOCK_MONOTONIC) */
};

#define BWK_SELFTEST_MAX	16

/*
 * Runs every known-answer test; fills res[0..*n-1]. Returns 0 when all
 * pass, -1 otherwise. Runs every test even after a failure.
 */
int	bwk_selftest_run(struct bwk_selftest_result res[BWK_SELFTEST_MAX],
	    size_t *n);

/*
 * Runs the tests once; on any failure prints, to stderr, one line per
 * failed test:
 * "BWK0010E <prog>: crypto self-test failed: <name>; the program will not
 * run. Reinstall Bulwark or report this." and returns -1. Returns 0 when
 * all pass. Silent on success.
 */
int	bwk_selftest_startup(const char *prog);

#endif /* BWK_SELFTEST_H */
