/*
 * bulwark's command line, in the forms bulwark-cert takes too: --opt=value
 * and --opt value for Bulwark's long options, -opt=value and -opt value in
 * the seed's spelling, and -h, -help, --help, -version and --version after
 * any command.
 */
#ifndef BWK_ARGS_H
#define BWK_ARGS_H

#include <stddef.h>

int	arg_is_help(const char *);
int	arg_is_version(const char *);
/*
 * -name, --name, -name=value, --name=value: 0 with the name in name[]
 * and *value after '=' (NULL without one); -1 for an argument that is no
 * option (no dash, a bare "-" or "--", or a name too long).
 */
int	arg_split(const char *a, char *name, size_t namelen,
	    const char **value);

/* Bulwark's own options of a command, and whether each takes a value. */
struct arg_def {
	const char	*name;		/* "ca" */
	const char	*dashed;	/* "--ca", what the parser reads */
	int		 has_value;
};

/*
 * Rewrites argv[from..argc) into out[1..] in the one form the command's
 * own parser reads, "--name" then its value as the next argument, for the
 * options of defs (a NULL name ends them); other arguments are kept as
 * they are, for that parser to refuse. out[0] is argv[from - 1], the
 * command. Returns the count (out[count] is NULL), or -1 when out, of cap
 * pointers, is too small.
 */
int	arg_canonical(int argc, char **argv, int from,
	    const struct arg_def *defs, char **out, size_t cap);

#endif
