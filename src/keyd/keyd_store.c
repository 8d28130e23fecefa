/*
 * The helper's writes to its key database: a first sign-on's salt and
 * count, a changed node password, a renewed or a standby pin
 * (keyd_pins.c). Each is a read-modify-write under the
 * writers' lock, on the database as it is now (another session may have
 * written since this helper read it), and all of it well before the
 * client stops waiting for the answer (KEYD_LOCK_WAIT_MS, KEYD_ACCEPT_MS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/util.h"
#include "keyd.h"

int
keyd_store_edit(struct keyd *k, int (*edit)(struct kdb *, void *), void *arg)
{
	struct kdb fresh;
	struct stash st;
	int r = -1, e;

	if (!k->store_ok)
		return -1;
	k->store.lock_wait_ms = KEYD_LOCK_WAIT_MS;
	k->store.commit_by = bwk_mono_ms() + KEYD_ACCEPT_MS;
	if (store_lock(&k->store) == -1)
		return -1;
	if (store_load(&k->store, &fresh, &st) == 0) {
		if ((e = edit(&fresh, arg)) == 1)
			r = 0;		/* nothing to change */
		else if (e == 0)
			r = store_save(&k->store, &fresh, &st) == 0 ? 0 : -1;
		kdb_free(&fresh);
		stash_wipe(&st);
	}
	store_unlock(&k->store);
	return r;
}

/* The server's entry of that kind (at most one of each), or NULL. */
const struct kdb_entry *
keyd_kdb_find(const struct kdb *db, int kind, const char *server)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (db->e[i].kind == kind &&
		    strcasecmp(db->e[i].server, server) == 0)
			return &db->e[i];
	return NULL;
}

/* Drops every entry of that kind for the server (secrets wiped). */
void
keyd_kdb_drop(struct kdb *db, int kind, const char *server)
{
	size_t i = db->n;

	while (i-- > 0)
		if (db->e[i].kind == kind &&
		    strcasecmp(db->e[i].server, server) == 0)
			kdb_remove(db, i);
}

/* A new entry of kind for the server, with a copy of data. */
int
keyd_kdb_add(struct kdb *db, int kind, int origin, const char *server,
    const uint8_t *data, size_t len)
{
	struct kdb_entry e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.origin = (uint8_t)origin;
	if (kdb_server_label(e.kind, server, e.label) == -1)
		return -1;
	snprintf(e.server, sizeof(e.server), "%s", server);
	e.added = bwk_now();
	e.len = len;
	if ((e.data = malloc(len)) == NULL)
		return -1;
	memcpy(e.data, data, len);
	if (bwk_sha256(e.data, e.len, e.fpr) == -1 || kdb_append(db, &e) == -1) {
		explicit_bzero(e.data, len);
		free(e.data);
		return -1;
	}
	return 0;
}
