/*
 * Which files a backup covers: the old client's include and exclude
 * statements (INCLEXCL, and INCLUDE/EXCLUDE in the options files), with
 * its meaning, on the file side.
 *
 * Patterns are absolute. Within a name, "*" matches any run of bytes
 * (none included) and "?" one byte, neither a "/"; "[a-z_]" one byte of
 * a class (ranges allowed; "[!...]" or "[^...]" one byte not in it). A
 * level that is "..." alone matches any number of directory levels, none
 * included: "/home/.../" then "*.o" is every .o file beneath /home.
 *
 * As the old client does: EXCLUDE.DIR statements are applied first,
 * wherever they stand, and cannot be overridden: a directory they match
 * is not entered, and nothing beneath it is backed up. The other
 * statements are read from the bottom up, and the first whose pattern
 * matches a file decides; a file no statement matches is included.
 */
#ifndef BULWARK_FILES_INCLEXCL_H
#define BULWARK_FILES_INCLEXCL_H

#include <stddef.h>

#define IE_PATTERN_MAX	1024	/* a pattern's bytes, its NUL included */
#define IE_CLASS_MAX	30	/* a management class's bytes */

enum ie_kind {
	IE_INCLUDE,
	IE_EXCLUDE,
	IE_EXCLUDE_DIR,
	IE_EXCLUDE_FS,		/* a whole file system (a DOMAIN entry) */
};

struct ie_rule {
	enum ie_kind	 kind;
	const char	*pattern;	/* absolute */
	const char	*mgmtclass;	/* "" when none */
	int		 line;		/* where it came from, for query */
};

struct ie_list {
	const struct ie_rule	*rules;	/* in the order of the file */
	size_t			 n;
};

/* The statement's name as the old client writes it: "EXCLUDE.DIR". */
const char	*ie_kind_name(enum ie_kind);
/* 0 and the kind for INCLUDE, EXCLUDE (and its .BACKUP and .FILE
 * forms), EXCLUDE.DIR, EXCLUDE.FS, in any case; -1 otherwise. */
int		 ie_kind_parse(const char *, enum ie_kind *);

/*
 * The one grammar of a pattern, in the options files and in an INCLEXCL
 * file alike: 1 when s is one, 0 when not. Absolute, shorter than
 * IE_PATTERN_MAX, no control character; no empty, "." or ".." level;
 * "..." only as a whole level and not the last; no other "..." inside a
 * name; each "[" closed by a "]" within its name, with a byte between.
 */
int	ie_pattern_ok(const char *s);
/* A management class: 1 to IE_CLASS_MAX letters, digits and "_ - ."; 1 or 0. */
int	ie_class_ok(const char *s);

/*
 * 1 when path (absolute, no "//", no "/" at the end but for "/" itself)
 * matches pattern, 0 when not. Work is bounded by the product of the
 * two lengths: no pattern makes it explode.
 */
int	ie_match(const char *pattern, const char *path);

/* The EXCLUDE.DIR statement that keeps the walk out of directory dir,
 * or NULL: enter it. */
const struct ie_rule *ie_dir_excluded(const struct ie_list *,
	    const char *dir);

/*
 * The statements' indices in the order they are applied, as the old
 * client's query inclexcl lists them ("match from top down"): the
 * EXCLUDE.FS statements, then the EXCLUDE.DIR ones, then the others from
 * the bottom up; each group from the bottom of the list up. idx holds
 * l->n indices.
 */
void	ie_eval_order(const struct ie_list *, size_t *idx);

/*
 * 1 when file path is backed up, 0 when not; *by is the statement that
 * decided (NULL when none matched: included by default). The caller has
 * kept the walk out of excluded directories.
 */
int	ie_file_included(const struct ie_list *, const char *path,
	    const struct ie_rule **by);

#endif
