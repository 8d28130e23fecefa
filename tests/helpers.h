/* Shared by the Criterion tests: temp directories, running our programs. */
#ifndef BWK_TEST_HELPERS_H
#define BWK_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

struct run {
	int	status;		/* exit status, or 128 + signal */
	char	out[65536];
	char	err[16384];
};

/* A fresh 0700 directory under /tmp; removed by t_cleanup(). */
const char	*t_tmpdir(void);
void		 t_cleanup(void);
/* DIR/name inside the test's temp dir (static buffer, rotates 8). */
const char	*t_path(const char *name);
/* A test certificate made by tests/gen-certs.sh. */
const char	*t_cert(const char *name);
/* The key-database directory the test uses: TMP/db. */
const char	*t_db(void);

/*
 * Runs BWK_BIN/prog with argv (NULL-terminated), BULWARK_DIR=t_db() and
 * the extra environment strings in env (NULL-terminated or NULL).
 */
void	t_run(struct run *, const char *prog, const char *const *argv,
	    const char *const *env);
/* bulwark-cert with its arguments, default environment. */
int	t_cert_cmd(struct run *, ...);

int	t_read(const char *path, uint8_t **buf, size_t *len);
int	t_write(const char *path, const uint8_t *buf, size_t len, int mode);
int	t_same_file(const char *a, const char *b);
int	t_copy(const char *from, const char *to);
int	t_contains(const char *hay, const char *needle);

#endif
