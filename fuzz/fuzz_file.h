/*
 * Whole files read and written by a target's set-up: a copy kept of a
 * file the code under test made, and written back to start a run from
 * it. Any failure is the set-up's, so it aborts through fuzz_fail();
 * include after fuzz_common.h.
 */
#ifndef BWK_FUZZ_FILE_H
#define BWK_FUZZ_FILE_H

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

/* All of PATH, in a buffer of its own (the caller frees it). */
static uint8_t *
fuzz_file_keep(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    (buf = malloc((size_t)st.st_size)) == NULL ||
	    read(fd, buf, (size_t)st.st_size) != st.st_size)
		fuzz_fail("set-up: cannot keep a copy of %s", path);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* PATH made anew (it must not exist) with mode 0600 and those bytes. */
static void
fuzz_file_put(const char *path, const uint8_t *buf, size_t len)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1 || fchmod(fd, 0600) == -1 ||	/* past the umask */
	    write(fd, buf, len) != (ssize_t)len || close(fd) == -1)
		fuzz_fail("cannot write %s back", path);
}

#endif
