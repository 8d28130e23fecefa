/*
 * What every fuzz target in fuzz/ shares: libFuzzer's two entry points,
 * the set-up all of them need, one way to report a violated property,
 * and the fixed clock of the targets that check dates.
 *
 * A target includes this header once, defines LLVMFuzzerTestOneInput,
 * and, when it has set-up of its own (keys, files, tables), names that
 * function before the include:
 *
 *	#define FUZZ_SETUP	keyd_setup
 *	#include "fuzz_common.h"
 *
 * The header defines LLVMFuzzerInitialize itself, so that no target can
 * forget the common part: Bulwark's own messages are silenced (the code
 * under test prints them on every refused input, and the fuzzer's output
 * would drown in them) unless BWK_FUZZ_VERBOSE is set to see them.
 */
#ifndef BWK_FUZZ_COMMON_H
#define BWK_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/msg.h"

/* A fixed "now" (2027-01-01 00:00:00 UTC): runs must be reproducible. */
#define FUZZ_NOW	((int64_t)1798761600)

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name, from its argv[0], for fuzz_fail(). */
static const char *fuzz_name = "fuzz";

/* A property the target checks does not hold: say which, and abort. */
static void	fuzz_fail(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn, unused));

static void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: property violated: ", fuzz_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#ifdef FUZZ_SETUP
static void	FUZZ_SETUP(void);
#endif

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *slash;

	if (*argc > 0 && (*argv)[0] != NULL) {
		slash = strrchr((*argv)[0], '/');
		fuzz_name = slash != NULL ? slash + 1 : (*argv)[0];
	}
	bwk_quiet = getenv("BWK_FUZZ_VERBOSE") == NULL;
#ifdef FUZZ_SETUP
	FUZZ_SETUP();
#endif
	return 0;
}

#endif
