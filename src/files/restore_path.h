/*
 * The file side's half of a restore: a name that came from the server
 * becomes a file beneath the destination, and only once its contents
 * were verified.
 *
 * The network process parses what the server sends and opens nothing;
 * the file side (the bulwark parent) re-validates every name it is
 * handed, since the process that handed it may be owned by a hostile
 * server, and resolves it with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so neither "..", nor an absolute name, nor a
 * symbolic link planted in the destination (before or during the
 * restore) can lead a write outside it. A file is written under a
 * temporary name in its final directory and renamed into place after
 * its SHA-256 matched; until then nothing under its name changes.
 */
#ifndef BULWARK_FILES_RESTORE_PATH_H
#define BULWARK_FILES_RESTORE_PATH_H

#include <stddef.h>

/* A name from the server: at most this many bytes, each part at most
 * RP_PART_MAX (Linux's PATH_MAX and NAME_MAX, less the terminator). */
#define RP_NAME_MAX	4095
#define RP_PART_MAX	255
/* The temporary name: a prefix no restored file is given, and random. */
#define RP_TEMP_PREFIX	".bwk-restore."
#define RP_TEMP_MAX	(sizeof(RP_TEMP_PREFIX) + 16)

/*
 * 0 when name (n bytes, not terminated) may be restored beneath a
 * destination: relative, no NUL, no empty, "." or ".." part, no part
 * longer than RP_PART_MAX, at most RP_NAME_MAX bytes, and no part that
 * starts with RP_TEMP_PREFIX. -1 otherwise, *why saying which rule.
 */
int	rp_name_check(const char *name, size_t n, const char **why);

/* The destination directory, opened O_PATH; -1 with errno. */
int	rp_dest_open(const char *path);

/*
 * The directory that will hold name (its parts but the last), made
 * where missing (mode 0700 until the restore sets the real one), each
 * step resolved beneath dest with no symbolic link followed. *base
 * points at name's last part. A descriptor, or -1 with errno (ELOOP or
 * EXDEV for a link or an escape, ENOTDIR for a part that is a file).
 * name must have passed rp_name_check.
 */
int	rp_parent_open(int dest, const char *name, const char **base);

/*
 * A new, empty file in dir under a temporary name (written to tmp, at
 * least RP_TEMP_MAX bytes), mode 0600, opened for writing. -1 with errno.
 */
int	rp_temp_create(int dir, char *tmp, size_t tmplen);

/*
 * The temporary file becomes base: the contents were verified. With
 * replace 0 an existing base is left alone (EEXIST, the temporary file
 * removed). The directory is fsynced so the name survives a crash.
 */
int	rp_commit(int dir, const char *tmp, const char *base, int replace);

/* The temporary file goes: the contents did not match, or the session
 * ended. Never fails in a way the caller could act on. */
void	rp_discard(int dir, const char *tmp);

#endif
