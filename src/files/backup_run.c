#define _GNU_SOURCE	/* O_NOATIME */
/*
 * The file side of a backup (backup_run.h; bwk_backup_paths in
 * bulwark.h). This process walks the trees (walk.c), opens each file
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
 *
 * Hard links: the first name of a file with more than one is sent as
 * any file; each later name of it in the same run is sent too (each name
 * is restorable alone), with the first name as its link, so that a
 * restore of both makes them one file again.
 *
 * What happened to each object goes to the caller's callback as an
 * event with a message ID and its text; this file prints nothing, so
 * that a program on the library decides what its user sees.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup_run.h"
#include "filespace.h"
#include "walk.h"

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

/* A file with more than one name, by the first name this run saw. */
struct first_name {
	dev_t		 dev;
	ino_t		 ino;
	char		*fs, *name;
};

/* At most this many such files are remembered (memory bound); past it,
 * a later name is sent as a file of its own. */
#define FIRST_MAX	(4 * 1000 * 1000)

/* The run across all paths. */
struct run {
	struct bwk			*b;
	const struct backup_run_opts	*o;
	bwk_backup_cb			*cb;
	void				*arg;
	struct bwk_totals		*t;
	int				 stop;		/* the callback's */
	int				 session_failed;
	/* hard links: an open-addressed table, a power of two in size */
	struct first_name		*first;
	size_t				 nfirst, capfirst;
	/* objects sent whose answers are due (bwk_send_fd): the tag is
	 * the count sent before, its name and answer at tag %
	 * BWK_SEND_WINDOW; answered ones are reported (emitted) once the
	 * library call they came in has returned, so that the caller's
	 * callback may make requests */
	struct due			*due;
	uint64_t			 tags, answered, emitted;
};

struct due {
	char			*name;
	struct bwk_result	 res;
};

/* One path of it. */
struct backup {
	struct run	*r;
	int		 incremental;
	char		 fs[FS_PATH_MAX];
	char		 name[FS_PATH_MAX];	/* the path within fs */
	struct held	*held;
	size_t		 nheld, cap;
	/* beneath these names nothing is made inactive */
	char		**keep;
	size_t		 nkeep;
};

/* An event to the caller; its answer may stop the run. */
static void
event(struct run *r, enum bwk_event_kind kind, const char *path,
    uint64_t size, const char *id, const char *text)
{
	struct bwk_event ev;

	ev.kind = kind;
	ev.path = path;
	ev.size = size;
	ev.id = id;
	ev.text = text;
	if (r->cb != NULL && r->cb(r->arg, &ev, r->t) != 0)
		r->stop = 1;
}

static void
failed(struct run *r, const char *id, const char *path, const char *why)
{
	r->t->failed++;
	event(r, BWK_EV_FAILED, path, 0, id, why);
}

/* A NOTE or SKIPPED event whose text is a sentence about path. */
static void __attribute__((format(printf, 5, 6)))
note(struct run *r, enum bwk_event_kind kind, const char *path,
    const char *id, const char *fmt, ...)
{
	char text[1200];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	event(r, kind, path, 0, id, text);
}

static size_t
first_slot(const struct run *r, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ULL) ^
	    ((uint64_t)ino * 0xc2b2ae3d27d4eb4fULL);

	return (size_t)(h ^ (h >> 29)) & (r->capfirst - 1);
}

/* The first name this run saw of dev/ino, or NULL. */
static const struct first_name *
first_find(const struct run *r, dev_t dev, ino_t ino)
{
	size_t i;

	if (r->capfirst == 0)
		return NULL;
	for (i = first_slot(r, dev, ino); r->first[i].name != NULL;
	    i = (i + 1) & (r->capfirst - 1))
		if (r->first[i].dev == dev && r->first[i].ino == ino)
			return &r->first[i];
	return NULL;
}

/* Remembers fs/name as dev/ino's first name; quietly not when memory or
 * the bound says no (the later names are then files of their own). */
static void
first_add(struct run *r, dev_t dev, ino_t ino, const char *fs,
    const char *name)
{
	struct first_name *old = r->first, *e;
	size_t i, oldcap = r->capfirst;

	if (r->nfirst >= FIRST_MAX)
		return;
	if (2 * (r->nfirst + 1) > r->capfirst) {
		size_t cap = oldcap ? 2 * oldcap : 256;

		if ((r->first = calloc(cap, sizeof(*r->first))) == NULL) {
			r->first = old;
			return;
		}
		r->capfirst = cap;
		for (i = 0; i < oldcap; i++) {
			if (old[i].name == NULL)
				continue;
			e = &r->first[first_slot(r, old[i].dev, old[i].ino)];
			while (e->name != NULL)
				e = r->first + ((size_t)(e - r->first + 1) &
				    (cap - 1));
			*e = old[i];
		}
		free(old);
	}
	i = first_slot(r, dev, ino);
	while (r->first[i].name != NULL)
		i = (i + 1) & (r->capfirst - 1);
	e = &r->first[i];
	if ((e->fs = strdup(fs)) == NULL || (e->name = strdup(name)) == NULL) {
		free(e->fs);
		e->fs = e->name = NULL;
		return;
	}
	e->dev = dev;
	e->ino = ino;
	r->nfirst++;
}

static void
first_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->capfirst; i++) {
		free(r->first[i].fs);
		free(r->first[i].name);
	}
	free(r->first);
	r->first = NULL;
	r->nfirst = r->capfirst = 0;
}

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

/* What the server holds beneath name (and name itself): for incremental.
 * 0; 1 when the server refused the listing (reported); -1 when the
 * session failed. */
static int
held_load(struct backup *k, const char *abs, const char *name)
{
	struct bwk_result res;
	char pat[FS_PATH_MAX + 2], why[1200];

	if (strcmp(name, "/") == 0)
		snprintf(pat, sizeof(pat), "/*");
	else {
		if (bwk_query_backup(k->r->b, k->fs, name, 0, held_add, k,
		    &res) == -1)
			return -1;
		if (res.status != BWK_OK)
			goto refused;
		snprintf(pat, sizeof(pat), "%s/*", name);
	}
	if (bwk_query_backup(k->r->b, k->fs, pat, BWK_Q_SUBDIR, held_add, k,
	    &res) == -1)
		return -1;
	if (res.status != BWK_OK)
		goto refused;
	/* nothing held yet: no array at all (qsort's NULL is undefined) */
	if (k->nheld > 0)
		qsort(k->held, k->nheld, sizeof(*k->held), by_path);
	return 0;
refused:
	snprintf(why, sizeof(why), "the server did not list what it holds "
	    "of it: %s %s; nothing is backed up there", res.id, res.text);
	failed(k->r, "BWK1748E", abs, why);
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
outcome_run(struct run *run, const char *path, int r,
    const struct bwk_result *res)
{
	char why[1200];

	if (r == -1) {
		run->session_failed = 1;
		return -1;
	}
	switch (res->status) {
	case BWK_QUEUED:
		return 0;	/* its answer comes to on_answer() */
	case BWK_OK:
		run->t->sent++;
		run->t->bytes += res->size;
		event(run, BWK_EV_SENT, path, res->size, NULL, NULL);
		return 0;
	case BWK_REFUSED:
		snprintf(why, sizeof(why), "the server refused it: %s %s",
		    res->id, res->text);
		failed(run, "BWK1745E", path, why);
		return 0;
	case BWK_CHANGED:
		failed(run, "BWK1746E", path, "it changed while it was "
		    "read, twice; it is not backed up (back it up when nothing "
		    "writes it)");
		return 0;
	default:
		failed(run, "BWK1747E", path, res->text[0] ? res->text :
		    "it could not be read");
		return 0;
	}
}

/* The answers that came during the last library call, reported now. */
static void
emit_answers(struct run *run)
{
	while (run->emitted < run->answered) {
		struct due *d = &run->due[run->emitted % BWK_SEND_WINDOW];

		(void)outcome_run(run, d->name != NULL ? d->name : "?", 0,
		    &d->res);
		free(d->name);
		d->name = NULL;
		run->emitted++;
	}
}

static int
outcome(struct backup *k, const char *path, int r,
    const struct bwk_result *res)
{
	r = outcome_run(k->r, path, r, res);
	emit_answers(k->r);
	return r;
}

/* The server's answer to an object sent before, in the order sent: kept
 * for emit_answers(), since this runs inside a library call. */
static void
on_answer(void *arg, uint64_t tag, const struct bwk_result *res)
{
	struct run *run = arg;

	if (tag != run->answered || run->answered == run->tags)
		return;		/* not one of this run's: the library's bug */
	run->due[tag % BWK_SEND_WINDOW].res = *res;
	run->answered++;
}

/*
 * An object sent without waiting for its answer (a plain file, a
 * directory, a link), so that the server stores many at once: its name
 * kept until the answer comes. Without memory for the name, it waits.
 */
static int
send_queued(struct backup *k, const char *path, const struct bwk_meta *m,
    int fd, const struct stat *st, struct bwk_result *res)
{
	struct run *run = k->r;
	char *name = run->due != NULL ? strdup(path) : NULL;
	int r;

	if (name == NULL)
		return bwk_backup_fd(run->b, m, fd, st, res);
	r = bwk_send_fd(run->b, m, fd, st, run->tags, res);
	if (r == -1 || res->status != BWK_QUEUED) {
		free(name);
		return r;
	}
	/* an answer that came in the call may be the one of this slot's
	 * last object (a full window): reported, its name freed, first */
	emit_answers(run);
	run->due[run->tags % BWK_SEND_WINDOW].name = name;
	run->tags++;
	return 0;
}

/*
 * The end of the run: every answer due, or, when the session failed
 * first, each object still waiting for one reported, since it may or
 * may not be stored.
 */
static int
answers_due(struct run *run, int r)
{
	uint64_t t;

	if (r != -1 && run->answered < run->tags &&
	    bwk_flush(run->b) == -1) {
		run->session_failed = 1;
		r = -1;
	}
	emit_answers(run);
	for (t = run->answered; t < run->tags; t++) {
		struct due *d = &run->due[t % BWK_SEND_WINDOW];

		failed(run, "BWK1769E", d->name != NULL ? d->name : "?", "the "
		    "session ended before the server answered for it: it may "
		    "or may not be stored (the next incremental backup sends it "
		    "again if it is not)");
		free(d->name);
		d->name = NULL;
	}
	run->answered = run->emitted = run->tags;
	(void)bwk_set_answer_cb(run->b, NULL, NULL);
	return r;
}

/* A file: opened beneath its directory, checked to be what the walk
 * saw, sent; sent again once if it changed while it was read. */
static int
send_file(struct backup *k, const struct walk_entry *e, const char *name)
{
	const struct first_name *first = NULL;
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
			failed(k->r, "BWK1747E", e->path, strerror(errno));
			return 0;
		}
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_dev != e->st.st_dev || st.st_ino != e->st.st_ino) {
			close(fd);
			failed(k->r, "BWK1749E", e->path, "it was replaced "
			    "while the backup ran; it is not backed up");
			return 0;
		}
		meta_of(&m, k->fs, name, BWK_OBJ_FILE, &st);
		if (st.st_nlink > 1 && (first = first_find(k->r, st.st_dev,
		    st.st_ino)) != NULL && strcmp(first->fs, k->fs) == 0)
			m.link = first->name;
		/* a file of several names waits for its answer: a later
		 * name refers to the first, which must be stored by then */
		if (st.st_nlink > 1)
			r = bwk_backup_fd(k->r->b, &m, fd, &st, &res);
		else
			r = send_queued(k, e->path, &m, fd, &st, &res);
		close(fd);
		if (r == -1 || res.status != BWK_CHANGED)
			break;
	}
	if (r == 0 && res.status == BWK_OK && st.st_nlink > 1 && first == NULL)
		first_add(k->r, st.st_dev, st.st_ino, k->fs, name);
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
			failed(k->r, "BWK1747E", e->path, n == -1 ?
			    strerror(errno) : "its target is longer than 4,095 "
			    "bytes");
			return 0;
		}
		target[n] = '\0';
		m.link = target;
	}
	return outcome(k, e->path, send_queued(k, e->path, &m, -1, NULL, &res),
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
	struct run *r = k->r;
	char name[FS_PATH_MAX];
	struct held *h = NULL;
	uint8_t type;

	if (r->stop)
		return 1;
	switch (e->what) {
	case WALK_ERROR:
		keep_beneath(k, e->path);
		failed(r, "BWK1742E", e->path, strerror(e->err));
		return 0;
	case WALK_MOUNT:
		keep_beneath(k, e->path);
		note(r, BWK_EV_NOTE, e->path, "BWK1743I", "another file "
		    "system: not entered (back it up by its own name)");
		return 0;
	case WALK_EXCLUDED_DIR:
		return 0;
	case WALK_ENTRY:
		break;
	}
	if (!e->included)
		return 0;
	r->t->inspected++;
	if (fs_name_of(k->fs, e->path, name) == -1)
		return 0;
	if (type_of(e->st.st_mode, &type) == -1) {
		r->t->skipped++;
		note(r, BWK_EV_SKIPPED, e->path, "BWK1744I", "not a file, "
		    "directory or link (a FIFO, socket or device): not backed "
		    "up");
		return 0;
	}
	if (k->incremental && (h = held_find(k, name)) != NULL) {
		h->seen = 1;
		if (unchanged(h, type, &e->st)) {
			/* the server holds this name as the inode's first, or
			 * as a later one of an earlier name already seen */
			if (type == BWK_OBJ_FILE && e->st.st_nlink > 1 &&
			    first_find(r, e->st.st_dev, e->st.st_ino) == NULL)
				first_add(r, e->st.st_dev, e->st.st_ino, k->fs,
				    name);
			r->t->unchanged++;
			event(r, BWK_EV_UNCHANGED, e->path, 0, NULL, NULL);
			return 0;
		}
	}
	return type == BWK_OBJ_FILE ? send_file(k, e, name) :
	    send_other(k, e, name, type);
}

/* BWK_B_ESTIMATE's walk: what the backup's walk will send, counted. */
static int
on_count(void *arg, const struct walk_entry *e)
{
	struct backup *k = arg;
	char name[FS_PATH_MAX];
	const struct held *h;
	uint8_t type;

	if (e->what != WALK_ENTRY || !e->included ||
	    type_of(e->st.st_mode, &type) == -1)
		return 0;
	if (k->incremental && fs_name_of(k->fs, e->path, name) == 0 &&
	    (h = held_find(k, name)) != NULL && unchanged(h, type, &e->st))
		return 0;
	k->r->t->expected_objects++;
	if (type == BWK_OBJ_FILE)
		k->r->t->expected_bytes += (uint64_t)e->st.st_size;
	return 0;
}

/* incremental: what the server holds and this machine does not. */
static int
deactivate_gone(struct backup *k)
{
	struct bwk_result res;
	char abs[2 * FS_PATH_MAX], why[1200];
	size_t i;

	for (i = 0; i < k->nheld && !k->r->stop; i++) {
		if (k->held[i].seen || kept(k, k->held[i].path))
			continue;
		if (bwk_deactivate(k->r->b, k->fs, k->held[i].path, &res) == -1)
			return -1;
		emit_answers(k->r);
		snprintf(abs, sizeof(abs), "%s%s", strcmp(k->fs, "/") == 0 ? "" :
		    k->fs, k->held[i].path);
		if (res.status == BWK_OK) {
			k->r->t->deactivated++;
			event(k->r, BWK_EV_DEACTIVATED, abs, 0, NULL, NULL);
			continue;
		}
		snprintf(why, sizeof(why), "it is gone here, and the server "
		    "did not make its backup inactive: %s %s", res.id,
		    res.text);
		failed(k->r, "BWK1750E", abs, why);
	}
	return 0;
}

/* One path: its filespace, what the server holds, the walk. 0, 1 when
 * stopped, -1 when the session failed. */
static int
backup_path(struct run *run, const char *arg)
{
	const char *fs_out;
	struct backup k;
	struct walk_opts wo;
	char abs[FS_PATH_MAX], name[FS_PATH_MAX];
	struct stat st;
	int r;

	memset(&k, 0, sizeof(k));
	k.r = run;
	k.incremental = (run->o->flags & BWK_B_INCREMENTAL) != 0;
	if (fs_canonical(arg, abs) == -1 || lstat(abs, &st) == -1 ||
	    fs_locate(abs, k.fs, name) == -1) {
		failed(run, "BWK1751E", arg, strerror(errno));
		return run->stop;
	}
	snprintf(k.name, sizeof(k.name), "%s", name);
	if (run->o->fs_excluded != NULL &&
	    (fs_out = run->o->fs_excluded(run->o->fs_arg, k.fs)) != NULL) {
		run->t->skipped++;
		note(run, BWK_EV_NOTE, abs, "BWK1767I", "on %s, which "
		    "EXCLUDE.FS %s leaves out: not backed up", k.fs, fs_out);
		return run->stop;
	}
	if (k.incremental && (r = held_load(&k, abs, name)) != 0) {
		held_free(&k);
		return r == 1 ? run->stop : -1;
	}
	memset(&wo, 0, sizeof(wo));
	wo.rules = run->o->rules;
	/* incremental covers the tree; selective a directory's own files,
	 * and the tree with SUBDIR */
	wo.subdirs = S_ISDIR(st.st_mode);
	wo.one_level = !k.incremental && !(run->o->flags & BWK_B_SUBDIR);
	/* what cannot be walked now is reported by the walk that sends */
	if (run->o->flags & BWK_B_ESTIMATE)
		(void)walk_tree(abs, &wo, on_count, &k);
	r = walk_tree(abs, &wo, on_entry, &k);
	if (r == -1 && !run->session_failed) {
		/* the root itself could not be read: absence proves nothing,
		 * so nothing is made inactive */
		failed(run, "BWK1751E", abs, strerror(errno));
		keep_beneath(&k, abs);
		r = 0;
	}
	if (r == 0 && k.incremental && !run->stop)
		r = deactivate_gone(&k);
	held_free(&k);
	if (r == -1)
		return -1;
	return run->stop;
}

int
backup_run(struct bwk *b, const char *const *paths, size_t n,
    const struct backup_run_opts *o, bwk_backup_cb *cb, void *arg,
    struct bwk_totals *totals)
{
	struct run run;
	size_t i;
	int r = 0;

	memset(totals, 0, sizeof(*totals));
	memset(&run, 0, sizeof(run));
	run.b = b;
	run.o = o;
	run.cb = cb;
	run.arg = arg;
	run.t = totals;
	/* the caller's own objects' answers first, to the caller's callback */
	if (bwk_flush(b) == -1)
		return -1;
	if ((run.due = calloc(BWK_SEND_WINDOW, sizeof(run.due[0]))) == NULL ||
	    bwk_set_answer_cb(b, on_answer, &run) == -1) {
		/* no memory for the names: every object waits for its answer */
		free(run.due);
		run.due = NULL;
	}
	for (i = 0; i < n && r == 0; i++)
		r = backup_path(&run, paths[i]);
	if (run.due != NULL)
		r = answers_due(&run, r);
	free(run.due);
	first_free(&run);
	return r;
}

int
bwk_backup_paths(struct bwk *b, const char *const *paths, size_t n,
    int flags, bwk_backup_cb *cb, void *arg, struct bwk_totals *totals)
{
	struct backup_run_opts o;

	memset(&o, 0, sizeof(o));
	o.flags = flags & (BWK_B_INCREMENTAL | BWK_B_SUBDIR | BWK_B_ESTIMATE);
	return backup_run(b, paths, n, &o, cb, arg, totals);
}
