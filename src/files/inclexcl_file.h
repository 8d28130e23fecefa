/*
 * An INCLEXCL file: the old client's include-exclude file, a file of
 * INCLUDE, EXCLUDE, EXCLUDE.DIR and EXCLUDE.FS statements that the
 * INCLEXCL option of a stanza names. Read on the file side, since it
 * chooses which of the user's files a backup reads.
 *
 * The file chooses what is backed up (and what is not, which matters as
 * much: a secret excluded today must not be sent tomorrow), so it is
 * checked like the options files before a byte of it is used: a regular
 * file, not a link (O_NOFOLLOW), that belongs to the user or to root and
 * that no other user can change, in directories, up to and including /,
 * that no other user can change (sticky ones excepted).
 *
 * Its lines are read with the options files' statement grammar: blank
 * lines and lines whose first non-blank is '*' or '#' are comments; a
 * statement is its name (any case, written in full), blanks, a pattern
 * (quoted with "..." or '...' when it holds blanks), for the INCLUDE
 * forms an optional management class, and nothing after it. Patterns
 * follow ie_pattern_ok (inclexcl.h). The old client's statements for
 * other services (.ARCHIVE, .COMPRESSION, .DEDUP, EXCLUDE.ENCRYPT) are
 * checked and not followed, named in one note; INCLUDE.ENCRYPT is
 * refused, as in the options files. Any error is one BWK17xxE message
 * that names the file, the line, the statement and the fix.
 */
#ifndef BULWARK_FILES_INCLEXCL_FILE_H
#define BULWARK_FILES_INCLEXCL_FILE_H

#include <stddef.h>

#include "inclexcl.h"

#define IEF_MAX_FILE	(1024 * 1024)	/* bytes of a file */
#define IEF_MAX_LINE	1024		/* bytes of a line, without EOL */
#define IEF_MAX_RULES	16384		/* statements of a file */
#define IEF_NAME_MAX	1024		/* the file's name, for messages */
#define IEF_NOTE_LEN	2048

struct ie_file {
	/* the statements followed, in the order of the file; each rule's
	 * line is its line in the file */
	struct ie_rule	*rules;
	size_t		 n;
	char		 name[IEF_NAME_MAX];	/* sanitized */
	/* "" or "NAME: accepted and not followed: ..." (BWK1717I) */
	char		 note[IEF_NOTE_LEN];
	char		*text;			/* the patterns, the classes */
};

/*
 * Parses the file's bytes (untrusted; fuzzed): name names it in the
 * messages. 0 with *out filled (free it with ie_file_free), or -1 after
 * one message, with *out empty (ie_file_free may still be called).
 */
int	ie_file_parse(const char *name, const char *buf, size_t len,
	    struct ie_file *out);
/* Reads path after the permission checks, then parses it; 0 or -1. */
int	ie_file_read(const char *path, struct ie_file *out);
void	ie_file_free(struct ie_file *);

#endif
