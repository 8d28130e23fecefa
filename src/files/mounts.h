/*
 * The mounted file systems, from the kernel's /proc/self/mountinfo, and
 * which of them the old client's DOMAIN keywords name.
 *
 * As the old client on Linux:
 *
 *   ALL-LOCAL      every mounted file system of a local disk type (ext2,
 *                  ext3, ext4, xfs, btrfs, jfs, reiserfs: the types it
 *                  backs up), each once, but the one mounted on /tmp.
 *                  Left out: memory and kernel file systems (tmpfs,
 *                  devtmpfs, proc, sysfs, cgroup, ...), images and unions
 *                  (squashfs, overlay), FUSE, network file systems, and
 *                  the loopback views below.
 *   ALL-NFS        every mounted NFS file system (nfs, nfs4), each once.
 *   ALL-AUTO-NFS   those of them the automounter mounted (on an autofs
 *                  mount point).
 *   ALL-LOFS       the loopback views: bind mounts, of local or NFS file
 *                  systems, but the automounter's.
 *   ALL-AUTO-LOFS  the automounter's bind mounts.
 *
 * A loopback view (Linux's bind mount; Solaris's LOFS, whence the name)
 * is a mount that shows a part of a local file system (its root in the
 * table is not the file system's root, or, on btrfs, not the subvolume
 * named by its subvol= option; an NFS mount's root is its export's path),
 * or that shows again what an earlier mount of the same device and root
 * shows. Each is left out of ALL-LOCAL so that no
 * file is backed up twice. A mount hidden by a later one on the same
 * mount point is left out of every keyword: its files cannot be reached.
 */
#ifndef BULWARK_FILES_MOUNTS_H
#define BULWARK_FILES_MOUNTS_H

#include <stddef.h>

#define MOUNTS_FILE	"/proc/self/mountinfo"
#define MOUNTS_MAX_FILE	(16 * 1024 * 1024)

struct mount_ent {
	const char	*point;		/* where it is mounted */
	const char	*root;		/* the part of its file system shown */
	const char	*type;		/* "ext4" */
	const char	*source;	/* "/dev/sda1" */
	unsigned	 major, minor;
	int		 id, parent;
	int		 hidden;	/* a later mount on the same point */
	int		 view;		/* a loopback view (above) */
	int		 automounted;	/* on an autofs mount point */
};

struct mount_table {
	struct mount_ent	*m;	/* in the kernel's order: mount order */
	size_t			 n;
	char			*text;
};

enum domain_class {
	DOMAIN_ALL_LOCAL,
	DOMAIN_ALL_NFS,
	DOMAIN_ALL_AUTO_NFS,
	DOMAIN_ALL_LOFS,
	DOMAIN_ALL_AUTO_LOFS,
};

/*
 * The table's text (name names it in messages); the escapes of names
 * (\040 for a blank, ...) are undone. 0, or -1 after one BWK1718E.
 */
int	mounts_parse(const char *name, const char *buf, size_t len,
	    struct mount_table *);
/* MOUNTS_FILE, parsed; 0 or -1 after one message. */
int	mounts_read(struct mount_table *);
void	mounts_free(struct mount_table *);

/* The keyword's class for "ALL-LOCAL" (any case), ...; -1 for others. */
int	domain_class_parse(const char *);
/* 1 when the mount is one that the class names, 0 when not. */
int	mount_in_class(const struct mount_ent *, enum domain_class);
/* The mount visible at point (no "/" at its end), or NULL: none. */
const struct mount_ent *mounts_find(const struct mount_table *,
	    const char *point);

#endif
