/* -list, -show and -expiring: read-only views of the key database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "cert.h"

const char *
cert_kind_text(int kind)
{
	switch (kind) {
	case KDB_PINNED:	return "pinned server certificate";
	case KDB_CA:		return "CA root";
	case KDB_NODE_PASSWORD:	return "node password";
	case KDB_CLIENT_KEY:	return "client private key";
	case KDB_CLIENT_CERT:	return "client certificate";
	}
	return "unknown";
}

static int
has_cert(const struct kdb_entry *e)
{
	return e->kind == KDB_PINNED || e->kind == KDB_CA ||
	    e->kind == KDB_CLIENT_CERT;
}

/*
 * Everything a reader shows of a certificate, its dates included, is read
 * from the DER itself: the dates stored beside it were given by whoever
 * wrote the entry, for a first-use pin the network process. -1 when it
 * does not decode; why then says what wolfSSL objected to.
 */
int
cert_entry_info(const struct kdb_entry *e, struct certinfo *ci, char *why,
    size_t whylen)
{
	if (!has_cert(e)) {
		snprintf(why, whylen, "not a certificate entry");
		return -1;
	}
	return x509_inspect(e->data, e->len, ci, why, whylen);
}

/* An entry no session can use, reported with the command that removes it. */
static void
report_unreadable(const struct kdb_entry *e, const char *why)
{
	bwk_info("BWK0377W", "'%s' (%s, %s) holds no certificate Bulwark can "
	    "read (%s); no session can use it. Remove it: bulwark-cert "
	    "-delete -label %s", e->label, cert_kind_text(e->kind),
	    e->server[0] ? e->server : "every server", why, e->label);
}

static void
print_days(long days)
{
	printf("%s%ld day%s", days < 0 ? "expired " : "", days < 0 ? -days : days,
	    (days == 1 || days == -1) ? "" : "s");
}

void
cert_print_entry(const struct kdb_entry *e, int64_t now)
{
	struct certinfo ci;
	char fpr[BWK_FPR_STRLEN], t1[32], t2[32], t3[32], why[128];
	long days;

	printf("  label:    %s\n", e->label);
	printf("  kind:     %s\n", cert_kind_text(e->kind));
	printf("  server:   %s\n", e->server[0] ? e->server : "(every server)");
	bwk_time_format(e->added, t3);
	printf("  added:    %s from %s\n", t3, kdb_origin_name(e->origin));
	if (!has_cert(e)) {
		printf("\n");
		return;	/* secrets: never printed */
	}
	bwk_fpr_format(e->fpr, fpr);
	if (cert_entry_info(e, &ci, why, sizeof(why)) == -1) {
		printf("  cert:     UNREADABLE (%s)\n", why);
		printf("  SHA-256:  %s\n\n", fpr);
		report_unreadable(e, why);
		return;
	}
	printf("  subject:  %s\n", ci.subject);
	printf("  issuer:   %s\n", ci.issuer);
	printf("  key:      %s, signed with %s\n", ci.key_desc, ci.sig_desc);
	days = bwk_days_until(ci.not_after, now);
	bwk_time_format(ci.not_before, t1);
	bwk_time_format(ci.not_after, t2);
	printf("  valid:    %s to %s (", t1, t2);
	print_days(days);
	printf(")\n");
	if (days < 0)
		printf("            ^ EXPIRED\n");
	printf("  SHA-256:  %s\n\n", fpr);
}

/* Opens the database read-only; an absent database is empty. */
static int
load_ro(struct cert_opts *o, struct store *s, struct kdb *db)
{
	struct stash st;

	if (store_open(s, o->dir, STORE_READ) == -1)
		return -1;
	if (store_load(s, db, &st) == -1)
		return -1;
	stash_wipe(&st);
	return 0;
}

static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void
json_entry(const struct kdb_entry *e, int64_t now, int first)
{
	struct certinfo ci;
	char fpr[BWK_FPR_STRLEN], why[128];

	printf("%s\n  {\"label\": ", first ? "" : ",");
	json_str(e->label);
	printf(", \"kind\": \"%s\", \"server\": ", kdb_kind_name(e->kind));
	if (e->server[0])
		json_str(e->server);
	else
		printf("null");
	printf(", \"origin\": \"%s\", \"added\": %lld", kdb_origin_name(e->origin),
	    (long long)e->added);
	if (has_cert(e)) {
		bwk_fpr_format(e->fpr, fpr);
		if (cert_entry_info(e, &ci, why, sizeof(why)) == -1) {
			printf(", \"unreadable\": ");
			json_str(why);
			printf(", \"sha256\": \"%s\"}", fpr);
			return;
		}
		printf(", \"subject\": ");
		json_str(ci.subject);
		printf(", \"issuer\": ");
		json_str(ci.issuer);
		printf(", \"not_before\": %lld, \"not_after\": %lld, "
		    "\"days_left\": %ld, \"sha256\": \"%s\"",
		    (long long)ci.not_before, (long long)ci.not_after,
		    bwk_days_until(ci.not_after, now), fpr);
	}
	printf("}");
}

/* One row; 0, or -1 for a certificate entry that does not decode. */
static int
table_row(const struct kdb_entry *e, int64_t now)
{
	struct certinfo ci;
	char fpr[BWK_FPR_STRLEN], t[32], why[128];

	if (!has_cert(e)) {
		printf("%-20s %-14s %-12s %-10s %6s  %-95s %s\n", e->label,
		    kdb_kind_name(e->kind), e->server[0] ? e->server : "*",
		    "-", "-", "-", "(secret, not shown)");
		return 0;
	}
	bwk_fpr_format(e->fpr, fpr);
	if (cert_entry_info(e, &ci, why, sizeof(why)) == -1) {
		printf("%-20s %-14s %-12s %-10s %6s  %s %s\n", e->label,
		    kdb_kind_name(e->kind), e->server[0] ? e->server : "*",
		    "?", "?", fpr, "(UNREADABLE, see below)");
		return -1;
	}
	bwk_time_format(ci.not_after, t);
	t[10] = '\0';
	/* the subject last: it is the one column of unbounded width */
	printf("%-20s %-14s %-12s %-10s %6ld  %s %s\n", e->label,
	    kdb_kind_name(e->kind), e->server[0] ? e->server : "*", t,
	    bwk_days_until(ci.not_after, now), fpr, ci.subject);
	return 0;
}

int
cmd_list(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct certinfo ci;
	int64_t now = bwk_now();
	char why[128];
	size_t i, bad = 0;

	if (load_ro(o, &s, &db) == -1)
		return EXIT_KDB;
	if (o->json) {
		printf("{\"database\": ");
		json_str(s.kdb);
		printf(", \"entries\": [");
		for (i = 0; i < db.n; i++)
			json_entry(&db.e[i], now, i == 0);
		printf("%s]}\n", db.n ? "\n" : "");
	} else if (db.n == 0) {
		bwk_info("BWK0344I", "%s holds no entries%s", s.kdb,
		    s.exists ? "" : " (it does not exist yet; bulwark-cert "
		    "-add creates it)");
	} else {
		printf("%-20s %-14s %-12s %-10s %6s  %-95s %s\n", "LABEL",
		    "KIND", "SERVER", "EXPIRES", "DAYS", "SHA-256 FINGERPRINT",
		    "SUBJECT");
		for (i = 0; i < db.n; i++)
			if (table_row(&db.e[i], now) == -1)
				bad++;
		for (i = 0; bad > 0 && i < db.n; i++)
			if (has_cert(&db.e[i]) && cert_entry_info(&db.e[i], &ci,
			    why, sizeof(why)) == -1)
				report_unreadable(&db.e[i], why);
	}
	kdb_free(&db);
	return EXIT_OK;
}

int
cmd_show(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	int64_t now = bwk_now();
	size_t i, shown = 0, global = 0;

	if (load_ro(o, &s, &db) == -1)
		return EXIT_KDB;
	for (i = 0; i < db.n; i++) {
		const struct kdb_entry *e = &db.e[i];

		if (o->server != NULL ? strcasecmp(e->server, o->server) == 0 :
		    strcasecmp(e->label, o->label) == 0) {
			cert_print_entry(e, now);
			shown++;
		} else if (o->server != NULL && e->server[0] == '\0' &&
		    e->kind == KDB_CA)
			global++;
	}
	if (shown == 0) {
		bwk_msg("BWK0350E", "no %s '%s' in %s", o->server ? "server" :
		    "label", o->server ? o->server : o->label, s.kdb);
		kdb_free(&db);
		return EXIT_NOTFOUND;
	}
	if (global > 0)
		printf("  (%zu CA root%s for every server also appl%s; see "
		    "-list)\n", global, global == 1 ? "" : "s",
		    global == 1 ? "ies" : "y");
	kdb_free(&db);
	return EXIT_OK;
}

/*
 * Within days of now, without arithmetic that can overflow: the dates
 * are the certificate's (year 0 to 9999) and days is at most 36500.
 */
static int
expires_within(int64_t not_after, int64_t now, long days)
{
	return not_after < now + (int64_t)days * 86400;
}

int
cmd_expiring(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct certinfo ci;
	int64_t now = bwk_now();
	char t[32], fpr[BWK_FPR_STRLEN], why[128];
	size_t i, hits = 0;
	long d;

	if (load_ro(o, &s, &db) == -1)
		return EXIT_KDB;
	if (o->json)
		printf("{\"days\": %ld, \"expiring\": [", o->days);
	for (i = 0; i < db.n; i++) {
		const struct kdb_entry *e = &db.e[i];
		int readable;

		if (!has_cert(e))
			continue;
		/* an entry no session can use is as urgent as an expired one */
		readable = cert_entry_info(e, &ci, why, sizeof(why)) == 0;
		if (readable && !expires_within(ci.not_after, now, o->days))
			continue;
		if (o->json)
			json_entry(e, now, hits == 0);
		else if (!readable)
			report_unreadable(e, why);
		else {
			d = bwk_days_until(ci.not_after, now);
			bwk_time_format(ci.not_after, t);
			bwk_fpr_format(e->fpr, fpr);
			bwk_info(d < 0 ? "BWK0346W" : "BWK0345W",
			    "'%s' (%s, %s) %s %s (%ld day%s); SHA-256 %s",
			    e->label, cert_kind_text(e->kind), e->server[0] ?
			    e->server : "every server", d < 0 ? "expired on" :
			    "expires on", t, d < 0 ? -d : d,
			    (d == 1 || d == -1) ? "" : "s", fpr);
		}
		hits++;
	}
	if (o->json)
		printf("%s]}\n", hits ? "\n" : "");
	else if (hits == 0)
		bwk_info("BWK0347I", "nothing in %s expires within %ld days",
		    s.kdb, o->days);
	kdb_free(&db);
	return hits > 0 ? EXIT_EXPIRING : EXIT_OK;
}
