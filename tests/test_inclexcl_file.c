/*
 * The INCLEXCL file (src/files/inclexcl_file.c): its statements as the
 * old client's users write them, the options files' grammar, one message
 * with the file, line, statement and fix for each error, and the checks
 * of the file before it is read: group- or world-writable, a link, a
 * directory, another user's, a directory above that others can change.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/client/options.h"
#include "../src/files/inclexcl_file.h"
#include "../src/lib/msg.h"
#include "helpers.h"

static void setup(void) { t_tmpdir(); bwk_quiet = 1; }
static void teardown(void) { t_cleanup(); }

TestSuite(inclexcl_file, .init = setup, .fini = teardown, .timeout = 60);

/* Parses text as "ie.txt"; the messages it printed in *err. */
static int
parse(const char *text, struct ie_file *f, const char **err)
{
	int r;

	t_cap_begin();
	r = ie_file_parse("ie.txt", text, strlen(text), f);
	*err = t_cap_end();
	return r;
}

static int
lines_of(const char *s)
{
	int n = 0;

	for (; (s = strchr(s, '\n')) != NULL; s++)
		n++;
	return n;
}

static const char sample[] =
"***************************************************************\n"
"* An include-exclude file of the old client\n"
"***************************************************************\n"
"EXCLUDE.FS      /scratch\n"
"exclude.dir     /home/*/.cache\n"
"Exclude         /.../core\n"
"\n"
"   INCLUDE     /home/keep/.../*.o      MC_KEEP\n"
"include.backup  \"/home/my files/*\"\n"
"EXCLUDE.FILE    '/var/tmp/a b*'\n"
"# a hash comment too\n"
"INCLUDE.FILE    /etc/[a-z]*.conf\n";

Test(inclexcl_file, the_old_clients_statements)
{
	static const struct {
		enum ie_kind	 kind;
		const char	*pattern, *class;
		int		 line;
	} want[] = {
		{ IE_EXCLUDE_FS, "/scratch", "", 4 },
		{ IE_EXCLUDE_DIR, "/home/*/.cache", "", 5 },
		{ IE_EXCLUDE, "/.../core", "", 6 },
		{ IE_INCLUDE, "/home/keep/.../*.o", "MC_KEEP", 8 },
		{ IE_INCLUDE, "/home/my files/*", "", 9 },
		{ IE_EXCLUDE, "/var/tmp/a b*", "", 10 },
		{ IE_INCLUDE, "/etc/[a-z]*.conf", "", 12 },
	};
	struct ie_file f;
	const char *err;
	size_t i;

	cr_assert_eq(parse(sample, &f, &err), 0, "%s", err);
	cr_assert_str_empty(err);
	cr_assert_eq(f.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < f.n; i++) {
		cr_assert_eq(f.rules[i].kind, want[i].kind, "%zu", i);
		cr_assert_str_eq(f.rules[i].pattern, want[i].pattern);
		cr_assert_str_eq(f.rules[i].mgmtclass, want[i].class);
		cr_assert_eq(f.rules[i].line, want[i].line, "%zu", i);
	}
	cr_assert_str_empty(f.note);
	ie_file_free(&f);
}

/* A byte order mark, CR LF ends, a last line without its end. */
Test(inclexcl_file, editors_line_ends)
{
	struct ie_file f;
	const char *err;

	cr_assert_eq(parse("\xef\xbb\xbf" "EXCLUDE /tmp/*\r\n\r\n"
	    "\t* comment\r\nINCLUDE /tmp/keep", &f, &err), 0, "%s", err);
	cr_assert_eq(f.n, 2);
	cr_assert_str_eq(f.rules[0].pattern, "/tmp/*");
	cr_assert_eq(f.rules[1].line, 4);
	cr_assert_str_eq(f.rules[1].pattern, "/tmp/keep");
	ie_file_free(&f);
	cr_assert_eq(parse("", &f, &err), 0);
	cr_assert_eq(f.n, 0);
	ie_file_free(&f);
}

/* Statements for services Bulwark lacks: checked, named in one note. */
Test(inclexcl_file, other_services_noted)
{
	struct ie_file f;
	const char *err;

	cr_assert_eq(parse("INCLUDE.ARCHIVE /home/.../* MC_A\n"
	    "EXCLUDE /x\nEXCLUDE.DEDUP /vm/*.iso\nEXCLUDE.ENCRYPT /pub/*\n",
	    &f, &err), 0, "%s", err);
	cr_assert_eq(f.n, 1);
	cr_assert_str_eq(f.note, "ie.txt: accepted and not followed: "
	    "INCLUDE.ARCHIVE (line 1), EXCLUDE.DEDUP (line 3), "
	    "EXCLUDE.ENCRYPT (line 4): these statements choose files for "
	    "archives, client compression, deduplication or encryption, "
	    "which Bulwark does not do");
	ie_file_free(&f);
	/* checked all the same */
	cr_assert_eq(parse("EXCLUDE.ARCHIVE tmp/*\n", &f, &err), -1);
	cr_assert(strstr(err, "BWK1712E") != NULL, "%s", err);
	ie_file_free(&f);
}

struct bad_case {
	char	text[96];
	char	id[9];
	char	where[16];	/* "ie.txt:N:" */
	char	says[80];	/* the statement, or the fix */
};

ParameterizedTestParameters(inclexcl_file, errors_name_line_and_fix)
{
	static struct bad_case c[] = {
		{ "EXCLUDE /a\nEXCLUDE\n", "BWK1710E", "ie.txt:2:",
		    "EXCLUDE needs a pattern" },
		{ "* c\n\nEXCLUDE=/tmp/*\n", "BWK1709E", "ie.txt:3:",
		    "separated by blanks, not '='" },
		{ "DOMAIN ALL-LOCAL\n", "BWK1708E", "ie.txt:1:",
		    "'DOMAIN' is not an include or exclude statement" },
		{ "EXCL /tmp/*\n", "BWK1708E", "ie.txt:1:", "written in full" },
		{ "EXCLUDE /tmp/a b\n", "BWK1711E", "ie.txt:1:",
		    "EXCLUDE takes one pattern; quote" },
		{ "INCLUDE /a MC x\n", "BWK1711E", "ie.txt:1:",
		    "INCLUDE takes a pattern and at most a management class" },
		{ "EXCLUDE /a * trailing comment\n", "BWK1711E", "ie.txt:1:",
		    "comments on their own line" },
		{ "EXCLUDE \"/a b\n", "BWK1711E", "ie.txt:1:",
		    "the quote \" before the pattern is not closed" },
		{ "EXCLUDE '/a b'c\n", "BWK1711E", "ie.txt:1:",
		    "unexpected text 'c' after the closing quote" },
		{ "EXCLUDE tmp/*\n", "BWK1712E", "ie.txt:1:",
		    "not a valid pattern of EXCLUDE" },
		{ "EXCLUDE.DIR /home/.../\n", "BWK1712E", "ie.txt:1:",
		    "of EXCLUDE.DIR" },
		{ "EXCLUDE /a/../b\n", "BWK1712E", "ie.txt:1:", "absolute path" },
		{ "EXCLUDE /a/[bc\n", "BWK1712E", "ie.txt:1:",
		    "[...] closed within its name" },
		{ "INCLUDE /a MC/x\n", "BWK1713E", "ie.txt:1:",
		    "'MC/x' is not a valid management class" },
		{ "EXCLUDE /a MC\n", "BWK1711E", "ie.txt:1:", "one pattern" },
		{ "INCLUDE.ENCRYPT /secret/*\n", "BWK1714E", "ie.txt:1:",
		    "INCLUDE.ENCRYPT is refused" },
		{ "EXCLUDE /a\x01\n", "BWK1707E", "ie.txt:1:", "byte 0x01" },
		{ "EXCLUDE /a\nEXCLUDE /b\x7f\n", "BWK1707E", "ie.txt:2:",
		    "byte 0x7F" },
	};
	return cr_make_param_array(struct bad_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct bad_case *c, inclexcl_file, errors_name_line_and_fix)
{
	struct ie_file f;
	const char *err;

	cr_assert_eq(parse(c->text, &f, &err), -1, "accepted: %s", c->text);
	cr_assert_eq(lines_of(err), 1, "not one message: %s", err);
	cr_assert(strncmp(err, c->id, 8) == 0, "expected %s: %s", c->id, err);
	cr_assert(strstr(err, c->where) != NULL, "%s not in %s", c->where, err);
	cr_assert(strstr(err, c->says) != NULL, "'%s' not in %s", c->says, err);
	cr_assert_eq(f.n, 0);
	cr_assert_null(f.rules);
	ie_file_free(&f);
}

Test(inclexcl_file, bounds)
{
	static char big[IEF_MAX_FILE + 2], line[IEF_MAX_LINE + 16];
	struct ie_file f;
	const char *err;
	size_t i, n = 0;

	memset(line, 'a', sizeof(line) - 1);
	memcpy(line, "EXCLUDE /", 9);
	line[IEF_MAX_LINE + 1] = '\0';
	cr_assert_eq(parse(line, &f, &err), -1);
	cr_assert(strstr(err, "BWK1706E bulwark: ie.txt:1: the line is "
	    "longer than 1024 characters") != NULL, "%s", err);
	ie_file_free(&f);
	memset(big, '*', sizeof(big) - 1);
	t_cap_begin();
	cr_assert_eq(ie_file_parse("ie.txt", big, IEF_MAX_FILE + 1, &f), -1);
	err = t_cap_end();
	cr_assert(strstr(err, "BWK1705E") != NULL, "%s", err);
	ie_file_free(&f);
	/* IEF_MAX_RULES statements, then one more */
	for (i = 0; i <= IEF_MAX_RULES; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		    "EXCLUDE /%zu\n", i);
	cr_assert_eq(parse(big, &f, &err), -1);
	cr_assert(strstr(err, "BWK1715E") != NULL, "%s", err);
	cr_assert(strstr(err, ":16385:") != NULL, "%s", err);
	ie_file_free(&f);
	big[n - strlen("EXCLUDE /16384\n")] = '\0';
	cr_assert_eq(parse(big, &f, &err), 0, "%s", err);
	cr_assert_eq(f.n, IEF_MAX_RULES);
	ie_file_free(&f);
}

/*
 * The grammar is the options files': a line the INCLEXCL file takes is
 * one a stanza takes, and the other way round.
 */
Test(inclexcl_file, same_grammar_as_the_options_files)
{
	static const char *const lines[] = {
		"EXCLUDE /tmp/*", "INCLUDE /home/.../* MC1", "exclude.dir /a/b",
		"EXCLUDE.FS /scratch", "INCLUDE \"/a b/*\" MC", "INCLUDE '/a b'",
		"EXCLUDE /a b", "EXCLUDE", "EXCLUDE /a MC", "INCLUDE /a M C",
		"EXCLUDE /a/...", "EXCLUDE /.../x", "EXCLUDE /a/[!x]y",
		"EXCLUDE /a/[]", "EXCLUDE //a",
		"INCLUDE /a a-class-name-of-31-letters-is-long",
		"EXCLUDE \"/a", "EXCLUDE \"/a\"b", "INCLUDE.ENCRYPT /a",
		"EXCLUDE.ARCHIVE /a", "INCLUDE.DEDUP /a MC", "EXCLUDE /a/./b",
	};
	char sys[256];
	struct bwk_options *o = malloc(sizeof(*o));
	struct ie_file f;
	const char *err;
	size_t i;
	int a, b;

	cr_assert_not_null(o);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(sys, sizeof(sys), "se s\n tcps h\n %s\n", lines[i]);
		t_cap_begin();
		a = options_load_buffers("dsm.sys", sys, strlen(sys), NULL, NULL,
		    0, 0, NULL, o);
		t_cap_end();
		b = parse(lines[i], &f, &err);
		ie_file_free(&f);
		cr_assert_eq(a, b, "%s: the options files %s it, the INCLEXCL "
		    "file %s it (%s)", lines[i], a == 0 ? "take" : "refuse",
		    b == 0 ? "takes" : "refuses", err);
	}
	free(o);
}

/* --- the checks before the file is read ---------------------------- */

static const char *
write_file(const char *name, const char *text, int mode)
{
	const char *p = t_path(name);

	cr_assert_eq(t_write(p, (const uint8_t *)text, strlen(text), mode), 0);
	cr_assert_eq(chmod(p, (mode_t)mode), 0);
	return p;
}

static const char *
read_err(const char *path, int want)
{
	struct ie_file f;
	const char *err;
	int r;

	t_cap_begin();
	r = ie_file_read(path, &f);
	err = t_cap_end();
	cr_assert_eq(r, want, "%s: %s", path, err);
	if (want == -1) {
		cr_assert_eq(lines_of(err), 1, "%s", err);
		cr_assert_eq(f.n, 0);
	}
	ie_file_free(&f);
	return err;
}

Test(inclexcl_file, read_after_the_checks)
{
	const char *p = write_file("ie", "EXCLUDE /tmp/*\n", 0644), *err;
	struct ie_file f;

	t_cap_begin();
	cr_assert_eq(ie_file_read(p, &f), 0);
	t_cap_end();
	cr_assert_eq(f.n, 1);
	cr_assert_str_eq(f.name, p);
	ie_file_free(&f);
	/* a message names the file by its path */
	p = write_file("bad", "EXCLUDE\n", 0600);
	err = read_err(p, -1);
	cr_assert(strstr(err, "bad:1: EXCLUDE needs a pattern") != NULL, "%s",
	    err);
}

Test(inclexcl_file, writable_by_others_refused)
{
	static const int modes[] = { 0664, 0646, 0666, 0620 };
	const char *p, *err;
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		p = write_file("ie", "EXCLUDE /tmp/*\n", modes[i]);
		err = read_err(p, -1);
		snprintf(want, sizeof(want), "(mode %04o)", modes[i]);
		cr_assert(strstr(err, "BWK1703E") != NULL && strstr(err, want) !=
		    NULL && strstr(err, "fix: chmod go-w ") != NULL, "%s", err);
	}
}

Test(inclexcl_file, link_directory_missing_refused)
{
	const char *p = write_file("real", "EXCLUDE /tmp/*\n", 0644), *err;
	char link[512];

	snprintf(link, sizeof(link), "%s", t_path("link"));
	cr_assert_eq(symlink(p, link), 0);
	err = read_err(link, -1);
	cr_assert(strstr(err, "BWK1701E") != NULL && strstr(err, "is a symbolic "
	    "link") != NULL, "%s", err);
	err = read_err(t_tmpdir(), -1);
	cr_assert(strstr(err, "BWK1701E") != NULL && strstr(err, "is a "
	    "directory") != NULL, "%s", err);
	err = read_err(t_path("none"), -1);
	cr_assert(strstr(err, "BWK1700E") != NULL && strstr(err, "does not "
	    "exist") != NULL, "%s", err);
}

Test(inclexcl_file, directory_others_can_change_refused)
{
	char dir[512], path[600];
	const char *err;

	snprintf(dir, sizeof(dir), "%s", t_path("open"));
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(chmod(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/ie", dir);
	cr_assert_eq(t_write(path, (const uint8_t *)"EXCLUDE /a\n", 11, 0644),
	    0);
	err = read_err(path, -1);
	cr_assert(strstr(err, "BWK1704E") != NULL && strstr(err, "can be "
	    "changed by other users (mode 0777)") != NULL, "%s", err);
	/* sticky, as /tmp: taken */
	cr_assert_eq(chmod(dir, 01777), 0);
	read_err(path, 0);
}

Test(inclexcl_file, another_users_file_refused)
{
	const char *p = write_file("ie", "EXCLUDE /tmp/*\n", 0644), *err;

	if (geteuid() != 0)
		cr_skip_test("giving a file to another user needs root");
	cr_assert_eq(chown(p, 65534, 65534), 0);
	err = read_err(p, -1);
	cr_assert(strstr(err, "BWK1702E") != NULL && strstr(err, "fix: chown "
	    "root ") != NULL, "%s", err);
}
