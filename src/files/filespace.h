/*
 * Where a local file lives on the server: its filespace (the mount
 * point of its file system, as the old client names them: "/home") and
 * its name within it ("/u/a.txt"; "/" is the filespace itself).
 */
#ifndef BULWARK_FILES_FILESPACE_H
#define BULWARK_FILES_FILESPACE_H

#define FS_PATH_MAX	4096

/*
 * The canonical absolute form of a path the user gave: its directory
 * resolved (realpath), its last part kept, so that a symbolic link named
 * on the command line is backed up as the link. -1 with errno.
 */
int	fs_canonical(const char *arg, char out[FS_PATH_MAX]);

/*
 * The filespace and name of abs (canonical): the highest directory above
 * it on the same file system (its device) is the mount point. -1 with
 * errno.
 */
int	fs_locate(const char *abs, char fs[FS_PATH_MAX], char name[FS_PATH_MAX]);

/* The name within fs of abs, which is fs or beneath it: "/" or "/x/y". */
int	fs_name_of(const char *fs, const char *abs, char name[FS_PATH_MAX]);

#endif
