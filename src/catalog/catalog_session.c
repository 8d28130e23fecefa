/*
 * The sessions signed on now (catalog.h). The server's other state has
 * one writer per row; these rows too: a session writes its own, and the
 * newest session prunes the rows of sessions that are gone.
 */
#include <string.h>

#include "catalog_int.h"

static int
bind_text(struct catalog *c, sqlite3_stmt *st, int i, const char *s)
{
	return cat_bound(c, sqlite3_bind_text(st, i, s != NULL ? s : "", -1,
	    SQLITE_TRANSIENT), "binding");
}

int
catalog_session_add(struct catalog *c, const struct cat_session *s)
{
	sqlite3_stmt *st;
	int r;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if ((st = cat_stmt(c, S_SESS_ADD)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, s->run), "binding") ||
	    cat_bound(c, sqlite3_bind_int64(st, 2, s->id), "binding") ||
	    bind_text(c, st, 3, s->peer) || bind_text(c, st, 4, s->role) ||
	    bind_text(c, st, 5, s->name) ||
	    cat_bound(c, sqlite3_bind_int64(st, 6, s->started), "binding") ||
	    cat_bound(c, sqlite3_bind_int64(st, 7, s->signed_on), "binding") ||
	    bind_text(c, st, 8, s->protocol) || bind_text(c, st, 9, s->suite) ||
	    bind_text(c, st, 10, s->group) ||
	    cat_bound(c, sqlite3_bind_int(st, 11, s->ems != 0), "binding"))
		return CAT_ERROR;
	r = cat_exec(c, st, "recording a session");
	return r;
}

int
catalog_session_remove(struct catalog *c, int64_t run, int64_t id)
{
	sqlite3_stmt *st;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if ((st = cat_stmt(c, S_SESS_REMOVE)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, run), "binding") ||
	    cat_bound(c, sqlite3_bind_int64(st, 2, id), "binding"))
		return CAT_ERROR;
	return cat_exec(c, st, "removing a session");
}

static int
is_live(int64_t id, const int64_t *live, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (live[i] == id)
			return 1;
	return 0;
}

#define PRUNE_BATCH	64

int
catalog_session_prune(struct catalog *c, int64_t run, int64_t self,
    const int64_t *live, size_t n)
{
	int64_t gone[PRUNE_BATCH][2];
	sqlite3_stmt *st;
	size_t k, i;
	int rc, r = CAT_OK;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	/* in batches: a statement is not stepped while another writes */
	do {
		if ((st = cat_stmt(c, S_SESS_IDS)) == NULL)
			return CAT_ERROR;
		k = 0;
		while (k < PRUNE_BATCH &&
		    (rc = cat_step(c, st, "listing sessions")) == SQLITE_ROW) {
			gone[k][0] = sqlite3_column_int64(st, 0);
			gone[k][1] = sqlite3_column_int64(st, 1);
			/* a later session was started after the list was made */
			if (gone[k][0] != run || (gone[k][1] < self &&
			    !is_live(gone[k][1], live, n)))
				k++;
		}
		sqlite3_reset(st);
		for (i = 0; i < k && r == CAT_OK; i++)
			r = catalog_session_remove(c, gone[i][0], gone[i][1]);
	} while (k == PRUNE_BATCH && r == CAT_OK);
	return r;
}

int
catalog_session_list(struct catalog *c, int64_t run, cat_session_cb *cb,
    void *arg)
{
	struct cat_session s;
	sqlite3_stmt *st;
	int rc, r = 0;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if ((st = cat_stmt(c, S_SESS_LIST)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, run), "binding"))
		return CAT_ERROR;
	while ((rc = cat_step(c, st, "listing sessions")) == SQLITE_ROW) {
		memset(&s, 0, sizeof(s));
		s.run = run;
		s.id = sqlite3_column_int64(st, 0);
		s.peer = (const char *)sqlite3_column_text(st, 1);
		s.role = (const char *)sqlite3_column_text(st, 2);
		s.name = (const char *)sqlite3_column_text(st, 3);
		s.started = sqlite3_column_int64(st, 4);
		s.signed_on = sqlite3_column_int64(st, 5);
		s.protocol = (const char *)sqlite3_column_text(st, 6);
		s.suite = (const char *)sqlite3_column_text(st, 7);
		s.group = (const char *)sqlite3_column_text(st, 8);
		s.ems = sqlite3_column_int(st, 9);
		if (s.peer == NULL || s.role == NULL || s.name == NULL ||
		    s.protocol == NULL || s.suite == NULL || s.group == NULL)
			continue;
		if ((r = cb(arg, &s)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r != 0)
		return r;
	return rc == SQLITE_DONE ? CAT_OK : CAT_ERROR;
}

int
catalog_session_oldest(struct catalog *c, int64_t *started)
{
	sqlite3_stmt *st;
	int rc, r = CAT_NOTFOUND;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if ((st = cat_stmt(c, S_SESS_OLDEST)) == NULL)
		return CAT_ERROR;
	/* min() of no rows is one NULL row */
	if ((rc = cat_step(c, st, "reading the sessions")) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*started = sqlite3_column_int64(st, 0);
		r = CAT_OK;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = CAT_ERROR;
	sqlite3_reset(st);
	return r;
}
