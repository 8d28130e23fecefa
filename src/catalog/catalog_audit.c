/*
 * What the server's own checks read of the catalog (bulwarkd audit,
 * docs/catalog.md "Audit"): every version, whoever's, and one version's
 * state. Not for sessions: a session sees its own node's versions only.
 *
 * The list is read in small batches by id, each batch one short SELECT
 * whose rows are copied out, and the callback runs between batches with
 * no statement open: an audit hashes every content file, which may take
 * hours, and a read held that long would keep the log from being
 * checkpointed while the server writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/msg.h"
#include "catalog_int.h"

#define LIST_BATCH	32

/* One version copied out of its row, with the strings it points to. */
struct listed {
	struct cat_version	v;
	char			node[CAT_NAME_MAX + 1];
	char			fs[CAT_PATH_MAX + 1];
	char			dir[CAT_PATH_MAX + 2];
	char			name[CAT_PATH_MAX + 1];
	char			link[CAT_PATH_MAX + 1];
	char			content[CAT_CONTENT_MAX];
};

/* A text column into buf; 0, or -1 when it is NULL or too long. */
static int
copy_col(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	if (t == NULL || (size_t)sqlite3_column_bytes(st, col) >= len)
		return -1;
	snprintf(buf, len, "%s", (const char *)t);
	return 0;
}

/* A row into e, every string in e itself; -1 for a damaged row. */
static int
copy_row(sqlite3_stmt *st, struct listed *e)
{
	struct cat_version *v = &e->v;
	int bad = cat_read_version(st, v);

	/* the statement's strings, copied before the next step frees them */
	if (copy_col(st, 1, e->dir, sizeof(e->dir)) == -1 ||
	    copy_col(st, 2, e->name, sizeof(e->name)) == -1 ||
	    copy_col(st, 17, e->fs, sizeof(e->fs)) == -1 ||
	    copy_col(st, 18, e->node, sizeof(e->node)) == -1)
		bad = -1;
	e->link[0] = e->content[0] = '\0';
	if (v->link != NULL && copy_col(st, 11, e->link, sizeof(e->link)) == -1)
		bad = -1;
	if (v->content != NULL && copy_col(st, 13, e->content,
	    sizeof(e->content)) == -1)
		bad = -1;
	v->dir = e->dir;
	v->name = e->name;
	v->filespace = e->fs;
	v->node = e->node;
	v->link = v->link != NULL ? e->link : NULL;
	v->content = v->content != NULL ? e->content : NULL;
	return bad;
}

/* The batch after id `after`: its number of rows, or -1 on error. */
static int
list_batch(struct catalog *c, int64_t after, struct listed *b, int *damaged)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, n = 0;

	if ((st = cat_stmt(c, S_AUDIT_LIST)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, after) |
	    sqlite3_bind_int(st, 2, LIST_BATCH), "binding") != CAT_OK)
		return -1;
	while (n < LIST_BATCH &&
	    (rc = cat_step(c, st, "listing versions")) == SQLITE_ROW) {
		if (copy_row(st, &b[n]) == -1) {
			bwk_msg("BWK1211E", "%s: version %lld is damaged; "
			    "skipping it. Stop the server and run its catalog "
			    "check", c->path, (long long)b[n].v.version);
			(*damaged)++;
			/* kept, marked, so that the next batch starts after it */
			b[n].v.version = -b[n].v.version;
		}
		n++;
	}
	sqlite3_reset(st);
	return n == LIST_BATCH || rc == SQLITE_DONE ? n : -1;
}

int
catalog_version_list(struct catalog *c, cat_version_cb *cb, void *arg)
{
	struct listed *b;
	int64_t after = 0;
	int i, n = 0, damaged = 0, r = 0;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if ((b = calloc(LIST_BATCH, sizeof(*b))) == NULL)
		return cat_fail(c, SQLITE_NOMEM, "listing versions");
	while (r == 0 && (n = list_batch(c, after, b, &damaged)) > 0) {
		for (i = 0; i < n && r == 0; i++) {
			if (b[i].v.version < 0) {
				after = -b[i].v.version;
				continue;
			}
			after = b[i].v.version;
			r = cb(arg, &b[i].v);
		}
	}
	free(b);
	if (r != 0)
		return r;
	return n < 0 || damaged > 0 ? CAT_ERROR : CAT_OK;
}

int
catalog_version_state(struct catalog *c, int64_t version,
    enum cat_state *state)
{
	static const char *const states[] = { "PENDING", "ACTIVE",
	    "INACTIVE", "DELETING" };
	const unsigned char *s;
	sqlite3_stmt *st;
	int rc, r = CAT_NOTFOUND, i;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if ((st = cat_stmt(c, S_AUDIT_STATE)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, version), "binding") !=
	    CAT_OK)
		return CAT_ERROR;
	if ((rc = cat_step(c, st, "reading a version")) == SQLITE_ROW) {
		s = sqlite3_column_text(st, 0);
		r = CAT_ERROR;
		for (i = 0; s != NULL && i < 4; i++)
			if (strcmp((const char *)s, states[i]) == 0) {
				*state = (enum cat_state)i;
				r = CAT_OK;
			}
		if (r != CAT_OK)
			r = cat_fail(c, SQLITE_CORRUPT, "reading a version");
	} else if (rc != SQLITE_DONE)
		r = CAT_ERROR;
	sqlite3_reset(st);
	return r;
}
