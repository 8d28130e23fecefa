/*
 * The documents say what the programs do: every option each --help lists
 * is in the program's manual page, every message ID a manual page names
 * exists, README's quick start runs as written, and make install leaves a
 * packager's build host alone.
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

/* A manual page as text: roff's \- is a dash, fonts and the like go. */
static char *
page_text(const char *name)
{
	char *s = source(name, 1), *o = s, *p;

	for (p = s; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] == '-') {
			*o++ = '-';
			p++;
		} else if (p[0] == '\\' && p[1] == 'f' && p[2] != '\0')
			p += 2;
		else if (p[0] == '\\' && p[1] == '&')
			p++;
		else
			*o++ = *p;
	}
	*o = '\0';
	return s;
}

/* Placeholders of the usage texts, not options. */
static int
placeholder(const char *opt)
{
	return strcmp(opt, "opt") == 0 || strcmp(opt, "option") == 0;
}

/*
 * Every -option and --option in text is in the page. The options files'
 * options, shown with one dash and in IBM's case, are matched by name.
 */
static void
options_in_page(const char *what, const char *text, const char *page)
{
	const char *p = text;
	char opt[64], want[70];
	size_t n;

	while ((p = strchr(p, '-')) != NULL) {
		int dashes = p[1] == '-' ? 2 : 1;

		if ((p > text && !strchr(" \t\n[(|,", p[-1])) ||
		    !isalpha((unsigned char)p[dashes])) {
			p++;
			continue;
		}
		for (n = 0; n + 1 < sizeof(opt) && (isalnum((unsigned char)
		    p[dashes + n]) || p[dashes + n] == '-'); n++)
			opt[n] = (char)tolower((unsigned char)p[dashes + n]);
		opt[n] = '\0';
		p += dashes + n;
		if (placeholder(opt))
			continue;
		snprintf(want, sizeof(want), "%s%s", dashes == 2 ? "--" : "-",
		    opt);
		cr_assert(strstr(page, want) != NULL || (dashes == 1 &&
		    strstr(page, opt) != NULL), "%s lists %s, which its manual "
		    "page does not name", what, want);
	}
}

static void
help_in_page(const char *prog, const char *const *argv, const char *page)
{
	struct run r;
	char what[100];

	t_run(&r, prog, argv, NULL);
	cr_assert_eq(r.status, 0, "%s %s", prog, argv[0]);
	snprintf(what, sizeof(what), "%s %s %s", prog, argv[0],
	    argv[1] ? argv[1] : "");
	options_in_page(what, r.out, page);
}

Test(docs, man_pages_name_every_option_of_help)
{
	char *b = page_text("man/bulwark.1"), *c = page_text("man/bulwark-cert.1");

	help_in_page("bulwark", (const char *[]){ "--help", NULL }, b);
	help_in_page("bulwark", (const char *[]){ "check", "--help", NULL }, b);
	help_in_page("bulwark", (const char *[]){ "policy", "--help", NULL }, b);
	help_in_page("bulwark", (const char *[]){ "query", "inclexcl", "--help",
	    NULL }, b);
	help_in_page("bulwark", (const char *[]){ "verify", "--help", NULL }, b);
	help_in_page("bulwark", (const char *[]){ "sandbox-check", "--help",
	    NULL }, b);
	help_in_page("bulwark", (const char *[]){ "incremental", "--help",
	    NULL }, b);
	help_in_page("bulwark", (const char *[]){ "selective", "--help",
	    NULL }, b);
	help_in_page("bulwark", (const char *[]){ "restore", "--help", NULL },
	    b);
	help_in_page("bulwark-cert", (const char *[]){ "--help", NULL }, c);
	free(b);
	free(c);
}

/* Each message ID a manual page names is documented and printed. */
Test(docs, man_pages_name_only_existing_ids)
{
	static const char *const pages[] = { "man/bulwark.1",
	    "man/bulwark-cert.1", "man/bulwark-keyd.8" };
	char *doc = source("docs/messages.md", 0), *page, *p, id[10], head[20];
	char cmd[800];
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		page = source(pages[i], 0);
		for (p = page; (p = strstr(p, "BWK")) != NULL; p += 3) {
			if (!isdigit((unsigned char)p[3]) || !isdigit((unsigned
			    char)p[6]) || strchr("IWE", p[7]) == NULL ||
			    p[7] == '\0')
				continue;
			snprintf(id, sizeof(id), "%.8s", p);
			snprintf(head, sizeof(head), "### %s\n", id);
			cr_assert(strstr(doc, head) != NULL, "%s names %s, which "
			    "docs/messages.md does not document", pages[i], id);
			snprintf(cmd, sizeof(cmd), "grep -rqF %s %s %s %s", id,
			    t_src("src"), t_src("sandbox"), t_src("scripts"));
			cr_assert_eq(system(cmd), 0, "%s names %s, which no "
			    "program prints", pages[i], id);
		}
		free(page);
	}
	free(doc);
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
	static char out[1 << 20];	/* make -n of a whole install */
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

/* ---- README's quick start, run as written ---- */

#define QS_MAX	32

struct quickstart {
	char	 cmds[QS_MAX][300];	/* the bulwark and bulwark-cert lines */
	size_t	 ncmds;
	char	 sysfile[600];		/* where it says the options file is */
	char	 systext[2048];		/* and what it holds */
};

/* The commands and the options file of README's "Quick start". */
static void
quickstart(struct quickstart *q)
{
	char *readme = source("README.md", 0), *p, *end, *nl, line[300];
	size_t n;
	int in_sys = 0;

	memset(q, 0, sizeof(*q));
	cr_assert_not_null(p = strstr(readme, "\n## Quick start"));
	end = strstr(p + 1, "\n## ");
	for (p = strchr(p + 1, '\n') + 1; p < end; p = nl + 1) {
		nl = strchr(p, '\n');
		n = (size_t)(nl - p);
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strncmp(line, "    ", 4) != 0) {
			in_sys = 0;
			continue;
		}
		if (strncmp(line + 4, "* /", 3) == 0) {
			snprintf(q->sysfile, sizeof(q->sysfile), "%s", line + 6);
			in_sys = 1;
		}
		if (in_sys) {
			strncat(q->systext, line + 4, sizeof(q->systext) -
			    strlen(q->systext) - 2);
			strcat(q->systext, "\n");
		} else if (strncmp(line + 4, "bulwark", 7) == 0 &&
		    q->ncmds < QS_MAX) {
			char *hash = strstr(line, "  #");

			if (hash != NULL)
				*hash = '\0';
			snprintf(q->cmds[q->ncmds++], sizeof(q->cmds[0]), "%s",
			    line + 4);
		}
	}
	free(readme);
	cr_assert_gt(q->ncmds, 3, "no commands found in the quick start");
	cr_assert_neq(q->sysfile[0], '\0', "no options file in the quick "
	    "start");
}

/* s with every from replaced by to. */
static void
replace(char *s, size_t cap, const char *from, const char *to)
{
	char buf[4096], *p = s, *hit;
	size_t o = 0;

	buf[0] = '\0';
	while ((hit = strstr(p, from)) != NULL) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%.*s%s",
		    (int)(hit - p), p, to);
		p = hit + strlen(from);
	}
	snprintf(buf + o, sizeof(buf) - o, "%s", p);
	snprintf(s, cap, "%s", buf);
}

/*
 * The quick start's commands, in order, on an installed Bulwark (make
 * check's, as root): the install's SYSCONFDIR stands for /etc, and the
 * example server, backup1.example.com port 1500, is a local one serving
 * the cert256.arm the commands import. Nothing else is changed.
 */
Test(docs, readme_quick_start_runs_as_written)
{
	const char *argv[] = { "openssl", "s_server", "-accept", "PORT", "-4",
	    "-cert", NULL, "-key", NULL, "-tls1_2", "-naccept", "8", NULL };
	const char *prefix;
	static struct quickstart q;
	char path[600], etc[300], cmd[1600];
	struct peer p;
	size_t i;

	t_need_sandbox();
	prefix = t_setgid_install();
	quickstart(&q);
	snprintf(cmd, sizeof(cmd), "rm -f %s/etc/bulwark/bulwark.* "
	    "%s/etc/bulwark.sys && cp %s %s/cert256.arm && cp %s %s/client.pem"
	    " && cp %s %s/client.key", prefix, prefix, t_cert("ec384.pem"),
	    t_tmpdir(), t_cert("ec256.pem"), t_tmpdir(), t_cert("ec256.key"),
	    t_tmpdir());
	cr_assert_eq(system(cmd), 0);
	argv[6] = t_cert("ec384.pem");
	argv[8] = t_cert("ec384.key");
	t_peer_start(&p, argv, "ACCEPT");
	/* the options file where the quick start says, in the install */
	snprintf(etc, sizeof(etc), "%s/etc/", prefix);
	replace(q.sysfile, sizeof(q.sysfile), "/etc/", etc);
	replace(q.systext, sizeof(q.systext), "backup1.example.com",
	    "127.0.0.1");
	replace(q.systext, sizeof(q.systext), "1500", p.portstr);
	snprintf(path, sizeof(path), "%s", q.sysfile);
	cr_assert_eq(t_write(path, (const uint8_t *)q.systext,
	    strlen(q.systext), 0644), 0);
	for (i = 0; i < q.ncmds; i++) {
		snprintf(cmd, sizeof(cmd), "cd %s && env -u BULWARK_DIR "
		    "PATH=%s/bin:/usr/bin:/bin %s >%s/qs.out 2>&1", t_tmpdir(),
		    prefix, q.cmds[i], t_tmpdir());
		if (WEXITSTATUS(system(cmd)) != 0) {
			uint8_t *b;
			size_t n;

			cr_assert_eq(t_read(t_path("qs.out"), &b, &n), 0);
			cr_assert_fail("README's quick start: '%s' failed: %.*s",
			    q.cmds[i], (int)n, (char *)b);
		}
	}
	t_peer_stop(&p);
	snprintf(cmd, sizeof(cmd), "rm -f %s/etc/bulwark/bulwark.* %s",
	    prefix, path);
	(void)system(cmd);
}
