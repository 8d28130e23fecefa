/*
 * What a backup covers (src/client/backup_scope.c, src/files/mounts.c):
 * the INCLEXCL file's statements in the INCLEXCL line's place among the
 * stanza's, as the old client puts them; DOMAIN's keywords on mount
 * tables of the tests' own and on this machine's, whatever it mounts;
 * and bulwark query inclexcl through the real program.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/client/backup_scope.h"
#include "../src/client/options.h"
#include "../src/files/mounts.h"
#include "../src/lib/msg.h"
#include "helpers.h"

static void setup(void) { t_tmpdir(); bwk_quiet = 1; }
static void teardown(void) { t_cleanup(); }

TestSuite(inclexcl_scope, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(inclexcl_domain, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(inclexcl_cli, .init = setup, .fini = teardown, .timeout = 60);

static struct bwk_options opts;

static const char *
write_file(const char *name, const char *text, int mode)
{
	const char *p = t_path(name);

	cr_assert_eq(t_write(p, (const uint8_t *)text, strlen(text), mode), 0);
	cr_assert_eq(chmod(p, (mode_t)mode), 0);
	return p;
}

/* The options of a stanza "s" whose body is body, with inclexcl for
 * the "%s" in it. */
static void
load_stanza(const char *body, const char *inclexcl)
{
	char sys[4096];
	const char *at = strstr(body, "%s"), *err;
	int r;

	if (at == NULL)
		snprintf(sys, sizeof(sys), "SErvername s\n TCPServeraddress "
		    "h\n%s", body);
	else
		snprintf(sys, sizeof(sys), "SErvername s\n TCPServeraddress "
		    "h\n%.*s%s%s", (int)(at - body), body, inclexcl, at + 2);
	t_cap_begin();
	r = options_load_buffers("dsm.sys", sys, strlen(sys), NULL, NULL, 0, 0,
	    NULL, &opts);
	err = t_cap_end();
	cr_assert_eq(r, 0, "%s", err);
}

/* The statement i of s as "KIND pattern source:line". */
static const char *
shown(const struct backup_scope *s, size_t i)
{
	static char buf[600];
	const struct ie_rule *r = &s->rules.rules[i];
	const char *src = strrchr(s->source[i], '/');

	snprintf(buf, sizeof(buf), "%s %s %s:%d", ie_kind_name(r->kind),
	    r->pattern, src != NULL ? src + 1 : s->source[i], r->line);
	return buf;
}

/*
 * The file's statements stand where the INCLEXCL line stands: those
 * below it are read first (bottom-up), those above it last.
 */
Test(inclexcl_scope, file_statements_in_the_inclexcl_lines_place)
{
	static const char *const want[] = {
		"EXCLUDE /home/.../*.tmp dsm.sys:3",
		"EXCLUDE.DIR /home/*/.cache ie:1",
		"EXCLUDE /home/alice/* ie:2",
		"INCLUDE /home/alice/keep.tmp dsm.sys:5",
		"EXCLUDE.FS /scratch dsm.sys:6",
	};
	const char *ie = write_file("ie", "EXCLUDE.DIR /home/*/.cache\n"
	    "EXCLUDE /home/alice/*\n", 0644);
	struct backup_scope s;
	const struct ie_rule *by;
	size_t i;

	load_stanza(" EXCLUDE /home/.../*.tmp\n INCLEXCL %s\n"
	    " INCLUDE /home/alice/keep.tmp\n EXCLUDE.FS /scratch\n", ie);
	cr_assert_eq(opts.inclexcl_at, 1);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_eq(s.rules.n, 5);
	for (i = 0; i < s.rules.n; i++)
		cr_assert_str_eq(shown(&s, i), want[i], "%zu", i);
	cr_assert_str_eq(s.inclexcl, ie);
	cr_assert_eq(s.ndomain, 0);
	/* the old client's reading: the stanza's INCLUDE below the line
	 * wins over the file's EXCLUDE, which wins over the EXCLUDE above */
	cr_assert_eq(ie_file_included(&s.rules, "/home/alice/keep.tmp", &by),
	    1);
	cr_assert_eq(by->line, 5);
	cr_assert_eq(ie_file_included(&s.rules, "/home/alice/a", &by), 0);
	cr_assert_str_eq(by->pattern, "/home/alice/*");
	cr_assert_eq(ie_file_included(&s.rules, "/home/bob/x.tmp", &by), 0);
	cr_assert_eq(by->line, 3);
	cr_assert_eq(ie_file_included(&s.rules, "/home/bob/x", &by), 1);
	cr_assert_null(by);
	cr_assert_not_null(ie_dir_excluded(&s.rules, "/home/bob/.cache"));
	cr_assert_not_null(backup_scope_fs_excluded(&s, "/scratch"));
	cr_assert_null(backup_scope_fs_excluded(&s, "/home"));
	backup_scope_free(&s);
}

/* The line first or last: the file's statements all below, all above. */
Test(inclexcl_scope, inclexcl_first_or_last)
{
	const char *ie = write_file("ie", "INCLUDE /a/keep\n", 0644);
	struct backup_scope s;
	const struct ie_rule *by;

	load_stanza(" INCLEXCL %s\n EXCLUDE /a/*\n", ie);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_str_eq(shown(&s, 0), "INCLUDE /a/keep ie:1");
	cr_assert_eq(ie_file_included(&s.rules, "/a/keep", &by), 0,
	    "the stanza's EXCLUDE below the line is read first");
	backup_scope_free(&s);
	load_stanza(" EXCLUDE /a/*\n INCLEXCL %s\n", ie);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_str_eq(shown(&s, 1), "INCLUDE /a/keep ie:1");
	cr_assert_eq(ie_file_included(&s.rules, "/a/keep", &by), 1);
	backup_scope_free(&s);
	/* no INCLEXCL: the stanza's alone; none at all: everything */
	load_stanza(" EXCLUDE /a/*\n", NULL);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_eq(s.rules.n, 1);
	cr_assert_null(s.inclexcl);
	backup_scope_free(&s);
	load_stanza("", NULL);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_eq(s.rules.n, 0);
	cr_assert_eq(ie_file_included(&s.rules, "/a/b", &by), 1);
	backup_scope_free(&s);
}

/* EXCLUDE.DIR first, whatever stands below it; the query's order. */
Test(inclexcl_scope, evaluation_order)
{
	const char *ie = write_file("ie", "EXCLUDE.DIR /a/d\nINCLUDE /a/d/x\n"
	    "EXCLUDE.FS /b\n", 0644);
	struct backup_scope s;
	size_t idx[8], i;
	static const char *const want[] = { "EXCLUDE.FS /b ie:3",
	    "EXCLUDE.DIR /a/d ie:1", "INCLUDE /c dsm.sys:5",
	    "INCLUDE /a/d/x ie:2", "EXCLUDE /a/* dsm.sys:3" };

	load_stanza(" EXCLUDE /a/*\n INCLEXCL %s\n INCLUDE /c\n", ie);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_eq(s.rules.n, 5);
	ie_eval_order(&s.rules, idx);
	for (i = 0; i < s.rules.n; i++)
		cr_assert_str_eq(shown(&s, idx[i]), want[i], "%zu", i);
	cr_assert_not_null(ie_dir_excluded(&s.rules, "/a/d"));
	backup_scope_free(&s);
}

Test(inclexcl_scope, refused_file_refuses_the_scope)
{
	const char *ie = write_file("ie", "EXCLUDE /a\n", 0664), *err;
	struct backup_scope s;
	int r;

	load_stanza(" INCLEXCL %s\n", ie);
	t_cap_begin();
	r = backup_scope_rules(&opts, &s);
	err = t_cap_end();
	cr_assert_eq(r, -1);
	cr_assert(strstr(err, "BWK1703E") != NULL, "%s", err);
	backup_scope_free(&s);
	load_stanza(" INCLEXCL %s\n", t_path("missing"));
	t_cap_begin();
	r = backup_scope_load(&opts, &s);
	err = t_cap_end();
	cr_assert_eq(r, -1);
	cr_assert(strstr(err, "BWK1700E") != NULL, "%s", err);
	backup_scope_free(&s);
}

/* The options' part: -domain adds up, -subdir, -errorlogname. */
Test(inclexcl_scope, command_line_options)
{
	static const char sys[] = "SErvername s\n TCPServeraddress h\n"
	    " DOMAIN /home\n";
	static const char user[] = "DOMAIN -/var\n";
	char *argv[] = { "-domain=/srv   /opt", "-subdir=yes",
	    "-errorlogname=/var/log/bwk-errors", "-dom", "/data", NULL };
	struct backup_scope s;
	const char *p, *err;
	int r;

	t_cap_begin();
	r = options_load_buffers("dsm.sys", sys, strlen(sys), "dsm.opt", user,
	    strlen(user), 5, argv, &opts);
	err = t_cap_end();
	cr_assert_eq(r, 0, "%s", err);
	cr_assert_eq(opts.domain.n, 5);
	cr_assert_str_eq(p = opt_list_next(&opts.domain, NULL), "/home");
	cr_assert_str_eq(p = opt_list_next(&opts.domain, p), "-/var");
	cr_assert_str_eq(p = opt_list_next(&opts.domain, p), "/srv");
	cr_assert_str_eq(p = opt_list_next(&opts.domain, p), "/opt");
	cr_assert_str_eq(opt_list_next(&opts.domain, p), "/data");
	cr_assert_eq(opts.subdir, 1);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	cr_assert_eq(s.subdir, 1);
	cr_assert_str_eq(s.errorlog, "/var/log/bwk-errors");
	backup_scope_free(&s);
	/* '-' before an ALL- keyword is refused, as the old client does */
	argv[0] = "-domain=-ALL-LOCAL";
	t_cap_begin();
	r = options_load_buffers("dsm.sys", sys, strlen(sys), NULL, NULL, 0,
	    1, argv, &opts);
	err = t_cap_end();
	cr_assert_eq(r, -1);
	cr_assert(strstr(err, "BWK0811E bulwark: command line, "
	    "-domain=-ALL-LOCAL: '-ALL-LOCAL' is not a valid value of DOMAIN")
	    != NULL, "%s", err);
}

/* --- DOMAIN ---------------------------------------------------------- */

static const char table[] =
"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
"28 27 254:0 /srv/export /mnt/bind rw,relatime - ext4 /dev/vda rw\n"
"29 27 0:30 / /tmp rw - tmpfs tmpfs rw\n"
"30 27 0:31 /@home /home rw shared:1 - btrfs /dev/vdb rw,subvolid=257,subvol=/@home\n"
"31 27 0:32 / /net rw - autofs auto.net rw\n"
"32 31 0:33 / /net/srv rw - nfs4 srv:/export rw,vers=4.2\n"
"33 27 8:1 / /mnt/with\\040blank rw - xfs /dev/sda1 rw\n"
"34 27 0:34 / /nfs rw - nfs srv2:/x rw\n"
"35 27 8:2 / /data rw - ext4 /dev/sdb1 rw\n"
"36 27 8:3 / /data rw - xfs /dev/sdc1 rw\n"
"37 27 254:0 / /again rw - ext4 /dev/vda rw\n"
"38 27 8:4 / /var/tmp rw - ext3 /dev/sdd1 rw\n"
"39 27 8:5 / /ram rw - tmpfs tmpfs rw\n"
"40 31 254:0 /srv /net/local rw - ext4 /dev/vda rw\n"
"41 27 0:40 /export/sub /nfs2 rw - nfs4 srv3:/export/sub rw\n";

static struct mount_table mt;

static void
table_setup(void)
{
	setup();
	cr_assert_eq(mounts_parse("mountinfo", table, strlen(table), &mt), 0);
}

static void
table_teardown(void)
{
	mounts_free(&mt);
	teardown();
}

/* DOMAIN's entries, blank-separated, on the test's table: "a b c". */
static const char *
domain_of(const char *entries, const char *stanza, size_t *skipped)
{
	static char out[1024];
	char body[512];
	struct backup_scope s;
	size_t i, o = 0;
	const char *err;
	int r;

	snprintf(body, sizeof(body), "%s%s%s%s", entries[0] ? " DOMAIN " : "",
	    entries, entries[0] ? "\n" : "", stanza != NULL ? stanza : "");
	load_stanza(body, NULL);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	t_cap_begin();
	r = backup_scope_domain(&s, &opts.domain, &mt);
	err = t_cap_end();
	cr_assert_eq(r, 0, "%s", err);
	out[0] = '\0';
	for (i = 0; i < s.ndomain; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		    i > 0 ? " " : "", s.domain[i]);
	if (skipped != NULL)
		*skipped = s.nskipped;
	else
		cr_assert_str_empty(err);
	backup_scope_free(&s);
	return out;
}

Test(inclexcl_domain, mount_table_marks, .init = table_setup,
    .fini = table_teardown)
{
	const struct mount_ent *m;

	cr_assert_eq(mt.n, 16);
	cr_assert_not_null(m = mounts_find(&mt, "/mnt/with blank"));
	cr_assert_str_eq(m->type, "xfs");
	cr_assert(mounts_find(&mt, "/mnt/bind")->view);
	cr_assert(mounts_find(&mt, "/again")->view);
	cr_assert(!mounts_find(&mt, "/home")->view, "a btrfs subvolume");
	cr_assert(mounts_find(&mt, "/net/srv")->automounted);
	cr_assert_eq(mounts_find(&mt, "/data")->major, 8);
	cr_assert_eq(mounts_find(&mt, "/data")->minor, 3, "the one on top");
	cr_assert(mt.m[9].hidden);
	cr_assert_null(mounts_find(&mt, "/nowhere"));
}

Test(inclexcl_domain, keywords, .init = table_setup, .fini = table_teardown)
{
	/* ALL-LOCAL: local types, once each, not /tmp, no view, none hidden */
	cr_assert_str_eq(domain_of("", NULL, NULL),
	    "/ /home /mnt/with blank /data /var/tmp");
	cr_assert_str_eq(domain_of("ALL-LOCAL", NULL, NULL),
	    "/ /home /mnt/with blank /data /var/tmp");
	/* an NFS mount's root is its export's path, not a view's */
	cr_assert_str_eq(domain_of("all-nfs", NULL, NULL),
	    "/net/srv /nfs /nfs2");
	cr_assert_str_eq(domain_of("ALL-AUTO-NFS", NULL, NULL), "/net/srv");
	cr_assert_str_eq(domain_of("ALL-LOFS", NULL, NULL), "/mnt/bind /again");
	cr_assert_str_eq(domain_of("ALL-AUTO-LOFS", NULL, NULL), "/net/local");
}

Test(inclexcl_domain, paths_removals_and_exclude_fs, .init = table_setup,
    .fini = table_teardown)
{
	size_t skipped;

	/* a path of any type; each once; DOMAIN's order */
	cr_assert_str_eq(domain_of("/ram /tmp/ /home ALL-LOCAL", NULL, NULL),
	    "/ram /tmp /home / /mnt/with blank /data /var/tmp");
	/* '-' leaves one out whatever adds it, before or after */
	cr_assert_str_eq(domain_of("-/home ALL-LOCAL -/data/ /data", NULL,
	    NULL), "/ /mnt/with blank /var/tmp");
	/* EXCLUDE.FS patterns too */
	cr_assert_str_eq(domain_of("ALL-LOCAL /ram", " EXCLUDE.FS /var/*\n"
	    " EXCLUDE.FS /r?m\n", NULL), "/ /home /mnt/with blank /data");
	/* a path that is no mount point: named, left out, counted */
	cr_assert_str_eq(domain_of("/home/alice /nfs", NULL, &skipped), "/nfs");
	cr_assert_eq(skipped, 1);
	/* the lines of a stanza add up */
	cr_assert_str_eq(domain_of("/nfs", " DOMAIN /ram\n", NULL), "/nfs /ram");
}

Test(inclexcl_domain, not_a_mount_point_warned)
{
	struct backup_scope s;
	const char *err;

	cr_assert_eq(mounts_parse("mountinfo", table, strlen(table), &mt), 0);
	load_stanza(" DOMAIN /home/alice\n", NULL);
	cr_assert_eq(backup_scope_rules(&opts, &s), 0);
	t_cap_begin();
	cr_assert_eq(backup_scope_domain(&s, &opts.domain, &mt), 0);
	err = t_cap_end();
	cr_assert_str_eq(err, "BWK1719W bulwark: DOMAIN /home/alice: no file "
	    "system is mounted there, so it is left out of the backup; name "
	    "the mount point of a file system (findmnt lists them), or remove "
	    "it from DOMAIN\n");
	cr_assert_eq(s.ndomain, 0);
	backup_scope_free(&s);
	mounts_free(&mt);
}

Test(inclexcl_domain, malformed_table_refused)
{
	static const char *const bad[] = {
		"27 1 254:0 / / rw - ext4\n",
		"27 1 254:0 / / rw ext4 /dev/vda rw\n",
		"x 1 254:0 / / rw - ext4 /dev/vda rw\n",
		"27 1 2540 / / rw - ext4 /dev/vda rw\n",
		"27 1 254:0 rel / rw - ext4 /dev/vda rw\n",
		"27 1 254:0 / / rw - ext4 /dev/vda rw\n\0",
	};
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_cap_begin();
		cr_assert_eq(mounts_parse("mi", bad[i], strlen(bad[i]) +
		    (i == 5), &mt), -1, "%s", bad[i]);
		err = t_cap_end();
		cr_assert(strstr(err, "BWK1718E") != NULL, "%s", err);
		cr_assert_eq(mt.n, 0);
	}
}

/*
 * This machine's table, without assuming what it mounts: ALL-LOCAL is
 * what an independent reading of /proc/self/mountinfo with the rule of
 * bulwark(1) gives, each a mount point (its own device, or /).
 */
struct fs {
	char		point[512], root[512], type[64], super[512];
	unsigned	maj, min;
};

static size_t
read_table(struct fs *fs, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char *line = NULL, *dash;
	size_t n = 0, cap = 0;

	cr_assert_not_null(f);
	while (n < max && getline(&line, &cap, f) != -1) {
		cr_assert_eq(sscanf(line, "%*d %*d %u:%u %511s %511s", &fs[n].maj,
		    &fs[n].min, fs[n].root, fs[n].point), 4, "%s", line);
		cr_assert_not_null(dash = strstr(line, " - "), "%s", line);
		cr_assert_eq(sscanf(dash, " - %63s %*s %511s", fs[n].type,
		    fs[n].super), 2, "%s", line);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

static int
local_type(const char *t)
{
	return !strcmp(t, "ext2") || !strcmp(t, "ext3") || !strcmp(t, "ext4") ||
	    !strcmp(t, "xfs") || !strcmp(t, "btrfs") || !strcmp(t, "jfs") ||
	    !strcmp(t, "reiserfs");
}

Test(inclexcl_domain, all_local_on_this_machine)
{
	static struct fs fs[4096];
	static char want[65536];
	struct backup_scope s;
	size_t n = read_table(fs, 4096), i, j, o = 0;
	char got[65536], sub[600];
	struct stat st, up;
	int keep;

	for (i = 0; i < n; i++) {
		if (strchr(fs[i].point, '\\') != NULL)
			continue;	/* escaped names: the unit tests' part */
		snprintf(sub, sizeof(sub), "subvol=%s", fs[i].root);
		keep = local_type(fs[i].type) && strcmp(fs[i].point, "/tmp") &&
		    (strcmp(fs[i].root, "/") == 0 || (strcmp(fs[i].type,
		    "btrfs") == 0 && strstr(fs[i].super, sub) != NULL));
		for (j = 0; j < n && keep; j++)
			if ((j > i && strcmp(fs[j].point, fs[i].point) == 0) ||
			    (j < i && fs[j].maj == fs[i].maj &&
			    fs[j].min == fs[i].min &&
			    strcmp(fs[j].root, fs[i].root) == 0))
				keep = 0;
		if (keep)
			o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%s",
			    o > 0 ? " " : "", fs[i].point);
	}
	load_stanza("", NULL);
	cr_assert_eq(backup_scope_load(&opts, &s), 0);
	for (i = 0, o = 0; i < s.ndomain; i++) {
		if (strchr(s.domain[i], ' ') || strchr(s.domain[i], '\t') ||
		    strchr(s.domain[i], '\n') || strchr(s.domain[i], '\\'))
			continue;
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
		    o > 0 ? " " : "", s.domain[i]);
		/* each a mount point: another device than its parent's */
		cr_assert_eq(stat(s.domain[i], &st), 0, "%s", s.domain[i]);
		snprintf(sub, sizeof(sub), "%s/..", s.domain[i]);
		cr_assert_eq(stat(sub, &up), 0);
		cr_assert(strcmp(s.domain[i], "/") == 0 ||
		    st.st_dev != up.st_dev || st.st_ino == up.st_ino,
		    "%s is no mount point", s.domain[i]);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(s.domain[i], s.domain[j]);
		cr_assert_str_neq(s.domain[i], "/tmp");
	}
	got[o] = '\0';
	cr_assert_str_eq(got, want);
	backup_scope_free(&s);
	/* whatever ALL-LOCAL holds, '-' takes it out again */
	if (strcmp(want, "") != 0) {
		char body[700];
		char first[512];

		sscanf(want, "%511s", first);
		snprintf(body, sizeof(body), " DOMAIN ALL-LOCAL -%s\n", first);
		load_stanza(body, NULL);
		cr_assert_eq(backup_scope_load(&opts, &s), 0);
		for (i = 0; i < s.ndomain; i++)
			cr_assert_str_neq(s.domain[i], first);
		backup_scope_free(&s);
	}
	/* /proc, which the table is read from, is a mount point: named,
	 * whatever its type */
	load_stanza(" DOMAIN /proc/\n", NULL);
	cr_assert_eq(backup_scope_load(&opts, &s), 0);
	cr_assert_eq(s.ndomain, 1);
	cr_assert_str_eq(s.domain[0], "/proc");
	backup_scope_free(&s);
}

/* --- bulwark query inclexcl ------------------------------------------ */

static const char *
sysfile(const char *ie)
{
	char text[1024];

	snprintf(text, sizeof(text), "* by the tests\n"
	    "SErvername srv1\n"
	    "   TCPServeraddress  127.0.0.1\n"
	    "   EXCLUDE           /.../core\n"
	    "   INCLEXCL          %s\n"
	    "   INCLUDE           \"/home/my files/*\" MC_A\n"
	    "   EXCLUDE.FS        /scratch\n", ie);
	return write_file("bulwark.sys", text, 0644);
}

static const char ie_text[] =
"* the include-exclude file\n"
"exclude.dir /home/*/.cache\n"
"EXCLUDE /home/.../*.o\n"
"include /home/keep/*.o\n"
"INCLUDE.ARCHIVE /x/*\n";

Test(inclexcl_cli, table)
{
	const char *ie = write_file("ie", ie_text, 0644);
	const char *sys = sysfile(ie);
	char want[2048];
	struct run r;

	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "BWK1717I %s: accepted and not followed: INCLUDE.ARCHIVE (line 5): "
	    "these statements choose files for archives, client compression, "
	    "deduplication or encryption, which Bulwark does not do\n"
	    "*** FILE INCLUDE/EXCLUDE ***\n"
	    "Mode Function  Pattern (match from top down)  Source File\n"
	    "---- --------- ------------------------------ -----------------\n"
	    "Excl Filespace /scratch                       %s:7\n"
	    "Excl Directory /home/*/.cache                 %s:2\n"
	    "Incl All       \"/home/my files/*\" MC_A        %s:6\n"
	    "Incl All       /home/keep/*.o                 %s:4\n"
	    "Excl All       /home/.../*.o                  %s:3\n"
	    "Excl All       /.../core                      %s:4\n",
	    ie, sys, ie, sys, ie, ie, sys);
	cr_assert_str_eq(r.out, want);
	cr_assert_str_empty(r.err);
}

Test(inclexcl_cli, empty_groups_said)
{
	const char *sys = write_file("bulwark.sys", "SErvername srv1\n"
	    "   TCPServeraddress  127.0.0.1\n   EXCLUDE /tmp/*\n", 0644);
	struct run r;

	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "No exclude filespace statements "
	    "defined.\nNo exclude directory statements defined.\nExcl All"),
	    "%s", r.out);
	write_file("bulwark.sys", "SErvername srv1\n"
	    "   TCPServeraddress  127.0.0.1\n", 0644);
	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "No include/exclude statements "
	    "defined.\n"), "%s", r.out);
}

Test(inclexcl_cli, json)
{
	const char *ie = write_file("ie", ie_text, 0644);
	const char *sys = sysfile(ie);
	char want[1024];
	struct run r, j;

	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--json", "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* standard output is the document alone: the note on stderr */
	cr_assert(r.out[0] == '{', "%s", r.out);
	cr_assert(t_contains(r.err, "BWK1717I"), "%s", r.err);
	snprintf(want, sizeof(want), "{\"server\": \"srv1\", \"inclexcl\": "
	    "\"%s\", \"statements\": [\n  {\"mode\": \"Excl\", \"function\": "
	    "\"Filespace\", \"statement\": \"EXCLUDE.FS\", \"pattern\": "
	    "\"/scratch\", \"class\": \"\", \"source\": \"%s\", \"line\": 7},",
	    ie, sys);
	cr_assert(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
	cr_assert(t_contains(r.out, "{\"mode\": \"Incl\", \"function\": \"All\", "
	    "\"statement\": \"INCLUDE\", \"pattern\": \"/home/my files/*\", "
	    "\"class\": \"MC_A\""), "%s", r.out);
	/* a JSON document, which a JSON reader takes: six statements */
	t_run_any_input(&j, (const char *[]){ "python3", "-c",
	    "import json, sys; d = json.load(sys.stdin); "
	    "print(len(d['statements']), d['statements'][5]['pattern'])",
	    NULL }, r.out);
	cr_assert_eq(j.status, 0, "%s", j.err);
	cr_assert_str_eq(j.out, "6 /.../core\n");
}

Test(inclexcl_cli, writable_inclexcl_file_refused)
{
	const char *ie = write_file("ie", ie_text, 0664);
	const char *sys = sysfile(ie);
	struct run r;

	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 2, "%s", r.out);
	cr_assert_str_empty(r.out);
	cr_assert(t_contains(r.err, "BWK1703E bulwark: ") && t_contains(r.err,
	    "(mode 0664)") && t_contains(r.err, "chmod go-w"), "%s", r.err);
	cr_assert_eq(chmod(ie, 0646), 0);
	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl", "--json",
	    "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert_str_empty(r.out);
	cr_assert(t_contains(r.err, "BWK1703E"), "%s", r.err);
	/* an error in it names its line */
	write_file("ie", "EXCLUDE /a\nEXCLUDE tmp/*\n", 0644);
	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, NULL }, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "BWK1712E") && t_contains(r.err, "/ie:2: "
	    "'tmp/*' is not a valid pattern of EXCLUDE"), "%s", r.err);
}

Test(inclexcl_cli, usage)
{
	const char *sys = write_file("bulwark.sys", "SErvername srv1\n"
	    "   TCPServeraddress  127.0.0.1\n", 0644);
	struct run r;

	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl", "--help",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0);
	cr_assert(t_contains(r.out, "usage: bulwark query inclexcl [--json]"),
	    "%s", r.out);
	cr_assert(t_contains(r.out, "-DOMain"), "%s", r.out);
	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "-version", NULL }, NULL);
	cr_assert(r.status == 0 && t_contains(r.out, "bulwark 0."));
	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, "--policy", sys, NULL }, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "makes no session"), "%s", r.err);
	t_run(&r, "bulwark", (const char *[]){ "query", "inclexcl",
	    "--sysfile", sys, "extra", NULL }, NULL);
	cr_assert_eq(r.status, 2);
	t_run(&r, "bulwark", (const char *[]){ "query", "nothing", NULL },
	    NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "query takes session, backup, filespace "
	    "or inclexcl"), "%s", r.err);
	t_run(&r, "bulwark", (const char *[]){ "--help", NULL }, NULL);
	cr_assert(t_contains(r.out, "bulwark query inclexcl"), "%s", r.out);
}
