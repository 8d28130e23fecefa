/*
 * bulwarkd --instance DIR audit [--repair]: the instance's objects
 * checked against its catalog (bulwarkd(8), AUDIT), one message for each
 * problem, with what it means and its fix:
 *
 *  - the catalog's own integrity (catalog_check);
 *  - every active and inactive version of a file has its content file
 *    under data/, a regular file of the catalog's size whose SHA-256
 *    (wolfCrypt's, read back now) is the catalog's;
 *  - every file under data/ is one the catalog names (an orphan is a
 *    file no version names: --repair removes it), and nothing else is
 *    there;
 *  - no version is pending since before every session signed on now
 *    began (its session ended without completing it).
 *
 * It may run beside a live server, so the order matters. data/ is read
 * first, then the catalog: a content file is created only after its
 * version's row was committed, and removed before its row is (reap), so
 * a file seen in data/ that the catalog listed afterwards without it is
 * an orphan, unless it is gone since, which is looked at again before
 * it is reported or removed. A version whose file is missing or wrong is
 * looked up again before it is reported: an expiry may have removed it
 * meanwhile. Nothing is repaired, and no file is called an orphan, when
 * the catalog could not be read whole: a lost row would make its file
 * look like one.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "audit.h"

#define KEY_LEN		16	/* a content name's 32 hex digits */
#define FIX_CONTENT	"restore it from a backup of the instance's data " \
			"directory, or back the file up again (a selective " \
			"backup) so that a good version replaces it"

/* A set of content names, as their 16 bytes: grown, sorted, searched. */
struct keys {
	uint8_t	(*k)[KEY_LEN];
	size_t	  n, cap;
};

struct audit {
	const struct instance	*in;
	struct catalog		*cat;
	int			 datafd;
	int			 repair;
	int64_t			 pending_before;
	struct keys		 found;		/* content files under data/ */
	struct keys		 named;		/* names the catalog holds */
	int			 catalog_whole;	/* read whole and sound */
	long			 problems;
	long			 checked;
	uint64_t		 bytes;
	long			 removed;
};

static int
hex_val(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

/* A content name ("ab/" and 32 hex) as its key. */
static void
name_key(const char *content, uint8_t key[KEY_LEN])
{
	const char *h = content + 3;
	int i;

	for (i = 0; i < KEY_LEN; i++)
		key[i] = (uint8_t)(hex_val(h[2 * i]) << 4 | hex_val(h[2 * i + 1]));
}

static void
key_name(const uint8_t key[KEY_LEN], char out[CAT_CONTENT_MAX])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	out[0] = hex[key[0] >> 4];
	out[1] = hex[key[0] & 15];
	out[2] = '/';
	for (i = 0; i < KEY_LEN; i++) {
		out[3 + 2 * i] = hex[key[i] >> 4];
		out[4 + 2 * i] = hex[key[i] & 15];
	}
	out[35] = '\0';
}

static int
keys_add(struct keys *s, const char *content)
{
	void *p;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;

		if ((p = realloc(s->k, cap * KEY_LEN)) == NULL) {
			bwk_msg("BWK1571E", "the audit ran out of memory");
			return -1;
		}
		s->k = p;
		s->cap = cap;
	}
	name_key(content, s->k[s->n++]);
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, KEY_LEN);
}

/* "version N (node NODE, filespace FS, PATH)", made safe to print. */
static void
where(const struct cat_version *v, char *out, size_t len)
{
	char fs[256], dir[512], name[256];

	bwk_sanitize(v->filespace, fs, sizeof(fs));
	bwk_sanitize(v->dir, dir, sizeof(dir));
	bwk_sanitize(v->name, name, sizeof(name));
	bwk_say(out, len, "version %lld (node %s, filespace %s, %s%s)",
	    (long long)v->version, v->node, fs, dir, name);
}

/*
 * The version is still what it was when listed (state `want`, or active
 * or inactive when want is -1): a problem found meanwhile is reported
 * only then, since an expiry may have removed it since.
 */
static int
still(struct audit *a, const struct cat_version *v, int want)
{
	enum cat_state s;
	int r = catalog_version_state(a->cat, v->version, &s);

	if (r == CAT_ERROR) {
		a->catalog_whole = 0;
		a->problems++;
		return 0;
	}
	if (r != CAT_OK)
		return 0;
	return want == -1 ? s == CAT_ACTIVE || s == CAT_INACTIVE :
	    (int)s == want;
}

/* A content file beneath data/, read-only, never through a link. */
static int
open_content(struct audit *a, const char *content)
{
	char dir[3];
	int d, fd, e;

	memcpy(dir, content, 2);
	dir[2] = '\0';
	if ((d = openat(a->datafd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	/* O_NONBLOCK: a FIFO planted there must not stop the audit */
	fd = openat(d, content + 3, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	e = errno;
	close(d);
	errno = e;
	return fd;
}

/* The file's SHA-256 and the number of bytes read; -1 with errno. */
static int
hash_file(int fd, uint8_t sha[32], uint64_t *n)
{
	static uint8_t buf[65536];
	wc_Sha256 h;
	ssize_t k;
	int r = -1;

	*n = 0;
	if (wc_InitSha256(&h) != 0) {
		errno = EIO;
		return -1;
	}
	for (;;) {
		if ((k = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (k == 0) {
			r = wc_Sha256Final(&h, sha) == 0 ? 0 : -1;
			break;
		}
		if (wc_Sha256Update(&h, buf, (word32)k) != 0) {
			errno = EIO;
			break;
		}
		*n += (uint64_t)k;
	}
	wc_Sha256Free(&h);
	return r;
}

/* An active or inactive version's content file, read back and hashed. */
static void
check_content(struct audit *a, const struct cat_version *v)
{
	char w[1200];
	struct stat st;
	uint8_t sha[32];
	uint64_t n = 0;
	int fd, e, bad = 0;

	if ((fd = open_content(a, v->content)) == -1) {
		e = errno;
		if (!still(a, v, -1))
			return;
		where(v, w, sizeof(w));
		if (e == ENOENT)
			bwk_msg("BWK1563E", "%s: its content file %s/%s is "
			    "missing, so the version cannot be restored; %s",
			    w, a->in->data, v->content, FIX_CONTENT);
		else
			bwk_msg("BWK1566E", "%s: its content file %s/%s cannot "
			    "be read: %s; it must be a regular file of the "
			    "server's user, mode 0600", w, a->in->data,
			    v->content, e == ELOOP ? "it is a symbolic link" :
			    strerror(e));
		a->problems++;
		return;
	}
	if ((e = fstat(fd, &st)) == -1 || !S_ISREG(st.st_mode)) {
		const char *why = e == -1 ? strerror(errno) :
		    "it is not a regular file";

		close(fd);
		if (!still(a, v, -1))
			return;
		where(v, w, sizeof(w));
		bwk_msg("BWK1566E", "%s: its content file %s/%s cannot be "
		    "read: %s; it must be a regular file of the server's user, "
		    "mode 0600", w, a->in->data, v->content, why);
		a->problems++;
		return;
	}
	if ((uint64_t)st.st_size != v->size)
		bad = 1;
	else if (hash_file(fd, sha, &n) == -1)
		bad = 3;
	else if (n != v->size || memcmp(sha, v->sha256, 32) != 0)
		bad = 2;
	e = errno;
	close(fd);
	if (bad == 0) {
		a->checked++;
		a->bytes += n;
		return;
	}
	if (!still(a, v, -1))
		return;
	where(v, w, sizeof(w));
	if (bad == 1)
		bwk_msg("BWK1564E", "%s: its content file %s/%s has %llu bytes "
		    "where the catalog says %llu: it is damaged; %s", w,
		    a->in->data, v->content, (unsigned long long)st.st_size,
		    (unsigned long long)v->size, FIX_CONTENT);
	else if (bad == 2)
		bwk_msg("BWK1565E", "%s: its content file %s/%s does not have "
		    "the SHA-256 the catalog holds: it is damaged; %s", w,
		    a->in->data, v->content, FIX_CONTENT);
	else
		bwk_msg("BWK1566E", "%s: its content file %s/%s cannot be "
		    "read: %s; it must be a regular file of the server's user, "
		    "mode 0600", w, a->in->data, v->content, strerror(e));
	a->problems++;
}

static void
check_pending(struct audit *a, const struct cat_version *v)
{
	char w[1200], t[32];

	if (!still(a, v, CAT_PENDING))
		return;
	where(v, w, sizeof(w));
	bwk_time_format(v->inserted, t);
	bwk_msg("BWK1570E", "%s has been pending since %s, before every "
	    "session signed on now began: the session that began it ended "
	    "without completing it. bulwarkd reaps it, and its content file, "
	    "when it next starts", w, t);
	a->problems++;
}

static int
on_version(void *arg, const struct cat_version *v)
{
	struct audit *a = arg;

	/* any state's file is the catalog's: DELETING ones wait for reap */
	if (v->content != NULL && keys_add(&a->named, v->content) == -1)
		return 1;	/* out of memory: the audit stops */
	if (v->state == CAT_PENDING && v->inserted < a->pending_before)
		check_pending(a, v);
	if (v->type == CAT_FILE && v->content != NULL &&
	    (v->state == CAT_ACTIVE || v->state == CAT_INACTIVE))
		check_content(a, v);
	return 0;
}

/* What an entry under data/ is, for a message. */
static const char *
kind_of(const struct stat *st)
{
	return S_ISDIR(st->st_mode) ? "a directory" : S_ISLNK(st->st_mode) ?
	    "a symbolic link" : S_ISREG(st->st_mode) ? "a file" :
	    "neither a file nor a directory";
}

static void
unexpected(struct audit *a, const char *name, const struct stat *st)
{
	char safe[600];

	bwk_sanitize(name, safe, sizeof(safe));
	bwk_msg("BWK1569E", "%s/%s is not a content file of the server (%s%s); "
	    "the server neither uses nor removes it: move it out of %s",
	    a->in->data, safe, kind_of(st), S_ISREG(st->st_mode) ?
	    " with another name" : "", a->in->data);
	a->problems++;
}

static int
is_hex2(const char *s)
{
	return hex_val((unsigned char)s[0]) >= 0 &&
	    hex_val((unsigned char)s[1]) >= 0 && s[2] == '\0';
}

/* A directory beneath fd, opened without following a link, to list. */
static DIR *
open_listing(struct audit *a, int fd, const char *name, const char *shown)
{
	DIR *d;
	int dfd;

	if ((dfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(dfd)) == NULL) {
		bwk_msg("BWK1572E", "cannot read the directory %s: %s; the "
		    "audit is incomplete", shown, strerror(errno));
		if (dfd != -1)
			close(dfd);
		a->problems++;
		return NULL;
	}
	return d;
}

/* data/ab/: content files named "ab" and 30 more hex digits, only. */
static int
scan_fanout(struct audit *a, const char *ab)
{
	char path[300], shown[PATH_MAX + 8];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int r = 0;

	bwk_say(shown, sizeof(shown), "%s/%s", a->in->data, ab);
	if ((d = open_listing(a, a->datafd, ab, shown)) == NULL)
		return 0;
	while (r == 0 && (errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		bwk_say(path, sizeof(path), "%s/%s", ab, e->d_name);
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* gone since it was listed */
		if (S_ISREG(st.st_mode) && catalog_content_ok(path))
			r = keys_add(&a->found, path);
		else
			unexpected(a, path, &st);
	}
	if (r == 0 && errno != 0) {
		bwk_msg("BWK1572E", "cannot read the directory %s: %s; the "
		    "audit is incomplete", shown, strerror(errno));
		a->problems++;
	}
	closedir(d);
	return r;
}

/* data/: the 256 fan-out directories and nothing else. */
static int
scan_data(struct audit *a)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int r = 0;

	if ((d = open_listing(a, a->datafd, ".", a->in->data)) == NULL)
		return 0;
	while (r == 0 && (errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(a->datafd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode) && is_hex2(e->d_name))
			r = scan_fanout(a, e->d_name);
		else
			unexpected(a, e->d_name, &st);
	}
	if (r == 0 && errno != 0) {
		bwk_msg("BWK1572E", "cannot read the directory %s: %s; the "
		    "audit is incomplete", a->in->data, strerror(errno));
		a->problems++;
	}
	closedir(d);
	return r;
}

/* An orphan, looked at again: reported, and removed with --repair. */
static void
orphan(struct audit *a, const uint8_t key[KEY_LEN])
{
	char content[CAT_CONTENT_MAX], dir[3];
	struct stat st;
	int d;

	key_name(key, content);
	memcpy(dir, content, 2);
	dir[2] = '\0';
	if ((d = openat(a->datafd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if (fstatat(d, content + 3, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode)) {
		close(d);
		return;			/* removed since it was listed */
	}
	if (!a->repair) {
		bwk_msg("BWK1567E", "%s/%s is a content file that no version in "
		    "the catalog names (%llu bytes); remove it with: bulwarkd "
		    "--instance %s audit --repair", a->in->data, content,
		    (unsigned long long)st.st_size, a->in->dir);
		a->problems++;
	} else if (unlinkat(d, content + 3, 0) == -1 || fsync(d) == -1) {
		bwk_msg("BWK1573E", "cannot remove the orphan %s/%s: %s",
		    a->in->data, content, strerror(errno));
		a->problems++;
	} else {
		bwk_info("BWK1568I", "removed %s/%s, a content file that no "
		    "version named (%llu bytes)", a->in->data, content,
		    (unsigned long long)st.st_size);
		a->removed++;
	}
	close(d);
}

static void
find_orphans(struct audit *a)
{
	size_t i;

	qsort(a->named.k, a->named.n, KEY_LEN, key_cmp);
	for (i = 0; i < a->found.n; i++)
		if (a->named.n == 0 || bsearch(a->found.k[i], a->named.k,
		    a->named.n, KEY_LEN, key_cmp) == NULL)
			orphan(a, a->found.k[i]);
}

/*
 * Versions pending since before this moment are abandoned: the oldest
 * session signed on now began later (its row in the catalog), and a
 * session that signs on during the audit begins its versions later too.
 */
static int
pending_limit(struct audit *a)
{
	int64_t oldest = 0;
	int r;

	a->pending_before = bwk_now();
	if ((r = catalog_session_oldest(a->cat, &oldest)) == CAT_ERROR)
		return -1;
	if (r == CAT_OK && oldest < a->pending_before)
		a->pending_before = oldest;
	return 0;
}

static int
run_audit(struct audit *a)
{
	int r;

	if (catalog_check(a->cat) != CAT_OK)
		a->catalog_whole = 0;
	if (scan_data(a) == -1 || pending_limit(a) == -1)
		return -1;
	if ((r = catalog_version_list(a->cat, on_version, a)) == 1)
		return -1;
	if (r != CAT_OK)
		a->catalog_whole = 0;
	if (!a->catalog_whole) {
		bwk_msg("BWK1562E", "the catalog %s could not be read whole, or "
		    "is damaged (the messages above say how): stop the server, "
		    "restore the catalog from its backup and audit again. "
		    "Until then no file under %s is called an orphan, and "
		    "--repair removes none", catalog_path(a->cat), a->in->data);
		a->problems++;
		return 0;
	}
	find_orphans(a);
	return 0;
}

int
audit_cmd(const struct instance *in, int argc, char **argv)
{
	struct audit a;
	int r = AUDIT_FAILED;

	memset(&a, 0, sizeof(a));
	a.in = in;
	a.catalog_whole = 1;
	if (argc == 1 && strcmp(argv[0], "--repair") == 0)
		a.repair = 1;
	else if (argc != 0) {
		bwk_msg("BWK1000E", "%s%s%s; see bulwarkd --help",
		    "audit takes only --repair", ": ", argv[0]);
		return AUDIT_USAGE;
	}
	if ((a.datafd = open(in->data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		bwk_msg("BWK1555E", "cannot open the data directory %s: %s; it "
		    "is made when the server starts (bulwarkd --instance %s)",
		    in->data, strerror(errno), in->dir);
		return AUDIT_FAILED;
	}
	if (catalog_open(&a.cat, in->catdir, 0) == CAT_OK &&
	    run_audit(&a) == 0) {
		if (a.problems > 0) {
			bwk_msg("BWK1561E", "audit of %s: %ld problems found, "
			    "each above with its fix", in->dir, a.problems);
			r = AUDIT_PROBLEMS;
		} else {
			bwk_info("BWK1560I", "audit of %s: no problem found: the "
			    "catalog is sound, %ld content files match it "
			    "(%llu bytes), no orphan file is left (%ld removed), "
			    "no version was abandoned pending", in->dir,
			    a.checked, (unsigned long long)a.bytes, a.removed);
			r = 0;
		}
	}
	catalog_close(a.cat);
	close(a.datafd);
	free(a.found.k);
	free(a.named.k);
	return r;
}
