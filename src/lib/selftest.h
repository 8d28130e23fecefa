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

/*
 * As bwk_selftest_startup(), for the programs whose every start counts
 * (bulwark, bulwark-keyd, bulwarkd-session): the tests of the algorithms
 * every session uses run now, and RSA-2048's runs before the process's
 * first RSA operation (FIPS 140-3's conditional self-test), through the
 * wrappers of selftest_defer.c. A program not linked with those wrappers
 * (the Makefile's BWK_RSA_WRAP) runs all the tests now.
 */
int	bwk_selftest_startup_deferred(const char *prog);

/*
 * 1 when every wolfCrypt RSA operation of this program passes through
 * selftest_defer.c (linked with --wrap), 0 otherwise.
 */
int	bwk_selftest_defer_linked(void);

/*
 * The RSA-2048 test, once a process, before its first RSA operation:
 * 0 when it passed (or is the caller). On failure it prints BWK0010E and
 * ends the process with status 6: no RSA result leaves a process whose
 * RSA is broken.
 */
int	bwk_selftest_rsa_first_use(void);

#endif /* BWK_SELFTEST_H */
