/* The server's certificate labels: see certlabel.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "certlabel.h"

int
cert_label_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CERT_LABEL_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

int
cert_label_file(const char *path, char out[CERT_LABEL_MAX + 1])
{
	uint8_t *b;
	size_t n;

	if (bwk_read_file(path, CERT_LABEL_MAX + 2, &b, &n) == -1)
		return errno == ENOENT ? 1 : -1;
	while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r'))
		n--;
	if (n == 0 || n > CERT_LABEL_MAX) {
		free(b);
		return -1;
	}
	memcpy(out, b, n);
	out[n] = '\0';
	free(b);
	return cert_label_ok(out) ? 0 : -1;
}

int
cert_default_label(const char *path, char out[CERT_LABEL_MAX + 1])
{
	int r = cert_label_file(path, out);

	if (r == 1)
		snprintf(out, CERT_LABEL_MAX + 1, "default");
	return r == -1 ? -1 : 0;
}
