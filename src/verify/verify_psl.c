/*
 * The Public Suffix List for the verifier's wildcard rule, from Debian's
 * libpsl: a wildcard may not cover a public suffix (*.co.uk, *.github.io),
 * whoever issued it. The list is a fact about the world that changes, so
 * it comes from the distribution (the publicsuffix package, updated with
 * the system) and never from a table of our own.
 *
 * It is loaded once, by an explicit call, before any sandbox: the network
 * process opens no file after it is sandboxed. chain_verify() only asks
 * the list in memory and fails closed when nothing was loaded.
 */
#include <sys/stat.h>

#include <libpsl.h>
#include <stdio.h>
#include <string.h>

#include "../lib/util.h"
#include "verify.h"

static const psl_ctx_t	*psl;		/* NULL: not loaded */
static psl_ctx_t	*psl_file;	/* what we loaded and may free */
static char		 psl_source[160];
static int64_t		 psl_date;
static char		 psl_error[200] = "chain_psl_load() was not called";

/*
 * libpsl has a copy of the list built in (Debian builds it from the
 * publicsuffix package of the day) and names the package's DAFSA file,
 * which a later publicsuffix update replaces without a libpsl rebuild.
 * The newer of the two is used, as psl_latest() would choose, but chosen
 * here so that the source and its date can be reported.
 */
int
chain_psl_load(char *why, size_t whylen)
{
	const char *dist = psl_dist_filename();
	time_t builtin_time = psl_builtin_file_time();
	struct stat st;

	if (psl != NULL)
		return 0;
	if (dist != NULL && *dist != '\0' && stat(dist, &st) == 0 &&
	    (psl_builtin() == NULL || st.st_mtime > builtin_time) &&
	    (psl_file = psl_load_file(dist)) != NULL) {
		psl = psl_file;
		snprintf(psl_source, sizeof(psl_source), "%s", dist);
		psl_date = (int64_t)st.st_mtime;
		return 0;
	}
	if ((psl = psl_builtin()) != NULL) {
		snprintf(psl_source, sizeof(psl_source), "the copy built into "
		    "libpsl %s", psl_get_version());
		psl_date = (int64_t)builtin_time;
		return 0;
	}
	snprintf(psl_error, sizeof(psl_error), "libpsl %s has no built-in "
	    "list and %s cannot be read; install Debian's publicsuffix "
	    "package", psl_get_version(), dist != NULL ? dist : "its file");
	snprintf(why, whylen, "%s", psl_error);
	return -1;
}

int
chain_psl_info(char *source, size_t sourcelen, int64_t *date)
{
	if (psl == NULL) {
		snprintf(source, sourcelen, "%s", psl_error);
		*date = 0;
		return -1;
	}
	snprintf(source, sourcelen, "%s", psl_source);
	*date = psl_date;
	return 0;
}

/*
 * domain: lower-case LDH labels (the caller checked the syntax), so that
 * libpsl needs no conversion, and with that no locale or file. The
 * default rule counts: an unlisted top-level label is a public suffix.
 */
int
chain_psl_is_public_suffix(const char *domain, char *why, size_t whylen)
{
	if (psl == NULL) {
		snprintf(why, whylen, "%s", psl_error);
		return -1;
	}
	return psl_is_public_suffix(psl, domain) ? 1 : 0;
}
