/*
 * The key-database files under attack and accident: permissions, damage,
 * truncation, the wrong stash, kill -9 at every step of a write, and
 * concurrent writers. Each case checks the message ID and that nothing
 * was rewritten.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/lib/msg.h"
#include "../src/kdb/store.h"
#include "helpers.h"

#define KDB	t_path("db/bulwark.kdb")
#define STH	t_path("db/bulwark.sth")

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(store, .init = setup, .fini = teardown, .timeout = 120);

static void
add(const char *server, const char *file, int want)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", server, "-file",
	    t_cert(file), NULL), want, "add %s: %s", file, r.err);
}

/* The database opens, and holds exactly n entries. */
static void
intact(int n)
{
	struct run r;
	char want[32];

	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "verify: %s", r.err);
	snprintf(want, sizeof(want), " %d entr", n);
	cr_assert(t_contains(r.out, want), "want%s: %s", want, r.out);
}

static void
refused_unchanged(const char *id)
{
	struct run r;

	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5, "%s", r.err);
	cr_assert(t_contains(r.err, id), "want %s: %s", id, r.err);
	cr_assert(t_contains(r.err, "bulwark.kdb") ||
	    t_contains(r.err, "bulwark.sth") || t_contains(r.err, "/db"),
	    "the message names no file: %s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "x", "-file",
	    t_cert("ec384.pem"), NULL), 5);
	cr_assert(t_contains(r.err, id));
	cr_assert(t_same_file(KDB, t_path("before")), "database rewritten");
}

Test(store, kdb_readable_by_others)
{
	struct run r;

	add("s1", "ec256.pem", 0);
	chmod(KDB, 0644);
	refused_unchanged("BWK0103E");
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "chmod 600 "), "%s", r.err);
}

Test(store, stash_writable_by_group)
{
	struct run r;

	add("s1", "ec256.pem", 0);
	chmod(STH, 0620);
	refused_unchanged("BWK0103E");
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "changed by other users"));
}

Test(store, kdb_owned_by_someone_else)
{
	struct passwd *pw = getpwnam("nobody");
	struct run r;

	cr_assert_not_null(pw);
	add("s1", "ec256.pem", 0);
	if (geteuid() != 0)
		cr_skip_test("needs root to chown");
	cr_assert_eq(chown(KDB, pw->pw_uid, pw->pw_gid), 0);
	refused_unchanged("BWK0104E");
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "chown "), "%s", r.err);
}

Test(store, directory_writable_by_others)
{
	struct run r;

	add("s1", "ec256.pem", 0);
	chmod(t_db(), 0777);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0113E"));
	cr_assert(t_contains(r.err, "chmod go-w"));
	chmod(t_db(), 0700);
}

Test(store, symlinked_kdb_refused)
{
	struct run r;

	add("s1", "ec256.pem", 0);
	cr_assert_eq(rename(KDB, t_path("db/real.kdb")), 0);
	cr_assert_eq(symlink("real.kdb", KDB), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0112E"));
}

/* Flip each byte of a real database in turn: every one is detected. */
Test(store, flipped_byte_anywhere)
{
	uint8_t *orig, *b;
	size_t len, i, step;
	struct run r;

	add("s1", "ec256.pem", 0);
	add("s2", "chain.pem", 0);
	cr_assert_eq(t_read(KDB, &orig, &len), 0);
	b = malloc(len);
	/* every byte of the header, then a spread through the body */
	for (i = 0; i < len; i += step) {
		step = i < 96 ? 1 : len / 40 + 1;
		memcpy(b, orig, len);
		b[i] ^= 0x01;
		cr_assert_eq(t_write(KDB, b, len, 0600), 0);
		cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5,
		    "byte %zu flipped: status %d", i, r.status);
		cr_assert(t_contains(r.err, "BWK0105E") ||
		    t_contains(r.err, "BWK0106E") ||
		    t_contains(r.err, "BWK0107E"), "byte %zu: %s", i, r.err);
		cr_assert(t_contains(r.err, "bulwark.kdb"));
	}
	/* the last byte (the tag's) too */
	memcpy(b, orig, len);
	b[len - 1] ^= 0x80;
	cr_assert_eq(t_write(KDB, b, len, 0600), 0);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 5);
	cr_assert(t_contains(r.err, "integrity check"), "%s", r.err);
	free(b);
	free(orig);
}

Test(store, truncated_database)
{
	uint8_t *orig;
	size_t len, cut;
	struct run r;

	add("s1", "ec256.pem", 0);
	cr_assert_eq(t_read(KDB, &orig, &len), 0);
	for (cut = 0; cut < len; cut += (cut < 100 ? 7 : 97)) {
		cr_assert_eq(t_write(KDB, orig, cut, 0600), 0);
		cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5, "cut at %zu", cut);
		cr_assert(t_contains(r.err, "BWK0105E"), "cut %zu: %s", cut,
		    r.err);
	}
	/* an appended byte is as wrong as a missing one */
	cr_assert_eq(t_write(KDB, orig, len, 0600), 0);
	{
		FILE *f = fopen(KDB, "ab");

		fputc(0, f);
		fclose(f);
	}
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	free(orig);
}

Test(store, wrong_version)
{
	uint8_t *b;
	size_t len;
	struct run r;

	add("s1", "ec256.pem", 0);
	cr_assert_eq(t_read(KDB, &b, &len), 0);
	b[9] = 2;	/* format version 2 */
	cr_assert_eq(t_write(KDB, b, len, 0600), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0107E"), "%s", r.err);
	free(b);
}

Test(store, stash_from_another_database)
{
	struct run r;
	const char *envp[2];
	char env[600];

	add("s1", "ec256.pem", 0);
	/* a second database elsewhere, and its stash put beside the first */
	snprintf(env, sizeof(env), "BULWARK_DIR=%s", t_path("db2"));
	envp[0] = env;
	envp[1] = NULL;
	t_run(&r, "bulwark-cert", (const char *[]){ "-add", "-server", "s",
	    "-file", t_cert("ec384.pem"), NULL }, envp);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(t_copy(t_path("db2/bulwark.sth"), STH), 0);
	refused_unchanged("BWK0106E");
}

Test(store, damaged_and_missing_stash)
{
	uint8_t *b;
	size_t len;
	struct run r;

	add("s1", "ec256.pem", 0);
	cr_assert_eq(t_read(STH, &b, &len), 0);
	b[20] ^= 4;
	cr_assert_eq(t_write(STH, b, len, 0600), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0108E"));
	cr_assert(t_contains(r.err, "bulwark.sth"));
	cr_assert_eq(t_write(STH, b, 40, 0600), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 5);
	cr_assert(t_contains(r.err, "cut short"));
	unlink(STH);
	refused_unchanged("BWK0109E");
	free(b);
}

/*
 * kill -9 at each step of a write: the database afterwards is the old one
 * or the new one, intact, and the next writer proceeds.
 */
static const char *steps[] = {
	"kdb-open", "kdb-write", "kdb-fsync", "kdb-rename",
};

Test(store, kill9_at_each_write_step)
{
	struct run r;
	char env[64];
	size_t i;

	add("s1", "ec256.pem", 0);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const char *envp[] = { env, NULL };
		char server[16];

		snprintf(env, sizeof(env), "BULWARK_TEST_CRASH=%s", steps[i]);
		snprintf(server, sizeof(server), "k%zu", i);
		t_run(&r, "bulwark-cert", (const char *[]){ "-add", "-server",
		    server, "-file", t_cert("ec384.pem"), NULL }, envp);
		cr_assert_eq(r.status, 128 + SIGKILL, "%s: %d %s", steps[i],
		    r.status, r.err);
		/* before the rename: old database; after: the new one */
		intact(i < 3 ? 1 : 2);
		if (i == 3) {
			cr_assert_eq(t_cert_cmd(&r, "-delete", "-server", server,
			    NULL), 0, "%s", r.err);
		}
	}
	/* stale temp files do not stop the next writer */
	add("after", "ec384.pem", 0);
	intact(2);
}

Test(store, kill9_while_creating)
{
	struct run r;
	const char *envp[] = { "BULWARK_TEST_CRASH=stash-rename", NULL };

	/* killed after the stash exists, before the first database */
	t_run(&r, "bulwark-cert", (const char *[]){ "-add", "-server", "s1",
	    "-file", t_cert("ec256.pem"), NULL }, envp);
	cr_assert_eq(r.status, 128 + SIGKILL);
	cr_assert_eq(access(STH, F_OK), 0);
	cr_assert_neq(access(KDB, F_OK), 0);
	add("s1", "ec256.pem", 0);
	intact(1);
}

static const char *rekey_steps[] = {
	"rekey-stash-write", "rekey-stash-rename", "kdb-write", "kdb-rename",
	"rekey-before-stash-rename",
};

Test(store, kill9_during_rekey)
{
	struct run r;
	char env[64];
	size_t i;

	add("s1", "ec256.pem", 0);
	add("s2", "chain.pem", 0);
	for (i = 0; i < sizeof(rekey_steps) / sizeof(rekey_steps[0]); i++) {
		const char *envp[] = { env, NULL };

		snprintf(env, sizeof(env), "BULWARK_TEST_CRASH=%s",
		    rekey_steps[i]);
		t_run(&r, "bulwark-cert", (const char *[]){ "-rekey", NULL },
		    envp);
		cr_assert_eq(r.status, 128 + SIGKILL, "%s", rekey_steps[i]);
		/* readers open it either way */
		intact(4);
		/* a writer finishes or abandons the rekey */
		add("w", "ec384.pem", 0);
		cr_assert_neq(access(t_path("db/bulwark.sth.new"), F_OK), 0,
		    "%s: sth.new left behind", rekey_steps[i]);
		cr_assert_eq(t_cert_cmd(&r, "-delete", "-server", "w", NULL), 0);
		intact(4);
	}
}

/* Eight processes add at once: every entry arrives. */
Test(store, eight_concurrent_adders)
{
	pid_t pids[8];
	struct run r;
	int i, st;

	add("seed", "ec256.pem", 0);	/* so the first writers race on the same db */
	for (i = 0; i < 8; i++) {
		pids[i] = fork();
		cr_assert_neq(pids[i], -1);
		if (pids[i] == 0) {
			struct run cr;
			char name[16];
			static const char *files[] = { "ec384.pem",
			    "rsa2048.pem", "other.pem", "ca.pem" };

			snprintf(name, sizeof(name), "c%d", i);
			exit(t_cert_cmd(&cr, "-add", "-server", name, "-file",
			    t_cert(files[i % 4]), NULL));
		}
	}
	for (i = 0; i < 8; i++) {
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "adder %d failed: %d", i, st);
	}
	intact(9);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0);
	for (i = 0; i < 8; i++) {
		char want[16];

		snprintf(want, sizeof(want), "\nc%d ", i);
		cr_assert(t_contains(r.out, want), "lost c%d", i);
	}
}

/*
 * The general rule: every write decodes what it is about to commit with
 * the readers' own decoder, before the rename. A database the readers
 * would refuse (here two entries with one label, made behind
 * kdb_append's back) is never written, and the old one stays.
 */
Test(store, write_refused_when_it_would_not_read_back)
{
	struct store s;
	struct kdb db;
	struct stash st;
	struct kdb_entry e;
	int r;

	add("s1", "ec256.pem", 0);
	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	bwk_quiet = 1;
	cr_assert_eq(store_open(&s, t_db(), STORE_WRITE), 0);
	cr_assert_eq(store_load(&s, &db, &st), 0);
	cr_assert_eq(db.n, 1);
	e = db.e[0];
	e.data = malloc(e.len);
	memcpy(e.data, db.e[0].data, e.len);
	snprintf(e.label, sizeof(e.label), "s2");
	cr_assert_eq(kdb_append(&db, &e), 0);
	snprintf(db.e[1].label, sizeof(db.e[1].label), "S1");	/* forged */
	r = store_save(&s, &db, &st);
	kdb_free(&db);
	stash_wipe(&st);
	store_close(&s);
	bwk_quiet = 0;
	cr_assert_eq(r, -1, "a database the readers refuse was written");
	cr_assert(t_same_file(KDB, t_path("before")), "database rewritten");
	cr_assert_neq(access(t_path("db/bulwark.kdb.tmp"), F_OK), 0);
	intact(1);
}

/* Past its deadline a write renames nothing (the key helper's ACCEPT). */
Test(store, no_rename_after_the_deadline)
{
	struct store s;
	struct kdb db;
	struct stash st;

	add("s1", "ec256.pem", 0);
	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	bwk_quiet = 1;
	cr_assert_eq(store_open(&s, t_db(), STORE_WRITE), 0);
	cr_assert_eq(store_load(&s, &db, &st), 0);
	s.commit_by = bwk_mono_ms() - 1;
	cr_assert_eq(store_save(&s, &db, &st), -1);
	cr_assert(t_same_file(KDB, t_path("before")), "renamed too late");
	s.commit_by = 0;
	cr_assert_eq(store_save(&s, &db, &st), 0);
	kdb_free(&db);
	stash_wipe(&st);
	store_close(&s);
	bwk_quiet = 0;
	cr_assert_neq(access(t_path("db/bulwark.kdb.tmp"), F_OK), 0);
	intact(1);
}

/*
 * The StrictModes walk goes up to "/" itself. Seen from a chroot whose
 * root directory anyone may write (so that they could swap the database
 * directory for their own), the key-database directory is refused; the
 * walk used to stop below "/".
 */
static int
open_in_chroot(const char *root)
{
	struct store s;
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		bwk_quiet = 1;
		if (chroot(root) == -1 || chdir("/") == -1)
			_exit(100);
		_exit(store_open(&s, "/db", STORE_READ) == 0 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) < 100, "status %#x", st);
	return WEXITSTATUS(st);
}

Test(store, ancestor_check_reaches_the_root)
{
	const char *root = t_path("root");
	char db[600];

	if (geteuid() != 0)
		cr_skip_test("needs root to chroot");
	snprintf(db, sizeof(db), "%s/db", root);
	cr_assert_eq(mkdir(root, 0755), 0);
	cr_assert_eq(mkdir(db, 0700), 0);
	cr_assert_eq(open_in_chroot(root), 0, "a safe root was refused");
	cr_assert_eq(chmod(root, 0777), 0);
	cr_assert_eq(open_in_chroot(root), 1, "a world-writable / was accepted");
	cr_assert_eq(chmod(root, 01777), 0);	/* sticky, as /tmp */
	cr_assert_eq(open_in_chroot(root), 0);
}

/* A directory on the way that cannot be stat'ed is a refusal, not the end. */
Test(store, ancestor_that_cannot_be_checked_fails_closed)
{
	char path[600];

	bwk_quiet = 1;
	snprintf(path, sizeof(path), "%s/db", t_tmpdir());
	cr_assert_eq(store_check_ancestors(path, path), 0);
	/* as if a directory on the way were removed or swapped meanwhile */
	snprintf(path, sizeof(path), "%s/gone/db", t_tmpdir());
	cr_assert_eq(store_check_ancestors(path, path), -1);
	bwk_quiet = 0;
}
