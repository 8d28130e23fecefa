/*
 * -add and -replace: read a certificate file, check every certificate
 * against the policy, and only then change the database, in one atomic
 * write under the lock. A refused import changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/certfile.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "cert.h"

struct incoming {
	struct cert_list	 certs;
	struct certinfo		 info[CERTFILE_MAX_CERTS];
};

/* Reads and checks the whole file; nothing is stored yet. */
static int
load_file(const struct cert_opts *o, struct incoming *in, int64_t now)
{
	uint8_t *buf;
	size_t len, i;
	char why[256];
	const char *id;

	if (bwk_read_file(o->file, CERTFILE_MAX_SIZE, &buf, &len) == -1) {
		cert_read_failed(o->file, "-file", "the certificate file");
		return EXIT_REFUSED;
	}
	if (certfile_split(buf, len, &in->certs, &id, why, sizeof(why)) == -1) {
		free(buf);
		bwk_msg(id, "%s: %s; nothing was imported", o->file, why);
		return EXIT_REFUSED;
	}
	free(buf);
	for (i = 0; i < in->certs.n; i++) {
		const char *which = "certificate ";
		char num[16] = "";

		if (in->certs.n > 1)
			snprintf(num, sizeof(num), "%zu ", i + 1);
		if (x509_inspect(in->certs.c[i].der, in->certs.c[i].len,
		    &in->info[i], why, sizeof(why)) == -1) {
			bwk_msg("BWK0310E", "%s: %s%sis not an X.509 "
			    "certificate: %s; nothing was imported", o->file,
			    which, num, why);
			return EXIT_REFUSED;
		}
		if (x509_policy(&in->info[i], now, !o->unsafe_dates, &id, why,
		    sizeof(why)) != X509_OK) {
			bwk_msg(id, "%s: %s%s(%s) is refused: %s; nothing was "
			    "imported", o->file, which, num,
			    in->info[i].subject, why);
			if (strcmp(id, "BWK0320E") == 0 ||
			    strcmp(id, "BWK0321E") == 0)
				bwk_msg("BWK0325I", "get a current certificate "
				    "from the server's administrator; "
				    "--unsafe-allow-invalid-dates imports it "
				    "anyway, and the client will still refuse "
				    "it while it is invalid");
			return EXIT_REFUSED;
		}
		if (o->ca && !in->info[i].is_ca) {
			bwk_msg("BWK0333E", "%s: %s%s(%s) is not a CA "
			    "certificate (basicConstraints cA is not TRUE); "
			    "to pin a server certificate use -add -server NAME",
			    o->file, which, num, in->info[i].subject);
			return EXIT_REFUSED;
		}
	}
	return EXIT_OK;
}

/*
 * The label for certificate i of a file: NAME, then NAME/2, NAME/3...
 * labels_fit() has made sure that every one fits: a name is never cut,
 * or two names sharing their first characters would share labels.
 */
static void
entry_label(const char *base, size_t i, char out[KDB_LABEL_MAX + 1])
{
	if (i == 0)
		snprintf(out, KDB_LABEL_MAX + 1, "%s", base);
	else
		snprintf(out, KDB_LABEL_MAX + 1, "%s/%zu", base, i + 1);
}

/* Every label of an n-certificate file fits, or a refusal (nothing read yet). */
static int
labels_fit(const struct cert_opts *o, size_t n)
{
	const char *base = o->server ? o->server : o->label;
	char last[KDB_LABEL_MAX + 2];
	int len;

	if (n < 2)
		return EXIT_OK;
	len = snprintf(last, sizeof(last), "%s/%zu", base, n);
	if (len >= 0 && len <= KDB_LABEL_MAX)
		return EXIT_OK;
	bwk_msg("BWK0375E", "%s '%s' is too long for a file of %zu "
	    "certificates: its last one would be stored as '%s/%zu', longer "
	    "than %d characters; use a name of at most %zu characters, or a "
	    "file with fewer certificates; nothing was imported",
	    o->server ? "server name" : "label", base, n, base, n,
	    KDB_LABEL_MAX, (size_t)KDB_LABEL_MAX - (size_t)(len - strlen(base)));
	return EXIT_USAGE;
}

/* Entries the command replaces (-replace) or must not collide with. */
static int
owned_by_target(const struct kdb_entry *e, const struct cert_opts *o)
{
	char pfx[KDB_LABEL_MAX + 2];
	size_t n;

	if (o->server != NULL)
		return strcasecmp(e->server, o->server) == 0 &&
		    !kdb_kind_is_secret(e->kind) && e->kind != KDB_CLIENT_CERT;
	/* a CA root for every server, and its bundle members L/2, L/3 ... */
	if (e->kind != KDB_CA || e->server[0] != '\0')
		return 0;
	n = (size_t)snprintf(pfx, sizeof(pfx), "%s/", o->label);
	return strcasecmp(e->label, o->label) == 0 ||
	    strncasecmp(e->label, pfx, n) == 0;
}

/*
 * -replace removes what the target owns; a new label must not be another
 * entry's (a CA labelled X when -replace -server X adds X): refused here,
 * before anything is changed, rather than found when appending.
 */
static int
replace_labels_free(const struct kdb *db, const struct cert_opts *o,
    const struct incoming *in)
{
	char label[KDB_LABEL_MAX + 1];
	size_t i, j;

	for (j = 0; j < db->n; j++) {
		const struct kdb_entry *e = &db->e[j];

		if (owned_by_target(e, o))
			continue;
		for (i = 0; i < in->certs.n; i++) {
			entry_label(o->server ? o->server : o->label, i, label);
			if (strcasecmp(label, e->label) != 0)
				continue;
			bwk_msg("BWK0334E", "cannot add entry '%s': entry '%s' "
			    "(%s, %s), which -replace %s %s does not replace, "
			    "has that label; delete or move that entry first; "
			    "nothing was imported", label, e->label,
			    kdb_kind_name(e->kind), e->server[0] ? e->server :
			    "every server", o->server ? "-server" : "-label",
			    o->server ? o->server : o->label);
			return EXIT_REFUSED;
		}
	}
	return EXIT_OK;
}

/* Refuses duplicates and taken names. Returns EXIT_OK or EXIT_REFUSED. */
static int
check_conflicts(const struct kdb *db, const struct cert_opts *o,
    const struct incoming *in)
{
	char fpr[BWK_FPR_STRLEN], label[KDB_LABEL_MAX + 1];
	size_t i, j;

	for (i = 0; i < in->certs.n; i++) {
		for (j = 0; j < db->n; j++) {
			const struct kdb_entry *e = &db->e[j];

			if (memcmp(e->fpr, in->info[i].fpr, BWK_SHA256_LEN) != 0)
				continue;
			if (o->cmd == CMD_REPLACE && owned_by_target(e, o))
				continue;	/* it is being replaced */
			/* same scope, or already a root for every server */
			if (e->server[0] == '\0' || (o->server != NULL &&
			    strcasecmp(e->server, o->server) == 0) ||
			    o->ca) {
				bwk_fpr_format(e->fpr, fpr);
				bwk_msg("BWK0330E", "%s (%s) is already in the "
				    "database as entry '%s' (%s, SHA-256 %s); "
				    "nothing was imported", o->file,
				    in->info[i].subject, e->label,
				    e->server[0] ? e->server : "every server",
				    fpr);
				return EXIT_REFUSED;
			}
		}
		for (j = 0; j < i; j++)
			if (memcmp(in->info[i].fpr, in->info[j].fpr,
			    BWK_SHA256_LEN) == 0) {
				bwk_msg("BWK0330E", "%s holds the same "
				    "certificate twice (%zu and %zu); nothing "
				    "was imported", o->file, j + 1, i + 1);
				return EXIT_REFUSED;
			}
	}
	if (o->cmd == CMD_REPLACE)
		return replace_labels_free(db, o, in);
	for (j = 0; j < db->n; j++) {
		const struct kdb_entry *e = &db->e[j];

		if (!owned_by_target(e, o)) {
			/* a new label must not take another entry's name */
			for (i = 0; i < in->certs.n; i++) {
				entry_label(o->server ? o->server : o->label,
				    i, label);
				if (strcasecmp(label, e->label) == 0)
					goto taken;
			}
			continue;
		}
taken:
		bwk_fpr_format(e->fpr, fpr);
		bwk_msg("BWK0331E", "%s '%s' is already bound to another "
		    "certificate (entry '%s', %s, SHA-256 %s); nothing was "
		    "imported", o->server ? "server" : "label",
		    o->server ? o->server : o->label, e->label, e->server[0] ?
		    e->server : "every server", fpr);
		bwk_msg("BWK0332I", "if the server's certificate really "
		    "changed, check the new fingerprint with its administrator, "
		    "then run: bulwark-cert -replace %s %s -file %s",
		    o->server ? "-server" : "-label",
		    o->server ? o->server : o->label, o->file);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static int
build_entries(struct kdb *db, const struct cert_opts *o, struct incoming *in,
    int64_t now)
{
	struct kdb_entry e;
	size_t i;

	for (i = 0; i < in->certs.n; i++) {
		memset(&e, 0, sizeof(e));
		e.kind = (o->ca || in->info[i].is_ca) ? KDB_CA : KDB_PINNED;
		e.origin = KDB_FROM_FILE;
		entry_label(o->server ? o->server : o->label, i, e.label);
		if (o->server != NULL)
			snprintf(e.server, sizeof(e.server), "%s", o->server);
		e.added = now;
		e.not_before = in->info[i].not_before;
		e.not_after = in->info[i].not_after;
		memcpy(e.fpr, in->info[i].fpr, BWK_SHA256_LEN);
		e.data = in->certs.c[i].der;
		e.len = in->certs.c[i].len;
		if (kdb_append(db, &e) == -1) {
			if (errno == ENOMEM)
				return EXIT_INTERNAL;
			bwk_msg("BWK0334E", "cannot add entry '%s' (%s); nothing "
			    "was imported", e.label, errno == EEXIST ? "another "
			    "entry has that label" : errno == ENOSPC ? "the "
			    "database holds 4096 entries" : "it is malformed");
			return EXIT_REFUSED;
		}
		in->certs.c[i].der = NULL;	/* now owned by db */
	}
	return EXIT_OK;
}

/* Removes what -replace replaces; prints the old fingerprints. */
static size_t
remove_replaced(struct kdb *db, const struct cert_opts *o)
{
	char fpr[BWK_FPR_STRLEN];
	size_t i = 0, removed = 0;

	while (i < db->n) {
		if (!owned_by_target(&db->e[i], o)) {
			i++;
			continue;
		}
		bwk_fpr_format(db->e[i].fpr, fpr);
		printf("  old: %-20s %s\n", db->e[i].label, fpr);
		kdb_remove(db, i);
		removed++;
	}
	return removed;
}

int
cmd_add(struct cert_opts *o)
{
	struct incoming *in;
	struct store s;
	struct kdb db;
	struct stash st;
	int64_t now = bwk_now();
	size_t i, removed = 0;
	int rc;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return EXIT_INTERNAL;
	/* Check the file before touching (or creating) the database. */
	if ((rc = load_file(o, in, now)) != EXIT_OK ||
	    (rc = labels_fit(o, in->certs.n)) != EXIT_OK)
		goto out_in;
	rc = EXIT_KDB;
	if (store_open(&s, o->dir, STORE_WRITE) == -1)
		goto out_in;
	if (store_load(&s, &db, &st) == -1)
		goto out_store;
	if ((rc = check_conflicts(&db, o, in)) != EXIT_OK)
		goto out_db;
	if (o->cmd == CMD_REPLACE) {
		bwk_info("BWK0343I", "replacing what %s '%s' trusted:",
		    o->server ? "server" : "label",
		    o->server ? o->server : o->label);
		removed = remove_replaced(&db, o);
		if (removed == 0)
			printf("  old: (nothing was stored)\n");
	}
	if ((rc = build_entries(&db, o, in, now)) != EXIT_OK)
		goto out_db;
	rc = EXIT_KDB;
	if (store_save(&s, &db, &st) != 0)
		goto out_db;
	bwk_info("BWK0340I", "stored %zu certificate%s in %s%s%s", in->certs.n,
	    in->certs.n == 1 ? "" : "s", s.kdb,
	    o->server ? " for server " : " as CA roots for every server",
	    o->server ? o->server : "");
	for (i = db.n - in->certs.n; i < db.n; i++)
		cert_print_entry(&db.e[i], now);
	rc = EXIT_OK;
out_db:
	kdb_free(&db);
	stash_wipe(&st);
out_store:
	store_close(&s);
out_in:
	cert_list_free(&in->certs);
	free(in);
	return rc;
}
