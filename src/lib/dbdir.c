/* Where the key database lives: see dbdir.h. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dbdir.h"
#include "msg.h"

int
bwk_kdb_dir(const char *opt, char *out, size_t outlen)
{
	const char *env, *home;
	int n;

	if (opt != NULL && *opt != '\0')
		n = snprintf(out, outlen, "%s", opt);
	else if ((env = getenv("BULWARK_DIR")) != NULL && *env != '\0')
		n = snprintf(out, outlen, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(out, outlen, "%s", BWK_KDB_SYSTEM_DIR);
	else if ((env = getenv("XDG_CONFIG_HOME")) != NULL && env[0] == '/')
		n = snprintf(out, outlen, "%s/bulwark", env);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		n = snprintf(out, outlen, "%s/.config/bulwark", home);
	else {
		bwk_msg("BWK0116E", "no key-database directory: HOME is not "
		    "set; give one with -db DIR or BULWARK_DIR");
		return -1;
	}
	if (n < 0 || (size_t)n >= outlen) {
		bwk_msg("BWK0116E", "the key-database directory name is too "
		    "long");
		return -1;
	}
	return 0;
}

#ifndef BULWARK_KEYD_PATH
#define BULWARK_KEYD_PATH "/nonexistent/bulwark-keyd"	/* fuzz builds */
#endif

/* The helper's own test, bulwark-keyd.c: setgid to a group not ours. */
int
bwk_sessions_use_system_db(void)
{
	struct stat st;

	return getuid() != 0 && stat(BULWARK_KEYD_PATH, &st) == 0 &&
	    (st.st_mode & S_ISGID) && st.st_gid != getgid();
}

int
bwk_same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) == -1 || stat(b, &sb) == -1)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
