/*
 * The catalog's rows read back: a real SQLite catalog (src/catalog, as
 * the server makes it) whose rows are forged from the input, written
 * with SQLite's own CHECK constraints and foreign keys off, as a damaged
 * or hand-edited catalog would hold them. Then the server's readers run
 * over it: an account, the account list, a node's filespaces, queries of
 * its objects, a version by id, the list of every version (retention's
 * and audit's walk), the sessions, and the catalog's own check. Every
 * reader must refuse what it cannot trust, never read past a value or
 * crash; a callback checks what it is handed.
 *
 * One catalog handle serves every input, as one session's handle serves
 * all its commands in the server: so each reader must also leave no
 * statement running (a statement left stepped would hold the handle's
 * read snapshot, and every later read would see the catalog as it was).
 * The forging connection, too, stays open with its statements prepared:
 * opening both per input spent most of the time parsing the schema.
 */
#include <sys/stat.h>

#include <sqlite3.h>
#include <unistd.h>

#define FUZZ_SETUP	catalog_setup
#include "fuzz_common.h"

#include "../src/catalog/catalog.h"
#include "../src/catalog/catalog_int.h"

static char dir[256], dbpath[300];
static sqlite3 *forger;		/* writes the forged rows */
static sqlite3_stmt *ins_node, *ins_fs, *ins_obj, *ins_ver, *ins_ses;
static struct catalog *cat;	/* the readers' handle */

/* The input, read as fields; past its end every read is zero. */
struct in {
	const uint8_t	*p;
	size_t		 n;
};

static uint64_t
take_int(struct in *in, size_t bytes)
{
	uint64_t v = 0;

	while (bytes-- > 0) {
		v = v << 8 | (in->n > 0 ? *in->p : 0);
		if (in->n > 0) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* A blob of up to max bytes (its length first): NULL for length 255. */
static const uint8_t *
take_blob(struct in *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;
	size_t n = (size_t)take_int(in, 1);

	if (n == 255) {
		*len = 0;
		return NULL;
	}
	n = n % (max + 1);
	if (n > in->n)
		n = in->n;
	p = in->p;
	in->p += n;
	in->n -= n;
	*len = n;
	return p;
}

static const char *const states[] = { "PENDING", "ACTIVE", "INACTIVE",
    "DELETING", "active", "", "ACTIVE\n" };
static const char *const types[] = { "FILE", "DIR", "LINK", "SOCK", "" };
static const char *const security[] = { "STRICT", "TRANSITIONAL", "LAX" };

static void
bind_blob_or_null(sqlite3_stmt *st, int col, struct in *in, size_t max)
{
	size_t len;
	const uint8_t *b = take_blob(in, max, &len);

	if (b == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_blob(st, col, b, (int)len, SQLITE_TRANSIENT);
}

static void
bind_text_or_null(sqlite3_stmt *st, int col, struct in *in, size_t max)
{
	size_t len;
	const uint8_t *b = take_blob(in, max, &len);

	if (b == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, (const char *)b, (int)len,
		    SQLITE_TRANSIENT);
}

static void
run(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fuzz_fail("set-up SQL failed: %s: %s", sql, sqlite3_errmsg(db));
}

static void
step(sqlite3_stmt *st)
{
	(void)sqlite3_step(st);		/* a row SQLite refuses is no row */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK)
		fuzz_fail("cannot prepare %s: %s", sql, sqlite3_errmsg(db));
}

/* The rows, forged: one node or two, filespaces, objects, versions. */
static void
forge(sqlite3 *db, struct in *in)
{
	sqlite3_stmt *node = ins_node, *fs = ins_fs, *obj = ins_obj,
	    *ver = ins_ver, *ses = ins_ses;
	int i, n;

	run(db, "BEGIN");
	run(db, "DELETE FROM versions; DELETE FROM objects; "
	    "DELETE FROM filespaces; DELETE FROM nodes; DELETE FROM sessions");
	n = 1 + (int)(take_int(in, 1) % 2);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(node, 1, i + 1);
		sqlite3_bind_text(node, 2, i == 0 ? "N1" : "N2", -1,
		    SQLITE_STATIC);
		bind_blob_or_null(node, 3, in, 80);
		sqlite3_bind_int64(node, 4, (int64_t)take_int(in, 4) -
		    (int64_t)0x10);
		bind_blob_or_null(node, 5, in, 40);
		bind_blob_or_null(node, 6, in, 40);
		sqlite3_bind_text(node, 7, security[take_int(in, 1) % 3], -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(node, 8, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(node, 9, (int64_t)take_int(in, 4) - 2);
		sqlite3_bind_int64(node, 10, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(node, 11, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(node, 12, 0);
		sqlite3_bind_int64(node, 13, 0);
		step(node);
	}
	n = 1 + (int)(take_int(in, 1) % 3);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(fs, 1, i + 1);
		sqlite3_bind_int64(fs, 2, 1 + (int64_t)(take_int(in, 1) % 3));
		bind_blob_or_null(fs, 3, in, 40);
		sqlite3_bind_int64(fs, 4, (int64_t)take_int(in, 8));
		step(fs);
	}
	n = 1 + (int)(take_int(in, 1) % 6);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(obj, 1, i + 1);
		sqlite3_bind_int64(obj, 2, 1 + (int64_t)(take_int(in, 1) % 4));
		bind_blob_or_null(obj, 3, in, 60);
		bind_blob_or_null(obj, 4, in, 60);
		step(obj);
	}
	n = 1 + (int)(take_int(in, 1) % 10);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(ver, 1, i + 1);
		sqlite3_bind_int64(ver, 2, 1 + (int64_t)(take_int(in, 1) % 7));
		sqlite3_bind_text(ver, 3, states[take_int(in, 1) % 7], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ver, 4, types[take_int(in, 1) % 5], -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(ver, 5, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(ver, 6, (int64_t)take_int(in, 4) - 8);
		sqlite3_bind_int64(ver, 7, (int64_t)take_int(in, 5));
		sqlite3_bind_int64(ver, 8, (int64_t)take_int(in, 5));
		sqlite3_bind_int64(ver, 9, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(ver, 10, (int64_t)take_int(in, 8));
		bind_blob_or_null(ver, 11, in, 60);
		bind_blob_or_null(ver, 12, in, 40);
		bind_text_or_null(ver, 13, in, 40);
		sqlite3_bind_int64(ver, 14, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(ver, 15, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(ver, 16, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(ver, 17, 0);
		step(ver);
	}
	n = (int)(take_int(in, 1) % 3);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(ses, 1, 7);
		sqlite3_bind_int64(ses, 2, (int64_t)take_int(in, 2) - 4);
		bind_text_or_null(ses, 3, in, 70);
		bind_text_or_null(ses, 4, in, 16);
		bind_text_or_null(ses, 5, in, 70);
		sqlite3_bind_int64(ses, 6, (int64_t)take_int(in, 8));
		sqlite3_bind_int64(ses, 7, (int64_t)take_int(in, 8));
		bind_text_or_null(ses, 8, in, 70);
		bind_text_or_null(ses, 9, in, 70);
		bind_text_or_null(ses, 10, in, 70);
		sqlite3_bind_int64(ses, 11, (int64_t)take_int(in, 1) % 3);
		step(ses);
	}
	run(db, "COMMIT");
}

/* What a reader hands over must be whole C strings, within bounds. */
static int
on_version(void *arg, const struct cat_version *v)
{
	(void)arg;
	if (v->dir == NULL || v->name == NULL || v->node == NULL ||
	    v->filespace == NULL)
		fuzz_fail("a version handed over without its names");
	if (strlen(v->dir) > 4095 || strlen(v->name) > 4095 ||
	    (v->link != NULL && strlen(v->link) > 4095) ||
	    (v->content != NULL && !catalog_content_ok(v->content)))
		fuzz_fail("a version handed over past its bounds");
	if (v->mode > 07777)
		fuzz_fail("a mode past 07777 handed over");
	return 0;
}

static int
on_account(void *arg, const struct cat_account *a)
{
	(void)arg;
	(void)a;
	return 0;
}

static int
on_filespace(void *arg, const char *name, int64_t created)
{
	(void)arg;
	(void)created;
	if (strlen(name) > 4095)
		fuzz_fail("a filespace name past its bound");
	return 0;
}

static int
on_session(void *arg, const struct cat_session *s)
{
	(void)arg;
	(void)s;
	return 0;
}

static void
at_exit(void)
{
	static const char *const files[] = { "catalog.db", "catalog.db-wal",
	    "catalog.db-shm", "catalog.db-journal" };
	char p[400];
	size_t i;

	catalog_close(cat);
	sqlite3_finalize(ins_node);
	sqlite3_finalize(ins_fs);
	sqlite3_finalize(ins_obj);
	sqlite3_finalize(ins_ver);
	sqlite3_finalize(ins_ses);
	sqlite3_close(forger);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		(void)unlink(p);
	}
	(void)rmdir(dir);
}

static void
catalog_setup(void)
{
	struct scram_verifier v;
	struct catalog *c;
	static const uint8_t key[SCRAM_HASH_LEN] = "fuzz_catalog: the fake key.....";

	snprintf(dir, sizeof(dir), "/dev/shm/bwk-fuzz-catalog.%ld.XXXXXX",
	    (long)getpid());
	if (mkdtemp(dir) == NULL) {
		snprintf(dir, sizeof(dir), "/tmp/bwk-fuzz-catalog.%ld.XXXXXX",
		    (long)getpid());
		if (mkdtemp(dir) == NULL)
			fuzz_fail("cannot make a directory");
	}
	atexit(at_exit);
	snprintf(dbpath, sizeof(dbpath), "%s/catalog.db", dir);
	if (catalog_open(&c, dir, CAT_OPEN_CREATE) != CAT_OK)
		fuzz_fail("cannot make the catalog in %s", dir);
	if (scram_verifier_fake(key, "N1", SCRAM_ITER_DEFAULT, &v) != SCRAM_OK ||
	    catalog_account_register(c, CAT_NODE, "n1", &v, CAT_TRANSITIONAL,
	    0) != CAT_OK)
		fuzz_fail("cannot register n1");
	catalog_close(c);
	if (sqlite3_open_v2(dbpath, &forger, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		fuzz_fail("cannot open %s", dbpath);
	sqlite3_busy_timeout(forger, 1000);
	run(forger, "PRAGMA foreign_keys = OFF");
	run(forger, "PRAGMA ignore_check_constraints = ON");
	prepare(forger, "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)", &ins_node);
	prepare(forger, "INSERT INTO filespaces VALUES (?, ?, ?, ?)", &ins_fs);
	prepare(forger, "INSERT INTO objects VALUES (?, ?, ?, ?)", &ins_obj);
	prepare(forger, "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?)", &ins_ver);
	prepare(forger, "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)", &ins_ses);
	if (catalog_open(&cat, dir, 0) != CAT_OK)
		fuzz_fail("cannot open the catalog in %s", dir);
}

/* After each reader: no statement of the handle still stepped. */
static void
settled(const char *reader)
{
	sqlite3_stmt *st = NULL;

	while ((st = sqlite3_next_stmt(cat->db, st)) != NULL)
		if (sqlite3_stmt_busy(st))
			fuzz_fail("%s left a statement running: %s", reader,
			    sqlite3_sql(st));
	if (!sqlite3_get_autocommit(cat->db))
		fuzz_fail("%s left a transaction open", reader);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct cat_account a;
	enum cat_state state;
	int64_t oldest;

	forge(forger, &in);
	(void)catalog_account_get(cat, CAT_NODE, "n1", &a);
	settled("catalog_account_get");
	(void)catalog_account_list(cat, CAT_NODE, on_account, NULL);
	settled("catalog_account_list");
	(void)catalog_filespace_list(cat, "n1", on_filespace, NULL);
	settled("catalog_filespace_list");
	(void)catalog_object_query(cat, "n1", "/", "*", CAT_Q_INACTIVE |
	    CAT_Q_SUBDIR, on_version, NULL);
	settled("catalog_object_query (a tree)");
	(void)catalog_object_query(cat, "n1", "/home", "/*", CAT_Q_INACTIVE,
	    on_version, NULL);
	settled("catalog_object_query (a directory)");
	(void)catalog_version_get(cat, "n1",
	    1 + (int64_t)(take_int(&in, 1) % 10), on_version, NULL);
	settled("catalog_version_get");
	(void)catalog_version_list(cat, on_version, NULL);
	settled("catalog_version_list");
	(void)catalog_version_state(cat, 2, &state);
	settled("catalog_version_state");
	(void)catalog_session_list(cat, 7, on_session, NULL);
	settled("catalog_session_list");
	(void)catalog_session_oldest(cat, &oldest);
	settled("catalog_session_oldest");
	(void)catalog_check(cat);
	settled("catalog_check");
	return 0;
}
