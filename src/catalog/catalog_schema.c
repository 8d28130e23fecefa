/*
 * The catalog's schema version: a new file gets the current schema, an
 * older one is migrated forward, and a newer one (from a later bulwarkd)
 * is refused before anything is written, since this code cannot know
 * what the newer columns mean. All of it is one transaction: a crash in
 * a migration leaves the old schema, whole.
 */
#include <stdio.h>

#include "../lib/msg.h"
#include "catalog_int.h"

/* Runs one schema version's statements (constant text, catalog_sql.c). */
static int
run_ddl(struct catalog *c, const char *const *sql, int version)
{
	sqlite3_stmt *st;
	char what[48];
	int rc;

	snprintf(what, sizeof(what), "making schema version %d", version);
	for (; *sql != NULL; sql++) {
		rc = sqlite3_prepare_v2(c->db, *sql, -1, &st, NULL);
		if (rc != SQLITE_OK)
			return cat_fail(c, rc, what);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return cat_fail(c, rc, what);
	}
	return CAT_OK;
}

/* The single integer a statement returns; -1 (reported) on failure. */
static int64_t
one_int(struct catalog *c, enum cat_stmt id, const char *what)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if ((st = cat_stmt(c, id)) == NULL)
		return -1;
	if (cat_step(c, st, what) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static int
not_ours(struct catalog *c, const char *why)
{
	bwk_msg("BWK1210E", "%s is not a Bulwark catalog (%s); nothing was "
	    "changed. Move it away, or point the server at the right "
	    "instance directory", c->path, why);
	return -1;
}

/* The version in the file: 0 for an empty file, -1 (reported) to refuse. */
static int
file_version(struct catalog *c)
{
	int64_t objects, appid, v;

	if ((objects = one_int(c, S_SCHEMA_COUNT, "reading the schema")) < 0 ||
	    (appid = one_int(c, S_APPID_GET, "reading the application id")) < 0)
		return -1;
	if (objects == 0 && appid == 0)
		return 0;
	if (appid != CAT_APPLICATION_ID)
		return not_ours(c, "another program's SQLite database");
	if (one_int(c, S_VERSION_TABLE, "reading the schema") != 1)
		return not_ours(c, "it has no schema_version table");
	if ((v = one_int(c, S_VERSION_GET, "reading the schema version")) < 1)
		return not_ours(c, "its schema version is missing");
	if (v > CATALOG_SCHEMA_VERSION) {
		bwk_msg("BWK1209E", "%s has schema version %lld, made by a "
		    "newer bulwarkd; this one knows versions up to %d and will "
		    "not guess what the newer ones mean. Nothing was changed: "
		    "run the newer bulwarkd, or restore the catalog's backup "
		    "from before the upgrade", c->path, (long long)v,
		    CATALOG_SCHEMA_VERSION);
		return -1;
	}
	return (int)v;
}

static int
set_version(struct catalog *c, int version)
{
	sqlite3_stmt *st;

	if ((st = cat_stmt(c, S_VERSION_SET)) == NULL)
		return CAT_ERROR;
	if (cat_bound(c, sqlite3_bind_int(st, 1, version) |
	    sqlite3_bind_int64(st, 2, cat_now(c)), "binding") != CAT_OK)
		return CAT_ERROR;
	return cat_exec(c, st, "recording the schema version") == CAT_OK ?
	    CAT_OK : CAT_ERROR;
}

/* Inside the transaction: from version *from to the current one. */
static int
migrate(struct catalog *c, int *from)
{
	sqlite3_stmt *st;
	int v;

	if ((*from = file_version(c)) < 0)
		return CAT_ERROR;
	for (v = *from; v < CATALOG_SCHEMA_VERSION; v++) {
		if (run_ddl(c, cat_migration[v], v + 1) != CAT_OK)
			return CAT_ERROR;
		if (cat_fault(c, "migrate") == -1)
			return CAT_ERROR;
	}
	if (*from == CATALOG_SCHEMA_VERSION)
		return CAT_OK;
	if (*from == 0 && ((st = cat_stmt(c, S_APPID_SET)) == NULL ||
	    cat_exec(c, st, "marking the file as a catalog") != CAT_OK))
		return CAT_ERROR;
	return set_version(c, CATALOG_SCHEMA_VERSION);
}

/*
 * The version as a reader sees it, in one read transaction: an open
 * that finds the current schema (nearly every one) waits for no writer.
 */
static int
read_version(struct catalog *c)
{
	sqlite3_stmt *st;
	int v;

	if ((st = cat_stmt(c, S_BEGIN_READ)) == NULL ||
	    cat_exec(c, st, "reading the schema") != CAT_OK)
		return -1;
	if ((v = file_version(c)) < 0)
		return cat_end(c, CAT_ERROR, 0);	/* rolls back */
	if ((st = cat_stmt(c, S_COMMIT)) == NULL ||
	    cat_exec(c, st, "reading the schema") != CAT_OK)
		return -1;
	return v;
}

int
cat_schema_setup(struct catalog *c)
{
	int from = -1, r;

	if ((from = read_version(c)) < 0)
		return CAT_ERROR;
	if (from < CATALOG_SCHEMA_VERSION) {
		/* under the write lock, the version is read again */
		if (cat_begin(c) != CAT_OK)
			return CAT_ERROR;
		r = cat_end(c, migrate(c, &from), 0);
		if (r != CAT_OK)
			return CAT_ERROR;
		if (from > 0 && from < CATALOG_SCHEMA_VERSION)
			bwk_msg("BWK1215I", "%s: migrated the catalog from "
			    "schema version %d to %d", c->path, from,
			    CATALOG_SCHEMA_VERSION);
	}
	c->version = CATALOG_SCHEMA_VERSION;
	return CAT_OK;
}
