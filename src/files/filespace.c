/*
 * Filespaces (filespace.h). The mount point is found by device numbers,
 * as df(1) does, rather than by reading /proc/self/mountinfo: it needs no
 * parsing of a text the kernel escapes, and it agrees with the walk,
 * which stays on one device.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "filespace.h"

/* The whole of arg resolved, links and all. */
static int
resolved(const char *arg, char out[FS_PATH_MAX])
{
	char real[PATH_MAX];

	if (realpath(arg, real) == NULL)
		return -1;
	if (strlen(real) >= FS_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(out, real);
	return 0;
}

int
fs_canonical(const char *arg, char out[FS_PATH_MAX])
{
	char dir[FS_PATH_MAX], real[PATH_MAX];
	const char *base;
	size_t n = strlen(arg);

	if (n == 0 || n >= FS_PATH_MAX) {
		errno = n == 0 ? ENOENT : ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, arg, n + 1);
	/* "link/" names the directory the link leads to, as in the shell */
	if (n > 1 && arg[n - 1] == '/')
		return resolved(arg, out);
	if ((base = strrchr(dir, '/')) == NULL) {
		base = dir;
		if (realpath(".", real) == NULL)
			return -1;
	} else {
		dir[base - dir] = '\0';
		base++;
		if (realpath(dir[0] == '\0' ? "/" : dir, real) == NULL)
			return -1;
	}
	/* "/" itself, ".", "..": the directory they name */
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return resolved(arg, out);
	if (strlen(real) + 1 + strlen(base) >= FS_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(out, real);
	if (strcmp(out, "/") != 0)
		strcat(out, "/");
	strcat(out, base);
	return 0;
}

int
fs_name_of(const char *fs, const char *abs, char name[FS_PATH_MAX])
{
	size_t n = strlen(fs);

	if (strcmp(fs, "/") == 0) {
		strcpy(name, abs);
		return 0;
	}
	if (strncmp(abs, fs, n) != 0 || (abs[n] != '\0' && abs[n] != '/')) {
		errno = EXDEV;
		return -1;
	}
	strcpy(name, abs[n] == '\0' ? "/" : abs + n);
	return 0;
}

int
fs_locate(const char *abs, char fs[FS_PATH_MAX], char name[FS_PATH_MAX])
{
	char up[FS_PATH_MAX];
	struct stat st;
	dev_t dev;
	char *slash;

	if (abs[0] != '/' || strlen(abs) >= FS_PATH_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (lstat(abs, &st) == -1)
		return -1;
	dev = st.st_dev;
	strcpy(fs, abs);
	/* climb while the parent is on the same device */
	while (strcmp(fs, "/") != 0) {
		strcpy(up, fs);
		slash = strrchr(up, '/');
		if (slash == up)
			up[1] = '\0';
		else
			*slash = '\0';
		if (stat(up, &st) == -1)
			return -1;
		if (st.st_dev != dev)
			break;
		strcpy(fs, up);
	}
	/* a file (not a directory) cannot be a mount point's name here */
	if (lstat(fs, &st) == 0 && !S_ISDIR(st.st_mode)) {
		strcpy(up, fs);
		slash = strrchr(up, '/');
		if (slash == up)
			up[1] = '\0';
		else
			*slash = '\0';
		strcpy(fs, up);
	}
	return fs_name_of(fs, abs, name);
}
