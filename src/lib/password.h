/* Reading a password: from standard input, no echo on a terminal. */
#ifndef BWK_PASSWORD_H
#define BWK_PASSWORD_H

#include <stddef.h>

/*
 * One line from standard input into pw (cap bytes, NUL-terminated), the
 * newline cut; prompt (to standard error) and no echo when it is a
 * terminal. Read with read(2), a byte at a time, so no stdio buffer keeps
 * a copy. 0 with *len; -1 for an empty line, end of file before any byte,
 * or a line that does not fit (the rest of it is read and dropped). The
 * caller wipes pw with explicit_bzero.
 */
int	bwk_read_password(const char *prompt, char *pw, size_t cap,
	    size_t *len);

#endif
