/* Where the key database lives: see dbdir.h. */
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
