/*
 * Reading an options file. The files choose the server's address, its
 * port and whether first use pins a certificate, so they are checked like
 * the key database before a byte of them is used (OpenSSH's StrictModes):
 * a regular file that belongs to the user or to root and that no other
 * user can change, in directories, up to and including /, that no other
 * user can change (sticky ones, as /tmp, excepted). Unlike the key
 * database they may be read by anyone: they hold no secret, and every
 * user who runs sessions must be able to read the system file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/safe_path.h"
#include "../lib/util.h"
#include "options_int.h"

static int
fail(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bwk_vmsg(id, fmt, ap);
	va_end(ap);
	return -1;
}

/* Owner and mode of the file itself (s: its name, sanitized). */
static int
check_file(const char *s, const struct stat *st)
{
	char who[32], me[32];
	uid_t uid = geteuid();

	if (S_ISDIR(st->st_mode))
		return fail("BWK0801E", "%s: is a directory; name the options "
		    "file in it", s);
	if (!S_ISREG(st->st_mode))
		return fail("BWK0801E", "%s: not a regular file; name an "
		    "options file", s);
	if (st->st_uid != uid && st->st_uid != 0)
		return fail("BWK0830E", "%s: belongs to %s; an options file "
		    "must belong to you or to root, or another user could "
		    "choose your server: fix: chown %s %s", s,
		    bwk_user_name(st->st_uid, who), bwk_user_name(uid, me), s);
	if ((st->st_mode & 022) != 0)
		return fail("BWK0831E", "%s: can be changed by other users "
		    "(mode %04o), who could choose your server and its "
		    "certificate; fix: chmod go-w %s", s,
		    (unsigned)(st->st_mode & 07777), s);
	return 0;
}

static int
open_failed(const char *s, int err, int optional)
{
	if (err == ENOENT && optional)
		return 1;
	if (err == EACCES)
		return fail("BWK0833E", "%s: this user cannot read the options "
		    "file (%s); it holds no secret, and the system options "
		    "file must be readable by every user who runs sessions: "
		    "fix: chmod a+r %s, and let its directories be searched "
		    "(chmod a+x)", s, strerror(err), s);
	return fail("BWK0800E", "%s: cannot open the options file: %s", s,
	    strerror(err));
}

int
opt_read_file(const char *path, int optional, uint8_t **buf, size_t *len)
{
	struct stat st;
	char s[1024];
	int fd, save;

	bwk_sanitize(path, s, sizeof(s));
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1)
		return open_failed(s, errno, optional);
	if (bwk_fstat(fd, &st) == -1) {
		save = errno;
		close(fd);
		return fail("BWK0800E", "%s: cannot read the options file: %s",
		    s, strerror(save));
	}
	if (check_file(s, &st) == -1 || bwk_check_path(path, s, &st, "BWK0832E") == -1) {
		close(fd);
		return -1;
	}
	if (bwk_read_fd(fd, OPT_MAX_FILE, buf, len) != 0) {
		save = errno;
		close(fd);
		if (save == EFBIG)
			return fail("BWK0802E", "%s: larger than %d KiB; an "
			    "options file holds a few lines of text: check "
			    "that this is the right file", s,
			    OPT_MAX_FILE / 1024);
		return fail("BWK0800E", "%s: cannot read the options file: %s",
		    s, strerror(save));
	}
	close(fd);
	return 0;
}
