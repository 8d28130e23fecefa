/*
 * The documents and the install say what the programs do: make install
 * leaves a packager's build host alone.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(docs, .init = setup, .fini = teardown, .timeout = 120);

/* A file of the source tree, NUL-terminated, lower-cased if asked. */
static char *
source(const char *name, int lower)
{
	uint8_t *b;
	size_t n, i;
	char *s;

	cr_assert_eq(t_read(t_src(name), &b, &n), 0, "%s: run from the source "
	    "tree or set BWK_SRC", t_src(name));
	cr_assert_not_null(s = realloc(b, n + 1));
	s[n] = '\0';
	for (i = 0; lower && i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

/* What make -n prints, for a look at the commands an install runs. */
static void
dry_install(char *out, size_t outlen, const char *destdir)
{
	char cmd[1200], path[600];
	uint8_t *b;
	size_t n;

	snprintf(path, sizeof(path), "%s", t_path("make.out"));
	/* a make of its own: not the jobs or flags of a make check around */
	snprintf(cmd, sizeof(cmd), "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
	    "make -s -n -C %s install SETGID=1 "
	    "PREFIX=/usr SYSCONFDIR=/etc %s%s >%s 2>&1", t_src(""),
	    destdir ? "DESTDIR=" : "", destdir ? destdir : "", path);
	cr_assert_eq(WEXITSTATUS(system(cmd)), 0, "%s", cmd);
	cr_assert_eq(t_read(path, &b, &n), 0);
	snprintf(out, outlen, "%.*s", (int)n, (char *)b);
	free(b);
}

/*
 * SETGID=1 with DESTDIR is a package being built: no group is made on
 * the build host, no owner and no setgid bit are set, and the package's
 * post-install is given the command that does it on the target.
 */
Test(docs, setgid_install_with_destdir_leaves_groups_to_the_target)
{
	static char out[65536];
	const char *line;

	dry_install(out, sizeof(out), t_path("stage"));
	cr_assert(!t_contains(out, "groupadd"), "%s", out);
	cr_assert(!t_contains(out, "chown"), "%s", out);
	cr_assert(!t_contains(out, "-o root"), "%s", out);
	cr_assert(!t_contains(out, "2755"), "%s", out);
	for (line = out; (line = strstr(line, "setgid-setup")) != NULL; line++)
		cr_assert(line == out || line[-1] != '\n', "setgid-setup is "
		    "run on the build host: %s", out);
	cr_assert(!t_contains(out, "\n/usr/libexec/bulwark/setgid-setup\n"),
	    "%s", out);
	cr_assert(t_contains(out, "post-install"), "%s", out);
	/* the positive control: without DESTDIR the install does it */
	dry_install(out, sizeof(out), NULL);
	cr_assert(t_contains(out, "\n/usr/libexec/bulwark/setgid-setup\n"),
	    "%s", out);
	/* and the script it runs makes the group and sets the bit */
	{
		char *script = source("scripts/setgid-setup.sh", 0);

		cr_assert(strstr(script, "groupadd --system bulwark") != NULL);
		cr_assert(strstr(script, "chmod 2755") != NULL);
		free(script);
	}
}
