/*
 * Retention on the server (retention.h; docs/catalog.md, "A version's
 * life"). The catalog decides which versions go and removes their rows;
 * this file gives it the policy from bulwarkd.opt and the callback that
 * removes a content file under DIR/data.
 *
 * The callback removes a name only when it is one the catalog makes
 * ("ab/" and 32 hex digits), beneath the data directory's descriptor,
 * without following a link at either step: a catalog row that was
 * tampered with, or a link planted in data/, cannot make the server
 * remove anything else. A file already gone counts as removed (a crash
 * after its removal and before its row's, or a session that removed its
 * own abandoned file). The directory is synced after each removal,
 * before the catalog removes the row: a power failure must not bring
 * back a file that no row names.
 *
 * `bulwarkd expire` may run beside a live server: SQLite's WAL lets the
 * sessions go on, and it reaps no pending version (a live session's
 * backup in progress); those are the listener's, at its start.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "retention.h"

struct reaper {
	int		 datafd;
	const char	*data;		/* its path, for messages */
	long		 files;
	uint64_t	 bytes;
};

/* Removes DATA/content; 0 when it is gone (cat_remove_cb). */
static int
remove_content(void *arg, const char *content)
{
	struct reaper *r = arg;
	struct stat st;
	char dir[3];
	int dfd = -1, e;

	/* the catalog hands only its own names; checked again all the same */
	if (!catalog_content_ok(content)) {
		bwk_msg("BWK1553E", "refusing to remove \"%.40s\" under %s: it is "
		    "not a content file's name as the catalog makes them; stop "
		    "the server and restore the catalog from its backup",
		    content, r->data);
		return -1;
	}
	memcpy(dir, content, 2);
	dir[2] = '\0';
	if ((dfd = openat(r->datafd, dir, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		goto fail;
	}
	if (fstatat(dfd, content + 3, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT)
			goto fail;
		close(dfd);
		return 0;
	}
	if (unlinkat(dfd, content + 3, 0) == -1) {
		if (errno != ENOENT)
			goto fail;
	} else {
		r->files++;
		r->bytes += S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	}
	/* the name is gone for good before the catalog drops the row */
	if (fsync(dfd) == -1)
		goto fail;
	close(dfd);
	return 0;
fail:
	e = errno;
	if (dfd != -1)
		close(dfd);
	bwk_msg("BWK1552E", "cannot remove the content file %s/%s: %s; its "
	    "version stays in the catalog, to be removed by a later expiry. "
	    "Check the owner and mode of %s (the server's user, 0700)",
	    r->data, content, strerror(e), r->data);
	return -1;
}

/* The data directory, never through a link. */
static int
open_data(const struct instance *in)
{
	struct stat st;
	int fd;

	if ((fd = open(in->data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		bwk_msg("BWK1555E", "cannot open the data directory %s: %s; it "
		    "is made when the server starts (bulwarkd --instance %s)",
		    in->data, strerror(errno), in->dir);
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

int
retention_run(const struct instance *in, const struct srv_options *o,
    int flags, int64_t pending_before, struct retention_done *done)
{
	struct catalog *cat = NULL;
	struct reaper rp;
	int r = -1;

	memset(done, 0, sizeof(*done));
	memset(&rp, 0, sizeof(rp));
	rp.data = in->data;
	if ((rp.datafd = open_data(in)) == -1)
		return -1;
	if (catalog_open(&cat, in->catdir, 0) != CAT_OK)
		goto out;
	/* the options' values were checked against the same bounds */
	if (catalog_set_retention(cat, o->verexists, o->retextra) != CAT_OK ||
	    catalog_set_retention_deleted(cat, o->verdeleted, o->retonly) !=
	    CAT_OK)
		goto out;
	if ((flags & RETAIN_EXPIRE) &&
	    catalog_expire(cat, &done->expired) != CAT_OK)
		goto out;
	r = catalog_reap(cat, pending_before, remove_content, &rp,
	    &done->reaped) == CAT_OK ? 0 : -1;
out:
	done->files = rp.files;
	done->bytes = rp.bytes;
	if (r == -1)
		bwk_msg("BWK1554E", "retention did not complete (the message "
		    "before says why): %d versions expired and %d removed "
		    "until then are done; the next expiry does the rest",
		    done->expired, done->reaped);
	catalog_close(cat);
	close(rp.datafd);
	return r;
}

void
retention_report(const struct srv_options *o, const struct retention_done *d)
{
	bwk_info("BWK1550I", "expiry (VEREXISTS %d, VERDELETED %d, RETEXTRA "
	    "%d, RETONLY %d): %d versions expired; %d versions removed, with "
	    "%ld content files of %llu bytes", o->verexists, o->verdeleted,
	    o->retextra, o->retonly, d->expired, d->reaped, d->files,
	    (unsigned long long)d->bytes);
}

int
retention_cmd(const struct instance *in, const struct srv_options *o,
    int argc, char **argv)
{
	struct retention_done d;

	if (argc > 0) {
		bwk_msg("BWK1000E", "%s%s%s; see bulwarkd --help",
		    "expire takes no argument", ": ", argv[0]);
		return 2;
	}
	/* pending versions may be live sessions' backups: never reaped here */
	if (retention_run(in, o, RETAIN_EXPIRE, 0, &d) == -1)
		return 3;
	retention_report(o, &d);
	return 0;
}
