/*
 * The checks of a trusted file's directories (safe_path.h): used for the
 * options files and the include-exclude file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "safe_path.h"
#include "util.h"

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

const char *
bwk_user_name(uid_t uid, char buf[32])
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && strlen(pw->pw_name) < 32)
		snprintf(buf, 32, "%s", pw->pw_name);
	else
		snprintf(buf, 32, "%u", (unsigned)uid);
	return buf;
}

/*
 * Every directory above the file (resolved), up to and including "/":
 * owned by the user or root, and not writable by others unless sticky.
 */
static int
check_ancestors(const char *resolved, const char *s, const char *id)
{
	char up[PATH_MAX], dir[PATH_MAX], who[32], me[32], *slash;
	struct stat st;
	uid_t uid = geteuid();

	snprintf(up, sizeof(up), "%s", resolved);
	while ((slash = strrchr(up, '/')) != NULL) {
		if (slash == up)
			slash[1] = '\0';	/* the root itself, last */
		else
			*slash = '\0';
		bwk_sanitize(up, dir, sizeof(dir));
		if (stat(up, &st) == -1)
			return fail(id, "%s: cannot check %s, on the way to it: "
			    "%s; refusing a file whose directories cannot be "
			    "checked", s, dir, strerror(errno));
		if (st.st_uid != uid && st.st_uid != 0)
			return fail(id, "%s: the directory %s, on the way to "
			    "it, belongs to %s, who could replace it; fix: "
			    "chown %s %s", s, dir, bwk_user_name(st.st_uid, who),
			    bwk_user_name(uid, me), dir);
		if ((st.st_mode & 022) != 0 && !(st.st_mode & S_ISVTX))
			return fail(id, "%s: the directory %s, on the way to "
			    "it, can be changed by other users (mode %04o), who "
			    "could replace it; fix: chmod go-w %s", s, dir,
			    (unsigned)(st.st_mode & 07777), dir);
		if (slash == up)
			break;
	}
	return 0;
}

int
bwk_check_path(const char *path, const char *s, const struct stat *fst,
    const char *id)
{
	char resolved[PATH_MAX];
	struct stat st;

	if (realpath(path, resolved) == NULL || stat(resolved, &st) == -1)
		return fail(id, "%s: cannot resolve its directories: %s", s,
		    strerror(errno));
	if (st.st_dev != fst->st_dev || st.st_ino != fst->st_ino)
		return fail(id, "%s: was replaced while it was being checked; "
		    "check who can change its directories", s);
	return check_ancestors(resolved, s, id);
}
