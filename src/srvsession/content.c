/*
 * Content files (content.h). The names come from the catalog, which
 * checks them (two hex digits, "/", the same two and 30 more); they are
 * still opened with O_NOFOLLOW and O_EXCL, so a link planted in the data
 * directory is refused rather than written through.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "content.h"

#define CONTENT_NAME_LEN	35

#ifdef BULWARK_TESTING
const char *content_test_fault;

static int
fault(const char *point)
{
	if (content_test_fault == NULL ||
	    strcmp(content_test_fault, point) != 0)
		return 0;
	errno = EIO;
	return 1;
}
#else
#define fault(point)	0
#endif

static int
name_ok(const char *name)
{
	return strlen(name) == CONTENT_NAME_LEN && name[2] == '/' &&
	    strchr(name + 3, '/') == NULL && name[0] != '.';
}

int
content_create(int datafd, const char *name, struct content_w *w)
{
	char dir[3];

	memset(w, 0, sizeof(w[0]));
	w->fd = w->dirfd = -1;
	if (!name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dir, name, 2);
	dir[2] = '\0';
	if (mkdirat(datafd, dir, 0700) == 0)
		w->made_dir = 1;
	else if (errno != EEXIST)
		return -1;
	if ((w->dirfd = openat(datafd, dir, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if ((w->fd = openat(w->dirfd, name + 3, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1 ||
	    wc_InitSha256(&w->sha) != 0) {
		int e = w->fd == -1 ? errno : EIO;

		if (w->fd != -1) {
			close(w->fd);
			(void)unlinkat(w->dirfd, name + 3, 0);
		}
		close(w->dirfd);
		w->fd = w->dirfd = -1;
		errno = e;
		return -1;
	}
	w->datafd = datafd;
	memcpy(w->name, name, CONTENT_NAME_LEN + 1);
	return 0;
}

int
content_write(struct content_w *w, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	ssize_t k;

	if (w->err != 0) {
		errno = w->err;
		return -1;
	}
	if (n > UINT32_MAX || wc_Sha256Update(&w->sha, p, (word32)n) != 0) {
		w->err = EIO;
		errno = EIO;
		return -1;
	}
	while (n > 0) {
		if ((k = fault("write") ? -1 : write(w->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			w->err = errno;
			return -1;
		}
		p += k;
		n -= (size_t)k;
		w->size += (uint64_t)k;
	}
	return 0;
}

int
content_finish(struct content_w *w, uint64_t *size, uint8_t sha256[32])
{
	int e = w->err;

	/* the file, then its name, then (a new ab/) the directory's name */
	if (e == 0 && (fault("fsync") || fsync(w->fd) == -1 ||
	    fsync(w->dirfd) == -1 ||
	    (w->made_dir && fsync(w->datafd) == -1)))
		e = errno;
	if (e == 0 && wc_Sha256Final(&w->sha, sha256) != 0)
		e = EIO;
	if (e != 0) {
		content_abort(w);
		errno = e;
		return -1;
	}
	wc_Sha256Free(&w->sha);
	*size = w->size;
	close(w->fd);
	close(w->dirfd);
	w->fd = w->dirfd = -1;
	return 0;
}

void
content_abort(struct content_w *w)
{
	if (w->fd != -1) {
		close(w->fd);
		(void)unlinkat(w->dirfd, w->name + 3, 0);
	}
	if (w->dirfd != -1)
		close(w->dirfd);
	wc_Sha256Free(&w->sha);
	w->fd = w->dirfd = -1;
}

int
content_open(int datafd, const char *name)
{
	char dir[3];
	int d, fd, e;

	if (!name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dir, name, 2);
	dir[2] = '\0';
	if ((d = openat(datafd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	fd = openat(d, name + 3, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	close(d);
	errno = e;
	return fd;
}

int
content_remove(int datafd, const char *name)
{
	char dir[3];
	int d, r, e;

	if (!name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dir, name, 2);
	dir[2] = '\0';
	if ((d = openat(datafd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	r = unlinkat(d, name + 3, 0);
	e = errno;
	close(d);
	if (r == -1 && e != ENOENT) {
		errno = e;
		return -1;
	}
	return 0;
}
