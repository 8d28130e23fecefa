#define _GNU_SOURCE	/* AT_EMPTY_PATH */
/*
 * bulwark restore: the file side of a restore. The versions to restore
 * are listed first (through the network process, which checked each
 * entry); each name is checked again here (rp_name_check: the network
 * process may be a hostile server's) and resolved beneath the
 * destination with no link followed (restore_path.c). A file is written
 * by the network process into a temporary file this process made, and
 * takes its name only when its size and SHA-256 matched what the server
 * said at the query and at its end; until then nothing under its name
 * changes. Directories get their modes and times last, deepest first,
 * so that restoring into them is not refused by their own modes.
 *
 * Hard links: the files of one group (a name, and the later names whose
 * link is it) are one file again once restored: the first of them that
 * is restored gets the content, the others become links to it, if it is
 * still the file this run wrote and holds the same version's bytes;
 * otherwise each gets its own content.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../files/restore_path.h"
#include "../lib/msg.h"
#include "../lib/names.h"
#include "job.h"

#define NO_GROUP	((size_t)-1)

struct want {
	struct bwk_version	 v;	/* path and link owned */
	int			 created;	/* a directory this run made */
	size_t			 group;		/* hard links: or NO_GROUP */
};

/* A group of hard links, once one of them is restored: that file, held
 * open, so that the others are linked to it and not to whatever has its
 * name by then. */
struct group {
	int			 done;
	int			 fd;		/* the restored file, or -1 */
	size_t			 left;		/* members not yet handled */
	dev_t			 dev;
	ino_t			 ino;
	uint64_t		 size;
	uint8_t			 sha256[32];
	uint32_t		 mode, uid, gid;
	int64_t			 mtime_ns;
};

/* Restored files held open for their groups at most (descriptors). */
#define GROUP_FDS_MAX	256

struct restore {
	struct job		*j;
	struct job_target	 t;
	struct want		*w;
	size_t			 n, cap;
	struct group		*g;
	size_t			 ng, nopen;
	int			 dest;		/* O_PATH */
	int			 root;
	int			 all;		/* prompt answered "all" */
};

/*
 * A listed version is one the user asked for: beneath the pattern's
 * directory (directly, or at any depth with SUBDIR), its last part
 * matching the pattern's last part, active unless -inactive. What else
 * a hostile listing holds is dropped, so a restore of /etc/hosts can
 * never create /etc/cron.d/x.
 */
static int
asked_for(const struct restore *r, const struct bwk_version *v)
{
	size_t dl = strlen(r->t.dir);
	const char *rest, *last, *pat;

	if (!v->active && !r->j->inactive)
		return 0;
	if (strncmp(v->path, r->t.dir, dl) != 0 || v->path[dl] == '\0')
		return 0;
	rest = v->path + dl;
	last = strrchr(rest, '/');
	if (last != NULL && !r->j->c.opt.subdir)
		return 0;
	last = last != NULL ? last + 1 : rest;
	pat = r->t.pat + dl;
	if (*pat == '\0')
		pat = "*";
	/* with SUBDIR, the directories on the way are listed too */
	if (r->j->c.opt.subdir && v->type == BWK_OBJ_DIR)
		return 1;
	return bwk_name_match(pat, last);
}

static int
want_add(void *arg, const struct bwk_version *v)
{
	struct restore *r = arg;
	struct want *w;

	/* only what was asked for: the network process may list anything */
	if (!asked_for(r, v))
		return 0;
	/* newest first within a path: only the first, unless -pick */
	if (r->n > 0 && !r->j->pick &&
	    strcmp(r->w[r->n - 1].v.path, v->path) == 0)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;

		if ((w = reallocarray(r->w, cap, sizeof(*w))) == NULL)
			return -1;
		r->w = w;
		r->cap = cap;
	}
	w = &r->w[r->n];
	w->v = *v;
	w->created = 0;
	w->group = NO_GROUP;
	if ((w->v.path = strdup(v->path)) == NULL ||
	    (w->v.link = strdup(v->link)) == NULL)
		return -1;
	r->n++;
	return 0;
}

static void
want_free(struct restore *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free((char *)r->w[i].v.path);
		free((char *)r->w[i].v.link);
	}
	free(r->w);
	r->w = NULL;
	r->n = r->cap = 0;
	for (i = 0; i < r->ng; i++)
		if (r->g[i].fd != -1)
			close(r->g[i].fd);
	free(r->g);
	r->g = NULL;
	r->ng = 0;
}

/* A file's group: the name its link gives, or its own. */
static const char *
group_key(const struct want *w)
{
	return w->v.link[0] != '\0' ? w->v.link : w->v.path;
}

static const struct want *sort_base;

static int
by_key(const void *a, const void *b)
{
	const struct want *x = &sort_base[*(const size_t *)a];
	const struct want *y = &sort_base[*(const size_t *)b];

	return strcmp(group_key(x), group_key(y));
}

/* The groups of hard links among the files to restore: files that share
 * a key, two at least. Without memory, none: each file then gets its
 * own content, which is still a correct restore. */
static void
groups_make(struct restore *r)
{
	size_t *ix, i, j, m = 0;

	if (r->n < 2 || (ix = calloc(r->n, sizeof(*ix))) == NULL)
		return;
	for (i = 0; i < r->n; i++)
		if (r->w[i].v.type == BWK_OBJ_FILE)
			ix[m++] = i;
	sort_base = r->w;
	qsort(ix, m, sizeof(*ix), by_key);
	if ((r->g = calloc(m ? m : 1, sizeof(*r->g))) == NULL) {
		free(ix);
		return;
	}
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && strcmp(group_key(&r->w[ix[i]]),
		    group_key(&r->w[ix[j]])) == 0; j++)
			;
		if (j - i < 2)
			continue;
		r->g[r->ng].fd = -1;
		r->g[r->ng].left = j - i;
		for (; i < j; i++)
			r->w[ix[i]].group = r->ng;
		r->ng++;
	}
	free(ix);
}

/* A name for the file open at fd, in dir: through /proc's link to it,
 * or (with CAP_DAC_READ_SEARCH) the descriptor itself. */
static int
link_fd(int fd, int dir, const char *name)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dir, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return linkat(fd, "", dir, name, AT_EMPTY_PATH);
}

/*
 * The file as a hard link to its group's restored file: 1 when done (or
 * failed, reported), 0 when that cannot be (none restored yet, another
 * version, other metadata, no link possible here): the caller restores
 * its content instead. The link is made to the file this run wrote,
 * held open, never to a name that may have been replaced meanwhile.
 */
static int
restore_hard_link(struct restore *r, int dir, const char *base,
    const struct want *w, const char *path, int replace)
{
	const struct bwk_version *v = &w->v;
	const struct group *g;
	char tmp[RP_TEMP_MAX + 8];
	struct stat st;
	int fd;

	if (w->group == NO_GROUP || !(g = &r->g[w->group])->done ||
	    g->fd == -1 || g->size != v->size ||
	    memcmp(g->sha256, v->sha256, 32) != 0 || g->mode != v->mode ||
	    g->uid != v->uid || g->gid != v->gid || g->mtime_ns != v->mtime_ns)
		return 0;
	/* the name is that file already (two versions of one name, a
	 * listing that names it twice): nothing to do */
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == g->dev && st.st_ino == g->ino)
		goto done;
	/* a unique name: made as a file, then replaced by the link */
	if ((fd = rp_temp_create(dir, tmp, sizeof(tmp))) == -1)
		return 0;
	close(fd);
	if (unlinkat(dir, tmp, 0) == -1 || link_fd(g->fd, dir, tmp) == -1) {
		rp_discard(dir, tmp);
		return 0;
	}
	if (rp_commit(dir, tmp, base, replace) == -1) {
		rp_discard(dir, tmp);
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		return 1;
	}
	/* a rename onto another name of the same file does nothing, and
	 * would leave the temporary name */
	if (fstatat(dir, tmp, &st, AT_SYMLINK_NOFOLLOW) == 0)
		rp_discard(dir, tmp);
done:
	r->j->sent++;
	/* its bytes were not sent again: the time left counts without them */
	r->j->total_bytes -= r->j->total_bytes >= v->size ? v->size : 0;
	return 1;
}

/* The file just restored, open at fd: its group's from now on, while a
 * descriptor may be kept for it. */
static void
group_done(struct restore *r, const struct want *w, int fd)
{
	struct group *g;
	struct stat st;

	if (w->group == NO_GROUP || (g = &r->g[w->group])->done ||
	    r->nopen >= GROUP_FDS_MAX || fstat(fd, &st) == -1 ||
	    (g->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return;
	r->nopen++;
	g->dev = st.st_dev;
	g->ino = st.st_ino;
	g->size = w->v.size;
	memcpy(g->sha256, w->v.sha256, 32);
	g->mode = w->v.mode;
	g->uid = w->v.uid;
	g->gid = w->v.gid;
	g->mtime_ns = w->v.mtime_ns;
	g->done = 1;
}

/* One member of a group handled, whatever came of it: the group's file
 * is let go after its last. */
static void
group_member_done(struct restore *r, const struct want *w)
{
	struct group *g;

	if (w->group == NO_GROUP || (g = &r->g[w->group])->left == 0 ||
	    --g->left > 0 || g->fd == -1)
		return;
	close(g->fd);
	g->fd = -1;
	r->nopen--;
}

/* -pick: the list, and the numbers the user wants. */
static int
pick(struct restore *r)
{
	char line[1024], shown[512], *p, *end;
	unsigned long a, b, k;
	size_t i, m = 0;
	int *keep;

	for (i = 0; i < r->n; i++)
		fprintf(stderr, "%5zu  %s  %-4s %12llu  %s\n", i + 1,
		    r->w[i].v.active ? "A" : "I", r->w[i].v.type ==
		    BWK_OBJ_FILE ? "FILE" : r->w[i].v.type == BWK_OBJ_DIR ?
		    "DIR" : "LINK", (unsigned long long)r->w[i].v.size,
		    job_printable(r->w[i].v.path, shown, sizeof(shown)));
	fprintf(stderr, "Numbers to restore (1 3-5), or a for all: ");
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return -1;
	if ((keep = calloc(r->n ? r->n : 1, sizeof(*keep))) == NULL)
		return -1;
	for (p = line; *p != '\0';) {
		while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		if (*p == 'a' || *p == 'A') {
			for (i = 0; i < r->n; i++)
				keep[i] = 1;
			break;
		}
		a = strtoul(p, &end, 10);
		if (end == p)
			break;
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (k = a; k <= b && k <= r->n; k++)
			if (k > 0)
				keep[k - 1] = 1;
		p = end;
	}
	for (i = 0; i < r->n; i++) {
		if (keep[i])
			r->w[m++] = r->w[i];
		else {
			free((char *)r->w[i].v.path);
			free((char *)r->w[i].v.link);
		}
	}
	r->n = m;
	free(keep);
	return 0;
}

/* Replace what is there? -replace, or the user's answer. */
static int
may_replace(struct restore *r, const char *shown)
{
	char line[16];

	if (r->j->replace == REPLACE_YES || r->all)
		return 1;
	if (r->j->replace == REPLACE_NO || !isatty(STDIN_FILENO))
		return 0;
	fprintf(stderr, "%s exists. Replace it? (y)es, (n)o, (a)ll: ", shown);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	if (line[0] == 'a' || line[0] == 'A')
		r->all = 1;
	return line[0] == 'y' || line[0] == 'Y' || r->all;
}

static void
set_meta_fd(struct restore *r, int fd, const struct bwk_version *v)
{
	struct timespec ts[2];

	/* the owner as root only; a failure leaves the restorer's, which the
	 * mode below does not widen */
	if (r->root && fchown(fd, v->uid, v->gid) == -1)
		bwk_msg("BWK1766W", "cannot give a restored file its owner %u:%u: "
		    "%s", v->uid, v->gid, strerror(errno));
	/* the set-id bits only where the owner is restored too */
	(void)fchmod(fd, v->mode & (r->root ? 07777 : 0777));
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = (time_t)(v->mtime_ns / 1000000000);
	ts[1].tv_nsec = (long)(v->mtime_ns % 1000000000);
	(void)futimens(fd, ts);
}

static int
restore_file(struct restore *r, int dir, const char *base,
    const struct want *w, const char *path, int replace)
{
	const struct bwk_version *v = &w->v;
	struct bwk_result res;
	char tmp[RP_TEMP_MAX + 8], why[1200];
	int fd, k;

	if (restore_hard_link(r, dir, base, w, path, replace))
		return 0;
	if ((fd = rp_temp_create(dir, tmp, sizeof(tmp))) == -1) {
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		return 0;
	}
	k = bwk_restore_fd(r->j->b, v->version, v->size, v->sha256, fd, &res);
	r->j->partial = 0;
	if (k == -1 || res.status != BWK_OK) {
		close(fd);
		rp_discard(dir, tmp);
		if (k == -1)
			return -1;
		if (res.status == BWK_MISMATCH)
			job_failed(r->j, "BWK1760E", path, "the bytes the server "
			    "sent do not match the backup's size and SHA-256 (its "
			    "copy is damaged); nothing was written under this "
			    "name");
		else {
			snprintf(why, sizeof(why), "%s%s%s", res.id[0] ? res.id :
			    "", res.id[0] ? " " : "", res.text);
			job_failed(r->j, "BWK1761E", path, why);
		}
		return 0;
	}
	/* holes were skipped: the size makes the end of the file */
	if (ftruncate(fd, (off_t)v->size) == -1 || (set_meta_fd(r, fd, v),
	    fsync(fd)) == -1) {
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		close(fd);
		rp_discard(dir, tmp);
		return 0;
	}
	if (rp_commit(dir, tmp, base, replace) == -1) {
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		close(fd);
		return 0;
	}
	group_done(r, w, fd);
	close(fd);
	r->j->sent++;
	r->j->bytes += v->size;
	return 0;
}

static int
restore_link(struct restore *r, int dir, const char *base,
    const struct bwk_version *v, const char *path, int replace)
{
	struct timespec ts[2];
	char tmp[RP_TEMP_MAX + 8];
	int fd;

	/* a unique name: made as a file, then replaced by the link */
	if ((fd = rp_temp_create(dir, tmp, sizeof(tmp))) == -1) {
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		return 0;
	}
	close(fd);
	if (unlinkat(dir, tmp, 0) == -1 || symlinkat(v->link, dir, tmp) == -1) {
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		rp_discard(dir, tmp);
		return 0;
	}
	if (r->root && fchownat(dir, tmp, v->uid, v->gid,
	    AT_SYMLINK_NOFOLLOW) == -1)
		bwk_msg("BWK1766W", "cannot give a restored file its owner %u:%u: "
		    "%s", v->uid, v->gid, strerror(errno));
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = (time_t)(v->mtime_ns / 1000000000);
	ts[1].tv_nsec = (long)(v->mtime_ns % 1000000000);
	(void)utimensat(dir, tmp, ts, AT_SYMLINK_NOFOLLOW);
	if (rp_commit(dir, tmp, base, replace) == -1) {
		job_failed(r->j, "BWK1761E", path, strerror(errno));
		return 0;
	}
	r->j->sent++;
	return 0;
}

/* One version: its name checked, its directory resolved, then by type. */
static int
restore_one(struct restore *r, struct want *w)
{
	const struct bwk_version *v = &w->v;
	char path[8192], shown[1024];
	const char *rel, *base, *why;
	size_t dl = strlen(r->t.dir);
	struct stat st;
	int dir, exists, replace = 0, k = 0;

	snprintf(path, sizeof(path), "%s%s", strcmp(r->t.fs, "/") == 0 ? "" :
	    r->t.fs, v->path);
	job_printable(path, shown, sizeof(shown));
	r->j->inspected++;
	/* the name beneath the pattern's directory; that directory itself
	 * is the destination */
	if (strncmp(v->path, r->t.dir, dl) != 0 || v->path[dl] == '\0') {
		if (v->type != BWK_OBJ_DIR)
			job_failed(r->j, "BWK1762E", path, "the server sent a "
			    "name outside what was asked for; not restored");
		return 0;
	}
	rel = v->path + dl;
	if (rp_name_check(rel, strlen(rel), &why) == -1) {
		job_failed(r->j, "BWK1762E", path, why);
		return 0;
	}
	if ((dir = rp_parent_open(r->dest, rel, &base)) == -1) {
		job_failed(r->j, "BWK1763E", path, errno == ELOOP ||
		    errno == EXDEV ? "a symbolic link in the destination leads "
		    "elsewhere; not restored" : strerror(errno));
		return 0;
	}
	exists = fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (v->type == BWK_OBJ_DIR) {
		if (exists && !S_ISDIR(st.st_mode))
			job_failed(r->j, "BWK1761E", path, "something that is "
			    "not a directory has its name");
		else if (!exists && mkdirat(dir, base, 0700) == -1)
			job_failed(r->j, "BWK1761E", path, strerror(errno));
		else {
			w->created = !exists;
			r->j->sent++;
		}
		close(dir);
		return 0;
	}
	if (exists) {
		if (!may_replace(r, shown)) {
			r->j->skipped++;
			bwk_info("BWK1764I", "%s exists and is not replaced "
			    "(-replace=yes replaces)", shown);
			close(dir);
			return 0;
		}
		replace = 1;
	}
	job_progress(r->j, 0);
	if (v->type == BWK_OBJ_FILE)
		k = restore_file(r, dir, base, w, path, replace);
	else
		k = restore_link(r, dir, base, v, path, replace);
	close(dir);
	return k;
}

/* The directories' modes and times, deepest first. */
static void
finish_dirs(struct restore *r)
{
	const char *rel, *base;
	size_t i, dl = strlen(r->t.dir);
	int dir, fd;

	for (i = r->n; i-- > 0;) {
		const struct bwk_version *v = &r->w[i].v;

		/* a directory that was there keeps its mode, owner and time,
		 * unless -replace=yes */
		if (v->type != BWK_OBJ_DIR || strncmp(v->path, r->t.dir, dl) != 0 ||
		    v->path[dl] == '\0' || (!r->w[i].created &&
		    r->j->replace != REPLACE_YES))
			continue;
		rel = v->path + dl;
		if (rp_name_check(rel, strlen(rel), &base) == -1 ||
		    (dir = rp_parent_open(r->dest, rel, &base)) == -1)
			continue;
		fd = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != -1) {
			set_meta_fd(r, fd, v);
			close(fd);
		}
		close(dir);
	}
}

/*
 * The destination. DEST, as the user typed it (made if missing). Or where
 * the files were: resolved from / one part at a time with no link
 * followed, missing parts made, so that a restore run as root into a
 * user's directory cannot be led elsewhere by a link that user planted.
 */
static int
open_dest(struct restore *r, const char *dest)
{
	char orig[8192], rel[8200];
	const char *base, *why;
	int root;

	if (dest != NULL) {
		if (mkdir(dest, 0700) == -1 && errno != EEXIST) {
			bwk_msg("BWK1765E", "the destination %s cannot be made: "
			    "%s", dest, strerror(errno));
			return -1;
		}
		if ((r->dest = rp_dest_open(dest)) == -1) {
			bwk_msg("BWK1765E", "the destination %s cannot be made: "
			    "%s", dest, strerror(errno));
			return -1;
		}
		return 0;
	}
	snprintf(orig, sizeof(orig), "%s%s", strcmp(r->t.fs, "/") == 0 ? "" :
	    r->t.fs, r->t.dir);
	if ((root = rp_dest_open("/")) == -1) {
		bwk_msg("BWK1765E", "the destination %s cannot be made: %s", orig,
		    strerror(errno));
		return -1;
	}
	if (strcmp(orig, "/") == 0) {
		r->dest = root;
		return 0;
	}
	/* "home/u/docs/" and a last part to stand for the files in it */
	snprintf(rel, sizeof(rel), "%sx", orig + 1);
	if (rp_name_check(rel, strlen(rel), &why) == -1) {
		close(root);
		bwk_msg("BWK1765E", "the destination %s cannot be made: %s", orig,
		    why);
		return -1;
	}
	r->dest = rp_parent_open(root, rel, &base);
	close(root);
	if (r->dest == -1) {
		bwk_msg("BWK1765E", "the destination %s cannot be made: %s", orig,
		    errno == ELOOP || errno == EXDEV ? "a symbolic link on the "
		    "way; restore beneath a DEST instead" : strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_restore(int argc, char **argv)
{
	struct bwk_result res;
	struct restore r;
	struct job j;
	size_t i;
	int rc, k = 0;

	if ((rc = job_args(&j, "restore", argc, argv, 2)) != 0)
		return rc;
	if (j.nwords < 1 || j.nwords > 2)
		return cmd_usage("restore", "restore takes what to restore and, "
		    "optionally, where to", NULL);
	if ((rc = job_start(&j)) != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.j = &j;
	r.dest = -1;
	r.root = geteuid() == 0;
	if ((k = job_target(&j, j.words[0], &r.t)) != 0)
		return job_end(&j, k == -1 ? session_exit_for(j.b) :
		    EXIT_PARTIAL);
	if (bwk_query_backup(j.b, r.t.fs, r.t.pat, (j.inactive ?
	    BWK_Q_INACTIVE : 0) | (j.c.opt.subdir ? BWK_Q_SUBDIR : 0), want_add,
	    &r, &res) == -1) {
		want_free(&r);
		return job_end(&j, session_exit_for(j.b));
	}
	if (res.status != BWK_OK) {
		bwk_msg("BWK1755E", "the server did not list %s: %s %s",
		    j.words[0], res.id, res.text);
		want_free(&r);
		return job_end(&j, EXIT_PARTIAL);
	}
	if (r.n == 0) {
		bwk_info("BWK1756I", "no backup matches");
		want_free(&r);
		return job_end(&j, EXIT_OK);
	}
	if (j.pick && pick(&r) == -1) {
		want_free(&r);
		return job_end(&j, EXIT_USAGE);
	}
	if (open_dest(&r, j.nwords == 2 ? j.words[1] : NULL) == -1) {
		want_free(&r);
		return job_end(&j, EXIT_PARTIAL);
	}
	groups_make(&r);
	for (i = 0; i < r.n; i++)
		j.total_bytes += r.w[i].v.size;
	for (i = 0; i < r.n && k == 0; i++) {
#ifdef BULWARK_TESTING
		/* tests stop a restore at a known object, as a signal would */
		if (getenv("BULWARK_TEST_STOP_AT") != NULL &&
		    (size_t)atoi(getenv("BULWARK_TEST_STOP_AT")) == i)
			raise(SIGTERM);
#endif
		if (job_stopped(&j)) {
			j.failed++;
			break;
		}
		k = restore_one(&r, &r.w[i]);
		group_member_done(&r, &r.w[i]);
	}
	if (k == 0)
		finish_dirs(&r);
	close(r.dest);
	want_free(&r);
	if (k == -1)
		return job_end(&j, session_exit_for(j.b));
	job_progress(&j, 1);
	job_summary(&j, "restored:", "restored");
	return job_end(&j, j.failed > 0 ? EXIT_PARTIAL : EXIT_OK);
}
