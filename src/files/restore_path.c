/*
 * Names from the server, resolved beneath the restore's destination
 * (restore_path.h). Written by hand because no packaged library checks a
 * peer's path against these rules; the resolution itself is the
 * kernel's (openat2), which sees the tree as it is at each step, so a
 * link swapped in between a check and a use is still refused.
 */
#define _GNU_SOURCE		/* renameat2 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "restore_path.h"

/*
 * Beneath the destination, and no link of any kind on the way. Mount
 * points are crossed: a restore to / goes into /home as the backup came
 * from it.
 */
#define RP_RESOLVE	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | \
			 RESOLVE_NO_MAGICLINKS)

/* glibc 2.36 has no openat2() wrapper. */
static int
rp_openat2(int dir, const char *name, uint64_t flags, uint64_t mode)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.mode = mode;
	how.resolve = RP_RESOLVE;
	return (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
}

static int
part_check(const char *p, size_t n, const char **why)
{
	if (n == 0) {
		*why = "an empty part (\"//\", or a / at the end)";
		return -1;
	}
	if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
		*why = "a \".\" or \"..\" part";
		return -1;
	}
	if (n > RP_PART_MAX) {
		*why = "a part longer than 255 bytes";
		return -1;
	}
	if (n >= sizeof(RP_TEMP_PREFIX) - 1 &&
	    memcmp(p, RP_TEMP_PREFIX, sizeof(RP_TEMP_PREFIX) - 1) == 0) {
		*why = "a part named like the restore's temporary files";
		return -1;
	}
	return 0;
}

int
rp_name_check(const char *name, size_t n, const char **why)
{
	const char *p, *end, *slash;

	if (n == 0 || n > RP_NAME_MAX) {
		*why = n == 0 ? "an empty name" : "a name longer than 4,095 bytes";
		return -1;
	}
	if (memchr(name, '\0', n) != NULL) {
		*why = "a NUL byte in the name";
		return -1;
	}
	if (name[0] == '/') {
		*why = "an absolute name";
		return -1;
	}
	for (p = name, end = name + n; ; p = slash + 1) {
		slash = memchr(p, '/', (size_t)(end - p));
		if (part_check(p, (size_t)((slash != NULL ? slash : end) - p),
		    why) == -1)
			return -1;
		if (slash == NULL)
			return 0;
	}
}

int
rp_dest_open(const char *path)
{
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* One step down: the part made if missing, then opened as a directory. */
static int
step(int dir, const char *part)
{
	int fd;

	if (mkdirat(dir, part, 0700) == -1 && errno != EEXIST)
		return -1;
	/*
	 * A link here, there before or put there since, is ELOOP
	 * (RESOLVE_NO_SYMLINKS; O_NOFOLLOW would open the link itself and
	 * say ENOTDIR, which names the wrong cause).
	 */
	fd = rp_openat2(dir, part, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	return fd;
}

int
rp_parent_open(int dest, const char *name, const char **base)
{
	char part[RP_PART_MAX + 1];
	const char *p = name, *slash;
	int dir, next, e;
	size_t n;

	if ((dir = rp_openat2(dest, ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
	    0)) == -1)
		return -1;
	while ((slash = strchr(p, '/')) != NULL) {
		n = (size_t)(slash - p);
		if (n == 0 || n > RP_PART_MAX) {
			close(dir);
			errno = EINVAL;
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		next = step(dir, part);
		e = errno;
		close(dir);
		if (next == -1) {
			errno = e;
			return -1;
		}
		dir = next;
		p = slash + 1;
	}
	*base = p;
	return dir;
}

int
rp_temp_create(int dir, char *tmp, size_t tmplen)
{
	uint8_t r[8];
	int fd, tries;

	if (tmplen < RP_TEMP_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (tries = 0; tries < 8; tries++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		snprintf(tmp, tmplen, RP_TEMP_PREFIX "%02x%02x%02x%02x%02x%02x"
		    "%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
		fd = rp_openat2(dir, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int
rp_commit(int dir, const char *tmp, const char *base, int replace)
{
	int e, d;

	if (renameat2(dir, tmp, dir, base, replace ? 0 : RENAME_NOREPLACE) ==
	    -1) {
		e = errno;
		(void)unlinkat(dir, tmp, 0);
		errno = e;
		return -1;
	}
	/* an O_PATH descriptor cannot be fsynced: the directory itself */
	if ((d = rp_openat2(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	    0)) == -1)
		return -1;
	e = fsync(d);
	close(d);
	return e;
}

void
rp_discard(int dir, const char *tmp)
{
	(void)unlinkat(dir, tmp, 0);
}
