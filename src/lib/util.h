/* Small helpers shared by every program: hex, times, bounded file reads. */
#ifndef BWK_UTIL_H
#define BWK_UTIL_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BWK_SHA256_LEN		32
/* "AB:CD:..." : 32 bytes -> 95 characters + NUL */
#define BWK_FPR_STRLEN		(BWK_SHA256_LEN * 3)

void	bwk_fpr_format(const uint8_t fpr[BWK_SHA256_LEN], char out[BWK_FPR_STRLEN]);
/* Accepts "AB:CD:.." or plain hex, either case. 0 on success. */
int	bwk_fpr_parse(const char *s, uint8_t fpr[BWK_SHA256_LEN]);
void	bwk_hex(const uint8_t *in, size_t len, char *out);	/* out: 2*len+1 */
/* UTC "2026-11-26 20:30:00 UTC" into out[32]. */
void	bwk_time_format(int64_t t, char out[32]);
int64_t	bwk_now(void);
/* Milliseconds of CLOCK_MONOTONIC: for deadlines, immune to clock changes. */
int64_t	bwk_mono_ms(void);
/*
 * Days from now until t as a person counts them: the difference of their
 * UTC dates (0 today, 1 tomorrow, -1 yesterday); any t.
 */
long	bwk_days_until(int64_t t, int64_t now);
/* Strict decimal parse of a non-negative long in [min, max]; 0 on success. */
int	bwk_parse_long(const char *s, long min, long max, long *out);
/*
 * Reads at most max bytes of a regular file; a larger file is an error
 * (errno EFBIG). The caller frees *buf. 0 on success, -1 with errno set.
 */
int	bwk_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
int	bwk_read_fd(int fd, size_t max, uint8_t **buf, size_t *len);
/* Up to n bytes, fewer only at the end: the count, or -1 with errno. */
ssize_t	bwk_read_upto(int fd, void *buf, size_t n);
/*
 * fstat(2) of a descriptor, by the system call that takes only one. glibc's
 * fstat() is newfstatat(fd, "", buf, AT_EMPTY_PATH), which the sandboxes
 * refuse: a filter cannot read the path, and with a non-empty one that call
 * stats whatever it names.
 */
int	bwk_fstat(int fd, struct stat *);
/*
 * SHA-256 of secret bytes (the stash, a node password, a client key):
 * wc_Sha256Hash leaves the last block of its input in the hash state on
 * the stack; this wipes its own state. 0 or -1.
 */
int	bwk_sha256(const void *, size_t, uint8_t out[BWK_SHA256_LEN]);
/* write(2) until done or error. */
int	bwk_write_all(int fd, const void *buf, size_t len);
/*
 * Big-endian (network order, _n as in OpenBSD imsg's ibuf_get_n32) integer
 * packing for the on-disk formats; the helper protocol's frames are in host
 * order (_h, src/lib/proto.h).
 */
void	bwk_put_n16(uint8_t *p, uint16_t v);
void	bwk_put_n32(uint8_t *p, uint32_t v);
void	bwk_put_n64(uint8_t *p, uint64_t v);
uint16_t bwk_get_n16(const uint8_t *p);
uint32_t bwk_get_n32(const uint8_t *p);
uint64_t bwk_get_n64(const uint8_t *p);



/*
 * Copies s into out for display: control characters (C0, DEL, C1) and
 * bytes that are not valid UTF-8 become '?', so a hostile certificate
 * subject cannot drive the terminal. Always NUL-terminates.
 */
void	bwk_sanitize(const char *s, char *out, size_t outlen);
/* snprintf into a reason buffer; vsnprintf keeps GCC's truncation
 * guesses quiet where a reason may be cut (it is a message, not data). */
void	bwk_say(char *buf, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Descriptors 0 to 2 open (on /dev/null if they were closed), before a
 * program opens anything: else a socket or file it opens takes one of
 * them, and its own messages, or a child's, land in it.
 */
void	bwk_sane_fds(void);
#endif
