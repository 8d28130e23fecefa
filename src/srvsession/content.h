/*
 * The server's content files: one object version's bytes, under the
 * instance's data directory as the catalog names it ("ab/abcdef...",
 * docs/catalog.md).
 *
 * A content file is written while its version is PENDING, so a partial
 * one is never visible: the catalog shows the version only after
 * content_finish() has synced the file and its directory and the commit
 * transaction ran. A session that dies midway leaves a pending version
 * whose file catalog_reap() removes. Every byte is hashed as it is
 * written, so the SHA-256 the catalog records is of the bytes on disk's
 * way, not a second read.
 */
#ifndef BULWARK_SRVSESSION_CONTENT_H
#define BULWARK_SRVSESSION_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

struct content_w {
	int		 fd;
	int		 dirfd;		/* its "ab/" directory */
	int		 made_dir;	/* created now: the data dir is synced */
	int		 datafd;
	char		 name[40];	/* as the catalog names it */
	uint64_t	 size;
	wc_Sha256	 sha;
	int		 err;		/* the first failure's errno */
};

/*
 * Creates the content file name (the catalog's) beneath datafd, the data
 * directory. 0, or -1 with errno (EEXIST: a file the catalog did not
 * expect is there).
 */
int	content_create(int datafd, const char *name, struct content_w *);
/* Appends n bytes; -1 with errno (ENOSPC, EDQUOT, EIO) and the writer
 * keeps failing after. */
int	content_write(struct content_w *, const void *, size_t n);
/* Syncs the file and its directory and gives its size and SHA-256. */
int	content_finish(struct content_w *, uint64_t *size,
	    uint8_t sha256[32]);
/* The version will not complete: the file goes. */
void	content_abort(struct content_w *);
/* A content file to read back (restore), or -1 with errno. */
int	content_open(int datafd, const char *name);
/*
 * Removes a finished content file whose version will not be committed
 * after all (its hash was not the client's), or one being reaped: 0
 * when it is gone, a file already absent included; -1 with errno.
 */
int	content_remove(int datafd, const char *name);

#ifdef BULWARK_TESTING
/*
 * Test builds: a failing disk, for the tests of what a refused object
 * leaves. "write": every content write fails with EIO; "fsync": every
 * content file's sync does. Set from bulwarkd-session's
 * --test-content-fault, which the listener passes on from
 * BULWARK_TEST_CONTENT_FAULT. Release builds have none of it.
 */
extern const char *content_test_fault;
#endif

#endif
