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

/* "in 3 days", "expires today", "expired 1 day ago": as a person counts. */
static const char *
day_text(long days, int past, char *out, size_t outlen)
{
	if (days == 0)
		snprintf(out, outlen, "%s today", past ? "expired" : "expires");
	else if (days < 0)
		snprintf(out, outlen, "expired %ld day%s ago", -days,
		    days == -1 ? "" : "s");
	else
		snprintf(out, outlen, "in %ld day%s", days, days == 1 ? "" : "s");
	return out;
}

void
cert_print_entry(const struct kdb_entry *e, int64_t now)
{
	struct certinfo ci;
	char fpr[BWK_FPR_STRLEN], t1[32], t2[32], t3[32], why[128], dtext[40];
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
	printf("  valid:    %s to %s (%s)\n", t1, t2, day_text(days,
	    ci.not_after < now, dtext, sizeof(dtext)));
	if (ci.not_after < now)
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

/*
 * -list fits a 120-column terminal: no fingerprint (-show and --json have
 * them), columns as wide as the database needs up to a limit, and the
 * subject, the one column of unbounded width, last and cut to fit. A
 * label or server longer than its column is printed whole on a line of
 * its own before the row, so that it can still be copied into a command.
 */
#define LIST_WIDTH	120
#define LABEL_MAX_W	28
#define SERVER_MAX_W	16
#define KIND_W		13
#define DATE_W		10
#define DAYS_W		6

struct widths {
	int	label, server;
};

static void
list_widths(const struct kdb *db, struct widths *w)
{
	size_t i, n;

	w->label = 5;
	w->server = 6;
	for (i = 0; i < db->n; i++) {
		if ((n = strlen(db->e[i].label)) > (size_t)w->label)
			w->label = n > LABEL_MAX_W ? LABEL_MAX_W : (int)n;
		if ((n = strlen(db->e[i].server)) > (size_t)w->server)
			w->server = n > SERVER_MAX_W ? SERVER_MAX_W : (int)n;
	}
}

/* s in at most w columns: cut with "..." when longer. */
static void
cell(const char *s, int w, int pad)
{
	int n = (int)strlen(s);

	if (n > w && w > 3)
		printf("%.*s...", w - 3, s);
	else
		printf("%s", s);
	if (pad)
		printf("%*s", (n > w ? 0 : w - n) + 1, "");
}

static void
row(const struct widths *w, const char *label, const char *kind,
    const char *server, const char *date, const char *days,
    const char *last)
{
	int rest = LIST_WIDTH - (w->label + KIND_W + w->server + DATE_W +
	    DAYS_W + 6);

	if ((int)strlen(label) > w->label || (int)strlen(server) > w->server)
		printf("%s (%s%s):\n", label, strcmp(server, "*") == 0 ?
		    "every server" : "server ", strcmp(server, "*") == 0 ? "" :
		    server);
	cell(label, w->label, 1);
	cell(kind, KIND_W, 1);
	cell(server, w->server, 1);
	cell(date, DATE_W, 1);
	printf("%*s  ", DAYS_W - 1, days);
	cell(last, rest, 0);
	printf("\n");
}

/* One row; 0, or -1 for a certificate entry that does not decode. */
static int
table_row(const struct widths *w, const struct kdb_entry *e, int64_t now)
{
	struct certinfo ci;
	char t[32], why[128], days[24];
	const char *server = e->server[0] ? e->server : "*";

	if (!has_cert(e)) {
		row(w, e->label, kdb_kind_name(e->kind), server, "-", "-",
		    "(secret, not shown)");
		return 0;
	}
	if (cert_entry_info(e, &ci, why, sizeof(why)) == -1) {
		row(w, e->label, kdb_kind_name(e->kind), server, "?", "?",
		    "(UNREADABLE, see below)");
		return -1;
	}
	bwk_time_format(ci.not_after, t);
	t[10] = '\0';
	snprintf(days, sizeof(days), "%ld", bwk_days_until(ci.not_after, now));
	row(w, e->label, kdb_kind_name(e->kind), server, t, days, ci.subject);
	return 0;
}

int
cmd_list(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct certinfo ci;
	struct widths w;
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
		list_widths(&db, &w);
		row(&w, "LABEL", "KIND", "SERVER", "EXPIRES", "DAYS",
		    "SUBJECT");
		for (i = 0; i < db.n; i++)
			if (table_row(&w, &db.e[i], now) == -1)
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
 * Within days of now, counted as the listings count them: a certificate
 * shown as expiring in 30 days is within -expiring 30, and -expiring 0
 * is what has expired or expires today.
 */
static int
expires_within(int64_t not_after, int64_t now, long days)
{
	return bwk_days_until(not_after, now) <= days;
}

int
cmd_expiring(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct certinfo ci;
	int64_t now = bwk_now();
	char t[32], fpr[BWK_FPR_STRLEN], why[128], dtext[40];
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
			bwk_info(ci.not_after < now ? "BWK0346W" : "BWK0345W",
			    "'%s' (%s, %s) %s %s (%s); SHA-256 %s", e->label,
			    cert_kind_text(e->kind), e->server[0] ? e->server :
			    "every server", ci.not_after < now ? "expired on" :
			    "expires on", t, day_text(d, ci.not_after < now,
			    dtext, sizeof(dtext)), fpr);
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
