/* -delete, -rekey, -verify, -selftest. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/dbdir.h"
#include "../lib/msg.h"
#include "../lib/selftest.h"
#include "../lib/util.h"
#include "cert.h"

void
cert_trust_bulwark_group(void)
{
	struct group *gr = getgrnam("bulwark");

	if (gr != NULL)
		store_trusted_gid = gr->gr_gid;
}

void
cert_read_failed(const char *path, const char *opt, const char *what)
{
	int err = errno;

	if (err == EFBIG && strcmp(opt, "-file") == 0)
		bwk_msg("BWK0304E", "cannot read %s: larger than 1 MiB, not a "
		    "certificate or bundle", path);
	else if (err == EISDIR)
		bwk_msg("BWK0306E", "cannot read %s: it is a directory; give "
		    "%s the path of %s itself", path, opt, what);
	else
		bwk_msg("BWK0306E", "cannot read %s: %s", path, strerror(err));
}

/* The command again, for the system database: what an administrator runs. */
static void
admin_command(const struct cert_opts *o, char *out, size_t outlen)
{
	snprintf(out, outlen, "bulwark-cert -db %s -%s%s%s%s%s%s%s%s%s%s%s%s",
	    BWK_KDB_SYSTEM_DIR, o->cmd == CMD_NODEPW ? "nodepw" :
	    o->cmd == CMD_REPLACE ? "replace" : "add", o->ca ? " -ca" : "",
	    o->client ? " -client" : "", o->server ? " -server " : "",
	    o->server ? o->server : "", o->label ? " -label " : "",
	    o->label ? o->label : "", o->file ? " -file " : "",
	    o->file ? o->file : "", o->key ? " -key " : "",
	    o->key ? o->key : "", o->node ? " -node " : "");
	if (o->node != NULL)
		strncat(out, o->node, outlen - strlen(out) - 1);
}

void
cert_note_session_db(const struct cert_opts *o)
{
	char cmd[1200];

	if (!bwk_sessions_use_system_db() ||
	    bwk_same_dir(o->dir, BWK_KDB_SYSTEM_DIR))
		return;
	admin_command(o, cmd, sizeof(cmd));
	bwk_msg("BWK0379W", "sessions on this machine do not use %s: "
	    "bulwark-keyd is installed setgid and reads only the system key "
	    "database %s, whatever PASSWORDDIR or BULWARK_DIR say; for "
	    "sessions, an administrator runs: %s", o->dir, BWK_KDB_SYSTEM_DIR,
	    cmd);
}

int
cmd_delete(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct stash st;
	char fpr[BWK_FPR_STRLEN];
	size_t i = 0, removed = 0;
	int rc = EXIT_KDB;

	if (store_open(&s, o->dir, STORE_WRITE) == -1)
		return EXIT_KDB;
	if (store_load(&s, &db, &st) == -1)
		goto out_store;
	while (i < db.n) {
		const struct kdb_entry *e = &db.e[i];

		if (o->server != NULL ? strcasecmp(e->server, o->server) != 0 :
		    strcasecmp(e->label, o->label) != 0) {
			i++;
			continue;
		}
		bwk_fpr_format(e->fpr, fpr);
		bwk_info("BWK0351I", "deleting '%s' (%s, SHA-256 %s)",
		    e->label, cert_kind_text(e->kind), fpr);
		kdb_remove(&db, i);
		removed++;
	}
	if (removed == 0) {
		bwk_msg("BWK0350E", "no %s '%s' in %s; nothing was deleted",
		    o->server ? "server" : "label",
		    o->server ? o->server : o->label, s.kdb);
		rc = EXIT_NOTFOUND;
	} else if (store_save(&s, &db, &st) == 0)
		rc = EXIT_OK;
	kdb_free(&db);
	stash_wipe(&st);
out_store:
	store_close(&s);
	return rc;
}

int
cmd_rekey(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct stash st, nst;
	int rc = EXIT_KDB;

	if (store_open(&s, o->dir, STORE_WRITE) == -1)
		return EXIT_KDB;
	if (store_load(&s, &db, &st) == -1)
		goto out_store;
	if (!s.exists) {
		bwk_msg("BWK0350E", "there is no database in %s to rekey",
		    o->dir);
		rc = EXIT_NOTFOUND;
		goto out_db;
	}
	if (stash_generate(&nst) == -1) {
		bwk_msg("BWK0118E", "cannot make a random stash: the DRBG "
		    "failed");
		rc = EXIT_INTERNAL;
		goto out_db;
	}
	if (store_rekey(&s, &db, &nst) == 0) {
		bwk_info("BWK0360I", "%s is now sealed under a new stash in "
		    "%s; back up both files together", s.kdb, s.sth);
		rc = EXIT_OK;
	}
	stash_wipe(&nst);
out_db:
	kdb_free(&db);
	stash_wipe(&st);
out_store:
	store_close(&s);
	return rc;
}

/*
 * Opening the database already proves the GCM tag, the entry layout and
 * each entry's fingerprint; -verify also re-parses every certificate, and
 * holds the dates recorded beside it (for a first-use pin, the network
 * process's word) against the certificate's own.
 */
int
cmd_verify_db(struct cert_opts *o)
{
	struct store s;
	struct kdb db;
	struct stash st;
	struct certinfo ci;
	char why[256];
	size_t i, bad = 0;

	if (store_open(&s, o->dir, STORE_READ) == -1)
		return EXIT_KDB;
	if (store_load(&s, &db, &st) == -1)
		return EXIT_KDB;
	stash_wipe(&st);
	if (!s.exists) {
		bwk_msg("BWK0350E", "there is no database in %s to verify",
		    o->dir);
		return EXIT_NOTFOUND;
	}
	for (i = 0; i < db.n; i++) {
		const struct kdb_entry *e = &db.e[i];

		if (kdb_kind_is_secret(e->kind))
			continue;
		if (cert_entry_info(e, &ci, why, sizeof(why)) == -1)
			bwk_msg("BWK0361E", "entry '%s' (%s) holds a certificate "
			    "that does not read back: %s; no session can use "
			    "it. Remove it: bulwark-cert -delete -label %s",
			    e->label, kdb_kind_name(e->kind), why, e->label);
		else if (ci.not_after != e->not_after ||
		    ci.not_before != e->not_before)
			bwk_msg("BWK0361E", "entry '%s' (%s) holds a certificate "
			    "that does not read back: the dates recorded with it "
			    "differ from the certificate's (which every reader "
			    "uses); whoever stored it gave wrong dates. Check it "
			    "with bulwark-cert -show -label %s, and remove it "
			    "with bulwark-cert -delete -label %s", e->label,
			    kdb_kind_name(e->kind), e->label, e->label);
		else
			continue;
		bad++;
	}
	if (bad == 0)
		bwk_info("BWK0362I", "%s is intact: %zu entr%s, generation "
		    "%llu, sealed with the stash %s", s.kdb, db.n,
		    db.n == 1 ? "y" : "ies", (unsigned long long)db.generation,
		    s.sth);
	kdb_free(&db);
	return bad == 0 ? EXIT_OK : EXIT_KDB;
}

int
cmd_selftest(struct cert_opts *o)
{
	struct bwk_selftest_result res[BWK_SELFTEST_MAX];
	size_t n, i;
	int rc;

	(void)o;
	rc = bwk_selftest_run(res, &n);
	for (i = 0; i < n; i++)
		printf("%-14s %s  %8.3f ms\n", res[i].name,
		    res[i].ok ? "pass" : "FAIL", res[i].ms);
	if (rc != 0) {
		bwk_msg("BWK0010E", "a crypto self-test failed; Bulwark "
		    "programs will not run. Reinstall Bulwark or report this");
		return EXIT_SELFTEST;
	}
	bwk_info("BWK0011I", "all %zu crypto self-tests passed (known-answer "
	    "tests; this is not a validated FIPS module)", n);
	return EXIT_OK;
}
