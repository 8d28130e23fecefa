/*
 * The instance directory and the server's identities (instance.h). The
 * keys are made and stored here, by the administration commands; the
 * listener and the session processes never read them: each session's
 * bulwark-keyd signs its handshake.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/random.h>

#include "../kdb/kdb.h"
#include "../kdb/store.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "../lib/x509.h"
#include "instance.h"
#include "srvopts.h"

static int
path_of(char *out, const char *dir, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
		bwk_msg("BWK1003E", "the instance directory's path %s is too "
		    "long", dir);
		return -1;
	}
	return 0;
}

int
instance_open(struct instance *in, const char *dir, int must_exist)
{
	char real[PATH_MAX];

	memset(in, 0, sizeof(in[0]));
	if (realpath(dir, real) == NULL) {
		if (must_exist || errno != ENOENT) {
			bwk_msg("BWK1004E", "the instance directory %s: %s; "
			    "create it with: bulwarkd --instance %s init", dir,
			    strerror(errno), dir);
			return -1;
		}
		if (snprintf(real, sizeof(real), "%s", dir) >= (int)sizeof(real))
			return -1;
	}
	if (snprintf(in->dir, sizeof(in->dir), "%s", real) >=
	    (int)sizeof(in->dir) || path_of(in->opt, real, "bulwarkd.opt") ||
	    path_of(in->arm, real, "cert256.arm") ||
	    path_of(in->kdb, real, "kdb") ||
	    path_of(in->deflabel, real, CERT_DEFAULT_FILE) ||
	    path_of(in->nextlabel, real, CERT_STANDBY_FILE) ||
	    path_of(in->catdir, real, INSTANCE_CATDIR) ||
	    path_of(in->catalog, in->catdir, INSTANCE_CATALOG) ||
	    path_of(in->signon_key, real, "signon.key") ||
	    path_of(in->data, real, INSTANCE_DATADIR))
		return -1;
	return 0;
}

int
write_file_atomic(const char *path, const void *buf, size_t len, int mode)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, dfd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1)
		goto fail;
	ok = fchmod(fd, (mode_t)mode) == 0 && bwk_write_all(fd, buf, len) == 0 &&
	    fsync(fd) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, path) == -1) {
		unlink(tmp);
		goto fail;
	}
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	bwk_msg("BWK1005E", "cannot write %s: %s", path, strerror(errno));
	return -1;
}

static int
make_dir(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		bwk_msg("BWK1005E", "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
add_identity(struct kdb *db, const char *label,
    const struct server_identity *id)
{
	struct kdb_entry e;
	struct certinfo ci;
	char why[128];
	int kinds[2] = { KDB_SERVER_KEY, KDB_SERVER_CERT }, i;

	if (x509_inspect(id->cert, id->cert_len, &ci, why, sizeof(why)) == -1) {
		bwk_msg("BWK1009E", "the certificate just made cannot be read "
		    "back: %s", why);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		memset(&e, 0, sizeof(e));
		e.kind = (uint8_t)kinds[i];
		e.origin = KDB_FROM_ADMIN;
		if (kdb_server_label(e.kind, label, e.label) == -1)
			return -1;
		snprintf(e.server, sizeof(e.server), "%s", label);
		e.added = bwk_now();
		e.not_before = ci.not_before;
		e.not_after = ci.not_after;
		e.len = i == 0 ? id->key_len : id->cert_len;
		if ((e.data = malloc(e.len)) == NULL)
			return -1;
		memcpy(e.data, i == 0 ? id->key : id->cert, e.len);
		if (bwk_sha256(e.data, e.len, e.fpr) == -1 ||
		    kdb_append(db, &e) == -1) {
			bwk_msg("BWK1009E", "the key database refused the "
			    "server's %s", kdb_kind_name(e.kind));
			explicit_bzero(e.data, e.len);
			free(e.data);
			return -1;
		}
	}
	return 0;
}

static const struct kdb_entry *
find(const struct kdb *db, int kind, const char *label)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (db->e[i].kind == kind && strcasecmp(db->e[i].server,
		    label) == 0)
			return &db->e[i];
	return NULL;
}

static void
remove_label(struct kdb *db, const char *label)
{
	size_t i = 0;

	while (i < db->n)
		if ((db->e[i].kind == KDB_SERVER_KEY ||
		    db->e[i].kind == KDB_SERVER_CERT) &&
		    strcasecmp(db->e[i].server, label) == 0)
			kdb_remove(db, i);
		else
			i++;
}

/* cert256.arm: the label's certificate, public, where clients find it. */
static int
write_arm(const struct instance *in, const uint8_t *der, size_t len)
{
	struct server_identity id;
	char pem[12288], fpr[BWK_FPR_STRLEN];
	uint8_t f[BWK_SHA256_LEN];
	int n;

	if (len > sizeof(id.cert))
		return -1;
	memcpy(id.cert, der, len);
	id.cert_len = len;
	if ((n = certgen_pem(&id, pem, sizeof(pem))) == -1 ||
	    write_file_atomic(in->arm, pem, (size_t)n, 0644) == -1)
		return -1;
	if (bwk_sha256(der, len, f) == 0) {
		bwk_fpr_format(f, fpr);
		bwk_info("BWK1006I", "the server's certificate is %s; its SHA-256 "
		    "fingerprint is %s: give it to the administrators of the "
		    "clients", in->arm, fpr);
	}
	return 0;
}

int
instance_default_label(const struct instance *in, char out[CERT_LABEL_MAX + 1])
{
	return cert_default_label(in->deflabel, out);
}

int
instance_standby_label(const struct instance *in, char out[CERT_LABEL_MAX + 1])
{
	out[0] = '\0';
	return cert_label_file(in->nextlabel, out);
}

/* The label's fingerprint, for the messages that name it. */
static void
fpr_of(const struct kdb_entry *c, char out[BWK_FPR_STRLEN])
{
	uint8_t f[BWK_SHA256_LEN];

	if (bwk_sha256(c->data, c->len, f) == 0)
		bwk_fpr_format(f, out);
	else
		snprintf(out, BWK_FPR_STRLEN, "?");
}

static int
set_default(const struct instance *in, const struct kdb *db, const char *label)
{
	const struct kdb_entry *c = find(db, KDB_SERVER_CERT, label);
	char line[CERT_LABEL_MAX + 2], next[CERT_LABEL_MAX + 1];
	char fpr[BWK_FPR_STRLEN];

	if (c == NULL) {
		bwk_msg("BWK1007E", "no certificate labelled %s; see bulwarkd "
		    "--instance %s cert list", label, in->dir);
		return -1;
	}
	snprintf(line, sizeof(line), "%s\n", label);
	if (write_file_atomic(in->deflabel, line, strlen(line), 0600) == -1)
		return -1;
	/* the standby in use is a standby no more: nothing is announced */
	if (instance_standby_label(in, next) == 0 && strcmp(next, label) == 0) {
		if (unlink(in->nextlabel) == -1 && errno != ENOENT) {
			bwk_msg("BWK1005E", "cannot write %s: %s", in->nextlabel,
			    strerror(errno));
			return -1;
		}
		fpr_of(c, fpr);
		bwk_info("BWK1422I", "the standby certificate %s is now the "
		    "default (SHA-256 %s): clients that pinned it when it was "
		    "announced connect with nothing to import; others need "
		    "the new cert256.arm", label, fpr);
	}
	return write_arm(in, c->data, c->len);
}

/*
 * One change to the key database under its writers' lock: fn edits db,
 * then the database is saved atomically (store.c).
 */
static int
with_db(struct instance *in, int (*fn)(struct instance *, struct kdb *,
    void *), void *arg)
{
	struct store s;
	struct kdb db;
	struct stash st;
	int rc = -1;

	if (make_dir(in->kdb) == -1 || store_open(&s, in->kdb, STORE_WRITE) == -1)
		return -1;
	if (store_load(&s, &db, &st) == 0) {
		if (fn(in, &db, arg) == 0 && store_save(&s, &db, &st) == 0)
			rc = 0;
		kdb_free(&db);
		stash_wipe(&st);
	}
	store_close(&s);
	return rc;
}

static int	set_standby(const struct instance *, const struct kdb *,
		    const char *);

struct create_args {
	const char	*label;
	int		 days, rsa, make_default, renew, next;
	char		 made[CERT_LABEL_MAX + 1];	/* --next's own label */
};

static int
do_create(struct instance *in, struct kdb *db, void *arg)
{
	struct create_args *a = arg;
	static struct server_identity id;
	const struct kdb_entry *k = find(db, KDB_SERVER_KEY, a->label);
	struct certgen_opts o = { a->label, a->days, a->rsa, a->renew };
	int r = -1;

	memset(&id, 0, sizeof(id));
	if (a->renew) {
		if (k == NULL || k->len > sizeof(id.key)) {
			bwk_msg("BWK1007E", "no key labelled %s to renew; see "
			    "bulwarkd --instance %s cert list", a->label, in->dir);
			return -1;
		}
		memcpy(id.key, k->data, k->len);
		id.key_len = k->len;
	} else if (k != NULL) {
		bwk_msg("BWK1008E", "a certificate labelled %s exists already; "
		    "renew it (cert renew) or choose another label", a->label);
		return -1;
	}
	if (certgen_make(&o, &id) == -1) {
		bwk_msg("BWK1009E", "the server's key or certificate could not be "
		    "made (wolfCrypt failed)");
		goto out;
	}
	remove_label(db, a->label);
	if (add_identity(db, a->label, &id) == -1)
		goto out;
	r = 0;
	if (a->make_default)
		r = set_default(in, db, a->label);
	else if (a->next)
		r = set_standby(in, db, a->label);
out:
	explicit_bzero(&id, sizeof(id));
	return r;
}

/* tls-next names label: every session announces it from now on. */
static int
set_standby(const struct instance *in, const struct kdb *db, const char *label)
{
	const struct kdb_entry *c = find(db, KDB_SERVER_CERT, label);
	char line[CERT_LABEL_MAX + 2], fpr[BWK_FPR_STRLEN];

	if (c == NULL)
		return -1;
	snprintf(line, sizeof(line), "%s\n", label);
	if (write_file_atomic(in->nextlabel, line, strlen(line), 0600) == -1)
		return -1;
	fpr_of(c, fpr);
	bwk_info("BWK1420I", "the standby certificate %s is made (SHA-256 %s): "
	    "every node's session announces it from now on, and clients pin "
	    "it beside the current one; once they have, make it the default: "
	    "bulwarkd --instance %s cert default %s", label, fpr, in->dir,
	    label);
	return 0;
}

/*
 * One standby at a time: a second would leave the clients that pinned
 * the first with a key the server never uses, and, since a client pins
 * at most one standby a server, without the second.
 */
static int
standby_free(const struct instance *in, const struct kdb *db)
{
	char next[CERT_LABEL_MAX + 1];
	int r = instance_standby_label(in, next);

	if (r == 1 || (r == 0 && find(db, KDB_SERVER_KEY, next) == NULL))
		return 0;
	if (r == -1)
		snprintf(next, sizeof(next), "?");
	bwk_msg("BWK1421E", "%s is the standby key already; make it the "
	    "default first (bulwarkd --instance %s cert default %s), or remove "
	    "%s if it is to be dropped", next, in->dir, next, in->nextlabel);
	return -1;
}

/* A label for --next: key-YYYYMMDD, then -2, -3... when it is taken. */
static int
make_label(const struct kdb *db, char out[CERT_LABEL_MAX + 1])
{
	char day[16];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	if (gmtime_r(&now, &tm) == NULL)
		return -1;
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(out, CERT_LABEL_MAX + 1, "key-%s", day);
		else
			snprintf(out, CERT_LABEL_MAX + 1, "key-%s-%d", day, i);
		if (find(db, KDB_SERVER_KEY, out) == NULL &&
		    find(db, KDB_SERVER_CERT, out) == NULL)
			return 0;
	}
	return -1;
}

static int
do_create_next(struct instance *in, struct kdb *db, void *arg)
{
	struct create_args *a = arg;

	if (standby_free(in, db) == -1)
		return -1;
	if (a->label == NULL) {
		if (make_label(db, a->made) == -1) {
			bwk_msg("BWK1008E", "a certificate labelled %s exists "
			    "already; renew it (cert renew) or choose another "
			    "label", "key-DATE");
			return -1;
		}
		a->label = a->made;
	}
	return do_create(in, db, a);
}

int
instance_cert_create_next(struct instance *in, const char *label, int days,
    int rsa)
{
	struct create_args a = { label, days, rsa, 0, 0, 1, "" };

	if (label != NULL && !cert_label_ok(label)) {
		bwk_msg("BWK1010E", "'%s' is not a certificate label: give 1 to "
		    "%d letters, digits, - and _", label, CERT_LABEL_MAX);
		return -1;
	}
	return with_db(in, do_create_next, &a);
}

int
instance_cert_create(struct instance *in, const char *label, int days,
    int rsa, int make_default)
{
	struct create_args a = { label, days, rsa, make_default, 0, 0, "" };

	if (!cert_label_ok(label)) {
		bwk_msg("BWK1010E", "'%s' is not a certificate label: give 1 to "
		    "%d letters, digits, - and _", label, CERT_LABEL_MAX);
		return -1;
	}
	return with_db(in, do_create, &a);
}

int
instance_cert_renew(struct instance *in, const char *label, int days)
{
	char def[CERT_LABEL_MAX + 1];
	struct create_args a = { label, days, 0, 0, 1, 0, "" };

	if (instance_default_label(in, def) == 0 && strcmp(def, label) == 0)
		a.make_default = 1;
	return with_db(in, do_create, &a);
}

static int
do_default(struct instance *in, struct kdb *db, void *arg)
{
	return set_default(in, db, arg);
}

int
instance_cert_default(struct instance *in, const char *label)
{
	return with_db(in, do_default, (void *)label);
}

int
instance_cert_list(struct instance *in)
{
	struct store s;
	struct kdb db;
	struct stash st;
	struct certinfo ci;
	char def[CERT_LABEL_MAX + 1] = "", next[CERT_LABEL_MAX + 1] = "";
	char fpr[BWK_FPR_STRLEN], t[32], why[128];
	size_t i;

	if (store_open(&s, in->kdb, STORE_READ) == -1)
		return -1;
	if (store_load(&s, &db, &st) == -1) {
		store_close(&s);
		return -1;
	}
	stash_wipe(&st);
	(void)instance_default_label(in, def);
	(void)instance_standby_label(in, next);
	for (i = 0; i < db.n; i++) {
		if (db.e[i].kind != KDB_SERVER_CERT ||
		    x509_inspect(db.e[i].data, db.e[i].len, &ci, why,
		    sizeof(why)) == -1)
			continue;
		bwk_fpr_format(ci.fpr, fpr);
		bwk_time_format(ci.not_after, t);
		printf("%-16s %s  %-9s expires %s  SHA-256 %s\n",
		    db.e[i].server, strcmp(db.e[i].server, def) == 0 ?
		    "default" : strcmp(db.e[i].server, next) == 0 ? "standby" :
		    "       ", ci.key_desc, t, fpr);
	}
	kdb_free(&db);
	store_close(&s);
	return 0;
}

/*
 * The key of the fake verifiers (bulwarkd-session's signon.c): made once,
 * so that a name the catalog does not hold gets the same salt in every
 * session, as a real one does.
 */
static int
make_signon_key(const struct instance *in)
{
	uint8_t key[32];
	WC_RNG rng;
	int r = -1;

	if (wc_InitRng(&rng) != 0) {
		bwk_msg("BWK1085E", "cannot make the sign-on key: the random "
		    "number generator failed");
		return -1;
	}
	if (wc_RNG_GenerateBlock(&rng, key, sizeof(key)) == 0)
		r = write_file_atomic(in->signon_key, key, sizeof(key), 0600);
	else
		bwk_msg("BWK1085E", "cannot make the sign-on key: the random "
		    "number generator failed");
	explicit_bzero(key, sizeof(key));
	wc_FreeRng(&rng);
	return r;
}

int
instance_make_dirs(const struct instance *in)
{
	return make_dir(in->catdir) == -1 || make_dir(in->data) == -1 ? -1 : 0;
}

int
instance_create(struct instance *in, int days, int rsa)
{
	struct stat sb;

	if (stat(in->opt, &sb) == 0 || stat(in->kdb, &sb) == 0) {
		bwk_msg("BWK1011E", "%s holds an instance already; start it with: "
		    "bulwarkd --instance %s", in->dir, in->dir);
		return -1;
	}
	if (make_dir(in->dir) == -1 || chmod(in->dir, 0700) == -1 ||
	    instance_make_dirs(in) == -1 ||
	    write_file_atomic(in->opt, srvopts_template,
	    strlen(srvopts_template), 0600) == -1 || make_signon_key(in) == -1)
		return -1;
	return instance_cert_create(in, "default", days, rsa, 1);
}
