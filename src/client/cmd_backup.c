#define _GNU_SOURCE	/* O_NOATIME */
/*
 * bulwark incremental and bulwark selective: the file side of a backup.
 * This process walks the trees (src/files/walk.c), opens each file
 * beneath its directory's descriptor with O_NOFOLLOW, checks that it is
 * still the file the walk saw, and hands the descriptor to the network
 * process, which reads it once and sends it (bwk_backup_fd). It never
 * sees a server's byte but through the network process's answers.
 *
 * incremental: what the server holds beneath each path is asked first;
 * a file whose type, size, times, mode and owner are the same is not
 * sent again, and what the server holds that is no longer here (deleted,
 * or now excluded) becomes inactive, as with the old client. Beneath a
 * directory that could not be read, or another file system, nothing is
 * made inactive: absence there proves nothing.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../files/filespace.h"
#include "../files/walk.h"
#include "../lib/msg.h"
#include "backup_scope.h"
#include "job.h"

/* What the server holds as active beneath the path being backed up. */
struct held {
	char		*path;		/* within the filespace */
	uint8_t		 type;
	uint64_t	 size;
	uint32_t	 mode, uid, gid;
	int64_t		 mtime_ns, ctime_ns;
	int		 seen;
};

/* What one path may hold on the server, at most (memory bound). */
#define HELD_MAX	(50 * 1000 * 1000)

struct backup {
	struct job	*j;
	int		 incremental;
	char		 fs[FS_PATH_MAX];
	char		 name[FS_PATH_MAX];	/* the path within fs */
	struct held	*held;
	size_t		 nheld, cap;
	/* beneath these names nothing is made inactive */
	char		**keep;
	size_t		 nkeep;
	int		 session_failed;
};

static int64_t
ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int
held_add(void *arg, const struct bwk_version *v)
{
	struct backup *k = arg;
	struct held *h;
	size_t n = strlen(k->name);

	/* only the active versions of the path and what is beneath it:
	 * a listing that holds more (a hostile one, or a name with * in
	 * it) must not make a sibling inactive */
	if (!v->active || (strcmp(k->name, "/") != 0 &&
	    (strncmp(v->path, k->name, n) != 0 ||
	    (v->path[n] != '\0' && v->path[n] != '/'))))
		return 0;
	if (k->nheld >= HELD_MAX)
		return -1;

	if (k->nheld == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 1024;

		if ((h = reallocarray(k->held, cap, sizeof(*h))) == NULL)
			return -1;
		k->held = h;
		k->cap = cap;
	}
	h = &k->held[k->nheld];
	if ((h->path = strdup(v->path)) == NULL)
		return -1;
	h->type = (uint8_t)v->type;
	h->size = v->size;
	h->mode = v->mode;
	h->uid = v->uid;
	h->gid = v->gid;
	h->mtime_ns = v->mtime_ns;
	h->ctime_ns = v->ctime_ns;
	h->seen = 0;
	k->nheld++;
	return 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct held *)a)->path,
	    ((const struct held *)b)->path);
}

static struct held *
held_find(struct backup *k, const char *path)
{
	struct held key;

	if (k->nheld == 0)
		return NULL;
	key.path = (char *)path;
	return bsearch(&key, k->held, k->nheld, sizeof(*k->held), by_path);
}

static void
held_free(struct backup *k)
{
	size_t i;

	for (i = 0; i < k->nheld; i++)
		free(k->held[i].path);
	free(k->held);
	k->held = NULL;
	k->nheld = k->cap = 0;
	for (i = 0; i < k->nkeep; i++)
		free(k->keep[i]);
	free(k->keep);
	k->keep = NULL;
	k->nkeep = 0;
}

static void
keep_beneath(struct backup *k, const char *abs)
{
	char name[FS_PATH_MAX], **more;

	if (fs_name_of(k->fs, abs, name) == -1 ||
	    (more = reallocarray(k->keep, k->nkeep + 1, sizeof(*more))) == NULL)
		return;
	k->keep = more;
	if ((k->keep[k->nkeep] = strdup(name)) != NULL)
		k->nkeep++;
}

static int
kept(const struct backup *k, const char *path)
{
	size_t i, n;

	for (i = 0; i < k->nkeep; i++) {
		n = strlen(k->keep[i]);
		if (strncmp(path, k->keep[i], n) == 0 &&
		    (path[n] == '/' || path[n] == '\0' ||
		    strcmp(k->keep[i], "/") == 0))
			return 1;
	}
	return 0;
}

/* What the server holds beneath name (and name itself): for incremental. */
static int
held_load(struct backup *k, const char *name)
{
	struct bwk_result res;
	char pat[FS_PATH_MAX + 2];

	if (strcmp(name, "/") == 0)
		snprintf(pat, sizeof(pat), "/*");
	else {
		if (bwk_query_backup(k->j->b, k->fs, name, 0, held_add, k,
		    &res) == -1)
			return -1;
		if (res.status != BWK_OK)
			goto refused;
		snprintf(pat, sizeof(pat), "%s/*", name);
	}
	if (bwk_query_backup(k->j->b, k->fs, pat, BWK_Q_SUBDIR, held_add, k,
	    &res) == -1)
		return -1;
	if (res.status != BWK_OK)
		goto refused;
	/* nothing held yet: no array at all (qsort's NULL is undefined) */
	if (k->nheld > 0)
		qsort(k->held, k->nheld, sizeof(*k->held), by_path);
	return 0;
refused:
	bwk_msg("BWK1748E", "the server did not list what it holds of %s%s: "
	    "%s %s; nothing is backed up there", strcmp(k->fs, "/") == 0 ? "" :
	    k->fs, name, res.id, res.text);
	return 1;
}

static int
unchanged(const struct held *h, uint8_t type, const struct stat *st)
{
	return h->type == type && h->mode == (st->st_mode & 07777) &&
	    h->uid == st->st_uid && h->gid == st->st_gid &&
	    h->mtime_ns == ns_of(&st->st_mtim) &&
	    h->ctime_ns == ns_of(&st->st_ctim) &&
	    (type != BWK_OBJ_FILE || h->size == (uint64_t)st->st_size);
}

static void
meta_of(struct bwk_meta *m, const char *fs, const char *name, uint8_t type,
    const struct stat *st)
{
	memset(m, 0, sizeof(*m));
	m->filespace = fs;
	m->path = name;
	m->type = (enum bwk_obj_type)type;
	m->mode = st->st_mode & 07777;
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->mtime_ns = ns_of(&st->st_mtim);
	m->ctime_ns = ns_of(&st->st_ctim);
}

/* What one request came to; -1 when the session is over. */
static int
outcome(struct backup *k, const char *path, int r,
    const struct bwk_result *res)
{
	char why[1200];

	if (r == -1) {
		k->session_failed = 1;
		return -1;
	}
	switch (res->status) {
	case BWK_OK:
		k->j->sent++;
		k->j->bytes += res->size;
		return 0;
	case BWK_REFUSED:
		snprintf(why, sizeof(why), "the server refused it: %s %s",
		    res->id, res->text);
		job_failed(k->j, "BWK1745E", path, why);
		return 0;
	case BWK_CHANGED:
		job_failed(k->j, "BWK1746E", path, "it changed while it was "
		    "read, twice; it is not backed up (back it up when nothing "
		    "writes it)");
		return 0;
	default:
		job_failed(k->j, "BWK1747E", path, res->text[0] ? res->text :
		    "it could not be read");
		return 0;
	}
}

/* A file: opened beneath its directory, checked to be what the walk
 * saw, sent; sent again once if it changed while it was read. */
static int
send_file(struct backup *k, const struct walk_entry *e, const char *name)
{
	struct bwk_result res;
	struct bwk_meta m;
	struct stat st;
	int attempt, fd, r = 0;

	for (attempt = 0; attempt < 2; attempt++) {
		fd = openat(e->dirfd, e->name, O_RDONLY | O_NOFOLLOW |
		    O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_NOATIME);
		if (fd == -1 && errno == EPERM)	/* O_NOATIME: not ours */
			fd = openat(e->dirfd, e->name, O_RDONLY | O_NOFOLLOW |
			    O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd == -1) {
			job_failed(k->j, "BWK1747E", e->path, strerror(errno));
			return 0;
		}
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_dev != e->st.st_dev || st.st_ino != e->st.st_ino) {
			close(fd);
			job_failed(k->j, "BWK1749E", e->path, "it was replaced "
			    "while the backup ran; it is not backed up");
			return 0;
		}
		meta_of(&m, k->fs, name, BWK_OBJ_FILE, &st);
		r = bwk_backup_fd(k->j->b, &m, fd, &st, &res);
		close(fd);
		if (r == -1 || res.status != BWK_CHANGED)
			break;
	}
	return outcome(k, e->path, r, &res);
}

static int
send_other(struct backup *k, const struct walk_entry *e, const char *name,
    uint8_t type)
{
	char target[FS_PATH_MAX];
	struct bwk_result res;
	struct bwk_meta m;
	ssize_t n;

	meta_of(&m, k->fs, name, type, &e->st);
	if (type == BWK_OBJ_LINK) {
		if ((n = readlinkat(e->dirfd, e->name, target,
		    sizeof(target))) == -1 || n == 0 ||
		    (size_t)n >= sizeof(target)) {
			job_failed(k->j, "BWK1747E", e->path, n == -1 ?
			    strerror(errno) : "its target is longer than 4,095 "
			    "bytes");
			return 0;
		}
		target[n] = '\0';
		m.link = target;
	}
	return outcome(k, e->path, bwk_backup_fd(k->j->b, &m, -1, NULL, &res),
	    &res);
}

static int
type_of(mode_t mode, uint8_t *type)
{
	if (S_ISREG(mode))
		*type = BWK_OBJ_FILE;
	else if (S_ISDIR(mode))
		*type = BWK_OBJ_DIR;
	else if (S_ISLNK(mode))
		*type = BWK_OBJ_LINK;
	else
		return -1;
	return 0;
}

static int
on_entry(void *arg, const struct walk_entry *e)
{
	struct backup *k = arg;
	char name[FS_PATH_MAX];
	struct held *h = NULL;
	uint8_t type;

	if (job_stopped(k->j))
		return 1;
	switch (e->what) {
	case WALK_ERROR:
		keep_beneath(k, e->path);
		job_failed(k->j, "BWK1742E", e->path, strerror(e->err));
		return 0;
	case WALK_MOUNT:
		keep_beneath(k, e->path);
		bwk_info("BWK1743I", "%s is another file system: not entered "
		    "(back it up by its own name)", e->path);
		return 0;
	case WALK_EXCLUDED_DIR:
		return 0;
	case WALK_ENTRY:
		break;
	}
	if (!e->included)
		return 0;
	k->j->inspected++;
	if (fs_name_of(k->fs, e->path, name) == -1)
		return 0;
	if (type_of(e->st.st_mode, &type) == -1) {
		k->j->skipped++;
		bwk_info("BWK1744I", "%s is not a file, directory or link (a "
		    "FIFO, socket or device): not backed up", e->path);
		return 0;
	}
	if (k->incremental && (h = held_find(k, name)) != NULL) {
		h->seen = 1;
		if (unchanged(h, type, &e->st)) {
			k->j->unchanged++;
			job_progress(k->j, 0);
			return 0;
		}
	}
	job_progress(k->j, 0);
	return type == BWK_OBJ_FILE ? send_file(k, e, name) :
	    send_other(k, e, name, type);
}

/* incremental: what the server holds and this machine does not. */
static int
deactivate_gone(struct backup *k)
{
	struct bwk_result res;
	char abs[2 * FS_PATH_MAX];
	size_t i;

	for (i = 0; i < k->nheld; i++) {
		if (k->held[i].seen || kept(k, k->held[i].path))
			continue;
		if (bwk_deactivate(k->j->b, k->fs, k->held[i].path, &res) == -1)
			return -1;
		snprintf(abs, sizeof(abs), "%s%s", strcmp(k->fs, "/") == 0 ? "" :
		    k->fs, k->held[i].path);
		if (res.status == BWK_OK)
			k->j->deactivated++;
		else {
			char why[1200];

			snprintf(why, sizeof(why), "it is gone here, and the "
			    "server did not make its backup inactive: %s %s",
			    res.id, res.text);
			job_failed(k->j, "BWK1750E", abs, why);
		}
	}
	return 0;
}

/* One path: its filespace, what the server holds, the walk. */
static int
backup_path(struct job *j, const char *arg, int incremental,
    const struct backup_scope *scope)
{
	const struct ie_rule *fs_out;
	struct backup k;
	struct walk_opts wo;
	char abs[FS_PATH_MAX], name[FS_PATH_MAX];
	struct stat st;
	int r;

	memset(&k, 0, sizeof(k));
	k.j = j;
	k.incremental = incremental;
	if (fs_canonical(arg, abs) == -1 || lstat(abs, &st) == -1 ||
	    fs_locate(abs, k.fs, name) == -1) {
		job_failed(j, "BWK1751E", arg, strerror(errno));
		return 0;
	}
	snprintf(k.name, sizeof(k.name), "%s", name);
	if ((fs_out = backup_scope_fs_excluded(scope, k.fs)) != NULL) {
		j->skipped++;
		bwk_info("BWK1767I", "%s is on %s, which EXCLUDE.FS %s leaves "
		    "out: not backed up", abs, k.fs, fs_out->pattern);
		return 0;
	}
	if (incremental && (r = held_load(&k, name)) != 0) {
		held_free(&k);
		if (r == 1)
			j->failed++;
		return r == 1 ? 0 : -1;
	}
	memset(&wo, 0, sizeof(wo));
	wo.rules = &scope->rules;
	/* incremental covers the tree; selective a directory's own files,
	 * and the tree with SUBDIR YES */
	wo.subdirs = S_ISDIR(st.st_mode);
	wo.one_level = !incremental && !j->c.opt.subdir;
	r = walk_tree(abs, &wo, on_entry, &k);
	if (r == -1 && !k.session_failed) {
		/* the root itself could not be read: absence proves nothing,
		 * so nothing is made inactive */
		job_failed(j, "BWK1751E", abs, strerror(errno));
		keep_beneath(&k, abs);
		r = 0;
	}
	if (r == 0 && incremental)
		r = deactivate_gone(&k);
	held_free(&k);
	/* stopped by a signal: what was walked is not all there is */
	if (r == 1 && job_stopped(j))
		return 1;
	return r == 0 ? 0 : -1;
}

int
cmd_backup(int argc, char **argv, int incremental)
{
	const char *cmd = incremental ? "incremental" : "selective";
	struct backup_scope scope;
	struct job j;
	int rc, i, r = 0;

	if ((rc = job_args(&j, cmd, argc, argv, 2)) != 0)
		return rc;
	if (!incremental && j.nwords == 0)
		return cmd_usage(cmd, "selective needs the files to back up",
		    NULL);
	/* the mount table only for DOMAIN: named paths need only the
	 * statements */
	if ((incremental && j.nwords == 0 ? backup_scope_load(&j.c.opt,
	    &scope) : backup_scope_rules(&j.c.opt, &scope)) == -1) {
		backup_scope_free(&scope);
		return EXIT_USAGE;
	}
	if (incremental && j.nwords == 0 && scope.ndomain == 0) {
		backup_scope_free(&scope);
		return cmd_usage(cmd, "DOMAIN names no file system; name the "
		    "paths to back up", NULL);
	}
	if ((rc = job_start(&j)) != 0) {
		backup_scope_free(&scope);
		return rc;
	}
	if (j.nwords > 0)
		for (i = 0; i < j.nwords && r == 0; i++)
			r = backup_path(&j, j.words[i], incremental, &scope);
	else
		for (i = 0; i < (int)scope.ndomain && r == 0; i++)
			r = backup_path(&j, scope.domain[i], 1, &scope);
	/* a DOMAIN entry left out (BWK1719W) is a part not backed up */
	j.failed += scope.nskipped;
	backup_scope_free(&scope);
	if (r == -1)
		return job_end(&j, session_exit_for(j.b));
	job_progress(&j, 1);
	job_summary(&j, "backed up:", "backed_up");
	return job_end(&j, j.failed > 0 || r == 1 ? EXIT_PARTIAL : EXIT_OK);
}
