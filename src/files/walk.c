/*
 * The walk (walk.h). By hand rather than nftw(3): nftw follows a path
 * string from the top for every entry (so a directory swapped for a link
 * mid-walk redirects it), gives no descriptor to open an entry relative
 * to, and orders nothing; fts(3) shares the first two problems on glibc.
 */
#define _GNU_SOURCE		/* O_PATH */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walk.h"

struct walk {
	const struct walk_opts	*o;
	walk_fn			 fn;
	void			*arg;
	dev_t			 dev;		/* the file system walked */
	char			 path[WALK_PATH_MAX + 1];
};

static int
report(struct walk *w, enum walk_what what, int dirfd, const char *name,
    const struct stat *st, int err)
{
	struct walk_entry e;

	memset(&e, 0, sizeof(e));
	e.what = what;
	e.path = w->path;
	e.name = name;
	e.dirfd = dirfd;
	e.err = err;
	if (st != NULL)
		e.st = *st;
	e.included = 1;
	if (what == WALK_ENTRY && w->o->rules != NULL && !S_ISDIR(st->st_mode))
		e.included = ie_file_included(w->o->rules, w->path, &e.by);
	return w->fn(w->arg, &e);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the directory open on fd, sorted; NULL with errno. */
static char **
read_names(int fd, size_t *n)
{
	char **names = NULL, **more;
	size_t cap = 0;
	struct dirent *d;
	DIR *dir;
	int dfd;

	*n = 0;
	if ((dfd = dup(fd)) == -1)
		return NULL;
	if ((dir = fdopendir(dfd)) == NULL) {
		close(dfd);
		return NULL;
	}
	errno = 0;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			if ((more = realloc(names, cap * sizeof(*names))) == NULL)
				goto fail;
			names = more;
		}
		if ((names[*n] = strdup(d->d_name)) == NULL)
			goto fail;
		(*n)++;
		errno = 0;
	}
	if (errno != 0)
		goto fail;
	closedir(dir);
	if (*n > 0)
		qsort(names, *n, sizeof(*names), by_name);
	return names != NULL ? names : calloc(1, sizeof(*names));
fail:
	{
		int e = errno;

		closedir(dir);
		while (*n > 0)
			free(names[--(*n)]);
		free(names);
		errno = e;
	}
	return NULL;
}

static void
free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

static int	walk_dir(struct walk *, int fd, size_t len);

/* One entry of the directory on dirfd; w->path is its path. */
static int
walk_one(struct walk *w, int dirfd, const char *name, size_t len)
{
	const struct ie_rule *by;
	struct stat st;
	int fd, r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return report(w, WALK_ERROR, dirfd, name, NULL, errno);
	if (!S_ISDIR(st.st_mode))
		return report(w, WALK_ENTRY, dirfd, name, &st, 0);
	if (w->o->rules != NULL &&
	    (by = ie_dir_excluded(w->o->rules, w->path)) != NULL) {
		struct walk_entry e;

		memset(&e, 0, sizeof(e));
		e.what = WALK_EXCLUDED_DIR;
		e.path = w->path;
		e.name = name;
		e.dirfd = dirfd;
		e.st = st;
		e.by = by;
		return w->fn(w->arg, &e);
	}
	if (st.st_dev != w->dev)
		return report(w, WALK_MOUNT, dirfd, name, &st, 0);
	if ((r = report(w, WALK_ENTRY, dirfd, name, &st, 0)) != 0 ||
	    w->o->one_level)
		return r;
	/* the directory seen above, or a link put there since: ELOOP */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return report(w, WALK_ERROR, dirfd, name, NULL, errno);
	r = walk_dir(w, fd, len);
	close(fd);
	return r;
}

/* What is beneath the directory on fd, whose path is w->path[0..len). */
static int
walk_dir(struct walk *w, int fd, size_t len)
{
	char **names;
	size_t n, i, nl, sep = len > 1 ? 1 : 0;	/* "/" has its slash */
	int r = 0;

	if ((names = read_names(fd, &n)) == NULL)
		return report(w, WALK_ERROR, fd, ".", NULL, errno);
	for (i = 0; i < n && r == 0; i++) {
		nl = strlen(names[i]);
		if (len + sep + nl > WALK_PATH_MAX) {
			w->path[len] = '\0';
			r = report(w, WALK_ERROR, fd, names[i], NULL,
			    ENAMETOOLONG);
			continue;
		}
		if (sep)
			w->path[len] = '/';
		memcpy(w->path + len + sep, names[i], nl + 1);
		r = walk_one(w, fd, names[i], len + sep + nl);
		w->path[len] = '\0';
	}
	free_names(names, n);
	return r;
}

int
walk_tree(const char *root, const struct walk_opts *o, walk_fn fn,
    void *arg)
{
	struct walk w;
	struct stat st;
	size_t len = strlen(root);
	int fd, r;

	if (root[0] != '/' || len > WALK_PATH_MAX) {
		errno = root[0] != '/' ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.fn = fn;
	w.arg = arg;
	memcpy(w.path, root, len + 1);
	/* "/a/b/" is "/a/b" */
	while (len > 1 && w.path[len - 1] == '/')
		w.path[--len] = '\0';
	if (lstat(w.path, &st) == -1)
		return -1;
	w.dev = st.st_dev;
	if (!S_ISDIR(st.st_mode) || !o->subdirs)
		return report(&w, WALK_ENTRY, AT_FDCWD, w.path, &st, 0);
	if (o->rules != NULL && ie_dir_excluded(o->rules, w.path) != NULL) {
		struct walk_entry e;

		memset(&e, 0, sizeof(e));
		e.what = WALK_EXCLUDED_DIR;
		e.path = e.name = w.path;
		e.dirfd = AT_FDCWD;
		e.st = st;
		e.by = ie_dir_excluded(o->rules, w.path);
		return fn(arg, &e);
	}
	if ((r = report(&w, WALK_ENTRY, AT_FDCWD, w.path, &st, 0)) != 0)
		return r;
	if ((fd = open(w.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	r = walk_dir(&w, fd, len);
	close(fd);
	return r;
}
