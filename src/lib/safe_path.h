/*
 * The checks of a file whose contents decide what a program trusts or
 * does (an options file, an include-exclude file), before a byte of it
 * is used, as OpenSSH's StrictModes: the directories above it, up to and
 * including /, belong to the user or to root and no other user can
 * change them (sticky ones, as /tmp, excepted), and the open file is the
 * one its resolved name leads to. One checker, so that the files it
 * guards cannot drift apart.
 */
#ifndef BWK_LIB_SAFE_PATH_H
#define BWK_LIB_SAFE_PATH_H

#include <sys/stat.h>
#include <sys/types.h>

/* A user's name for a message, or the number. */
const char *bwk_user_name(uid_t uid, char buf[32]);

/*
 * path, open with fst its fstat, is what its resolved name leads to, and
 * each directory above it is as above. s is path sanitized for messages;
 * id the caller's message ID for what is wrong (each form is the same
 * for every caller: docs/messages.md, BWK0832E). 0, or -1 after one
 * message.
 */
int	bwk_check_path(const char *path, const char *s, const struct stat *fst,
	    const char *id);

#endif
