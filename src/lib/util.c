#include <sys/stat.h>
#include <sys/syscall.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char hexdig[] = "0123456789ABCDEF";

void
bwk_hex(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

void
bwk_fpr_format(const uint8_t fpr[BWK_SHA256_LEN], char out[BWK_FPR_STRLEN])
{
	size_t i;

	for (i = 0; i < BWK_SHA256_LEN; i++) {
		out[3 * i] = hexdig[fpr[i] >> 4];
		out[3 * i + 1] = hexdig[fpr[i] & 0xf];
		out[3 * i + 2] = ':';
	}
	out[BWK_FPR_STRLEN - 1] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
bwk_fpr_parse(const char *s, uint8_t fpr[BWK_SHA256_LEN])
{
	size_t n = 0;
	int hi, lo;

	if (strncmp(s, "SHA256:", 7) == 0 || strncmp(s, "sha256:", 7) == 0)
		s += 7;
	while (*s != '\0') {
		if (n == BWK_SHA256_LEN)
			return -1;
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
			return -1;
		fpr[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s == ':' && s[1] != '\0')
			s++;
	}
	return n == BWK_SHA256_LEN ? 0 : -1;
}

void
bwk_time_format(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, 32, "@%lld", (long long)t);
}

int64_t
bwk_now(void)
{
	struct timespec ts;
	const char *fake;

#ifdef BULWARK_TESTING
	/* Tests move the clock to reach expiry paths without waiting. */
	if ((fake = getenv("BULWARK_TEST_NOW")) != NULL)
		return strtoll(fake, NULL, 10);
#else
	(void)fake;
#endif
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
bwk_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Floor division by a day: the UTC day t falls on, as a day number. */
static int64_t
utc_day(int64_t t)
{
	return t / 86400 - (t % 86400 < 0);
}

/*
 * Calendar days, as a person counts them: a certificate that ends
 * tomorrow at 00:00 UTC expires in 1 day even an hour before, and one
 * that ended this morning expired today (0), not a day ago. So the count
 * agrees with the date printed beside it.
 */
long
bwk_days_until(int64_t t, int64_t now)
{
	int64_t d;

	/* any two instants: the day numbers cannot overflow a subtraction */
	d = utc_day(t) - utc_day(now);
	return (long)d;
}

int
bwk_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
bwk_sha256(const void *p, size_t len, uint8_t out[BWK_SHA256_LEN])
{
	wc_Sha256 h;
	int ok;

	if (len > UINT32_MAX || wc_InitSha256(&h) != 0)
		return -1;
	ok = wc_Sha256Update(&h, p, (word32)len) == 0 &&
	    wc_Sha256Final(&h, out) == 0;
	wc_Sha256Free(&h);
	explicit_bzero(&h, sizeof(h));
	return ok ? 0 : -1;
}

int
bwk_fstat(int fd, struct stat *st)
{
#if defined(__x86_64__) && defined(SYS_fstat)
	/* the kernel's struct stat is glibc's on x86_64 */
	return (int)syscall(SYS_fstat, fd, st);
#else
	return fstat(fd, st);
#endif
}

int
bwk_read_fd(int fd, size_t max, uint8_t **bufp, size_t *lenp)
{
	struct stat st;
	uint8_t *buf, *nb;
	size_t len = 0, cap;
	ssize_t r;

	if (bwk_fstat(fd, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		/* every caller's message then says what the path is */
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	if ((uintmax_t)st.st_size > max) {
		errno = EFBIG;
		return -1;
	}
	cap = (size_t)st.st_size + 1;	/* +1 sees growth past the stat size */
	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len < cap)
			continue;
		/* The file grew past its stat size: allow it up to max. */
		if (cap > max) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
		cap = max + 1;
		if ((nb = realloc(buf, cap)) == NULL) {
			free(buf);
			return -1;
		}
		buf = nb;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
bwk_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	int fd, r, save;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	r = bwk_read_fd(fd, max, buf, len);
	save = errno;
	close(fd);
	errno = save;
	return r;
}

int
bwk_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

void
bwk_put_n16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
bwk_put_n32(uint8_t *p, uint32_t v)
{
	bwk_put_n16(p, (uint16_t)(v >> 16));
	bwk_put_n16(p + 2, (uint16_t)v);
}

void
bwk_put_n64(uint8_t *p, uint64_t v)
{
	bwk_put_n32(p, (uint32_t)(v >> 32));
	bwk_put_n32(p + 4, (uint32_t)v);
}

uint16_t
bwk_get_n16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
bwk_get_n32(const uint8_t *p)
{
	return (uint32_t)bwk_get_n16(p) << 16 | bwk_get_n16(p + 2);
}

uint64_t
bwk_get_n64(const uint8_t *p)
{
	return (uint64_t)bwk_get_n32(p) << 32 | bwk_get_n32(p + 4);
}

/* Length of the valid UTF-8 sequence at p (not C1, not overlong), or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0xa0) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* overlong, C1 control, surrogate, too large */
	return n;
}

void
bwk_sanitize(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	if (outlen == 0)
		return;
	while (*p != '\0' && o + 1 < outlen) {
		n = utf8_len(p);
		if (n == 1 && (*p < 0x20 || *p == 0x7f))
			n = 0;
		if (n == 0 || o + n >= outlen) {
			out[o++] = '?';
			p++;
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

void
bwk_say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void
bwk_sane_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

/*
 * Up to n bytes from fd, fewer only at its end (a regular file's reads
 * may return less than asked): the count, or -1 with errno.
 */
ssize_t
bwk_read_upto(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		if ((k = read(fd, p + got, n - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}
