#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certfile.h"

#define BEGIN	"-----BEGIN "
#define END	"-----END "
#define DASHES	"-----"

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
bwk_b64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	uint32_t acc = 0;
	size_t i, n = 0, pad = 0, q = 0;
	int v;

	for (i = 0; i < inlen; i++) {
		if (in[i] == '=') {
			pad++;
			q++;
			continue;
		}
		if (pad > 0 || (v = b64val((unsigned char)in[i])) < 0)
			return -1;	/* data after padding, or a bad character */
		acc = acc << 6 | (uint32_t)v;
		if (++q % 4 == 0) {
			if (n + 3 > outcap)
				return -1;
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (q % 4 != 0 || pad > 2)
		return -1;
	if (pad > 0) {
		/* the last quantum: 4 - pad symbols carry 3 - pad bytes */
		size_t keep = 3 - pad;

		acc <<= 6 * pad;
		if ((pad == 1 && (acc & 0xff) != 0) ||
		    (pad == 2 && (acc & 0xffff) != 0))
			return -1;	/* non-canonical: stray low bits */
		if (n + keep > outcap)
			return -1;
		out[n++] = (uint8_t)(acc >> 16);
		if (keep == 2)
			out[n++] = (uint8_t)(acc >> 8);
	}
	*outlen = n;
	return 0;
}

/* Next line of buf from *pos; strips CR LF. Returns 0 at end of data. */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **line,
    size_t *llen)
{
	size_t s = *pos, e;

	if (s >= len)
		return 0;
	for (e = s; e < len && buf[e] != '\n'; e++)
		;
	*pos = e < len ? e + 1 : e;
	if (e > s && buf[e - 1] == '\r')
		e--;
	*line = buf + s;
	*llen = e - s;
	return 1;
}

static int
starts(const char *l, size_t ll, const char *p)
{
	size_t pl = strlen(p);

	return ll >= pl && memcmp(l, p, pl) == 0;
}

/* "-----BEGIN LABEL-----" -> LABEL in label[64]; -1 when malformed. */
static int
armour_label(const char *l, size_t ll, const char *kw, char label[64])
{
	size_t kl = strlen(kw), dl = strlen(DASHES), n;

	/* trailing blanks are common in hand-edited files */
	while (ll > 0 && (l[ll - 1] == ' ' || l[ll - 1] == '\t'))
		ll--;
	if (ll < kl + dl || memcmp(l + ll - dl, DASHES, dl) != 0)
		return -1;
	n = ll - kl - dl;
	if (n == 0 || n >= 64)
		return -1;
	memcpy(label, l + kl, n);
	label[n] = '\0';
	return 0;
}

static void __attribute__((format(printf, 5, 6)))
setwhy(const char **id, char *why, size_t whylen, const char *msgid,
    const char *fmt, ...)
{
	va_list ap;

	*id = msgid;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

static int
add_der(struct cert_list *out, const uint8_t *der, size_t len)
{
	uint8_t *copy;

	if (out->n == CERTFILE_MAX_CERTS)
		return -1;
	if ((copy = malloc(len)) == NULL)
		return -1;
	memcpy(copy, der, len);
	out->c[out->n].der = copy;
	out->c[out->n].len = len;
	out->n++;
	return 0;
}

/* Does buf look like text armour rather than binary DER? */
static int
looks_pem(const uint8_t *buf, size_t len)
{
	return len > 0 && buf[0] != 0x30;
}

static int
split_pem(const char *buf, size_t len, struct cert_list *out,
    const char **id, char *why, size_t whylen)
{
	const char *l;
	size_t ll, pos = 0, lineno = 0, begin_line = 0, b64len = 0, derlen;
	char label[64], endlabel[64];
	char *b64 = NULL;
	uint8_t *der = NULL;
	int in_block = 0, rc = -1;

	if ((b64 = malloc(len + 1)) == NULL || (der = malloc(len)) == NULL) {
		setwhy(id, why, whylen, "BWK0311E",
		    "out of memory reading the file");
		goto out;
	}
	while (next_line(buf, len, &pos, &l, &ll)) {
		lineno++;
		if (memchr(l, '\0', ll) != NULL) {
			setwhy(id, why, whylen, "BWK0302E",
			    "line %zu: a NUL byte in a text file%s", lineno,
			    "; the file is not PEM armour");
			goto out;
		}
		if (!in_block) {
			if (starts(l, ll, END)) {
				setwhy(id, why, whylen, "BWK0302E",
				    "line %zu: an END line with no BEGIN line",
				    lineno);
				goto out;
			}
			if (!starts(l, ll, BEGIN))
				continue;	/* text around blocks is allowed */
			if (armour_label(l, ll, BEGIN, label) == -1) {
				setwhy(id, why, whylen, "BWK0302E",
				    "line %zu: malformed BEGIN line", lineno);
				goto out;
			}
			if (strstr(label, "PRIVATE KEY") != NULL) {
				setwhy(id, why, whylen, "BWK0303E",
				    "line %zu: the file holds a %s; give "
				    "bulwark-cert only the certificate, and keep "
				    "the private key on the server", lineno, label);
				goto out;
			}
			if (strcmp(label, "CERTIFICATE") != 0 &&
			    strcmp(label, "X509 CERTIFICATE") != 0) {
				setwhy(id, why, whylen, "BWK0302E",
				    "line %zu: a '%s' block; only CERTIFICATE "
				    "blocks can be imported", lineno, label);
				goto out;
			}
			in_block = 1;
			begin_line = lineno;
			b64len = 0;
			continue;
		}
		if (starts(l, ll, BEGIN)) {
			setwhy(id, why, whylen, "BWK0302E",
			    "line %zu: BEGIN inside a block; the block that "
			    "starts before it has no END line", lineno);
			goto out;
		}
		if (starts(l, ll, END)) {
			if (armour_label(l, ll, END, endlabel) == -1 ||
			    strcmp(label, endlabel) != 0) {
				setwhy(id, why, whylen, "BWK0302E",
				    "line %zu: the END line does not match "
				    "BEGIN %s", lineno, label);
				goto out;
			}
			if (bwk_b64_decode(b64, b64len, der, len, &derlen) == -1 ||
			    derlen == 0) {
				setwhy(id, why, whylen, "BWK0302E",
				    "block at line %zu: the base64 text is "
				    "damaged%s", begin_line,
				    " (a character outside base64, or cut short)");
				goto out;
			}
			if (derlen > CERT_DER_MAX) {
				setwhy(id, why, whylen, "BWK0304E",
				    "block at line %zu: larger than 64 KiB%s",
				    begin_line, "; not a server certificate");
				goto out;
			}
			if (add_der(out, der, derlen) == -1) {
				setwhy(id, why, whylen, "BWK0305E",
				    "block at line %zu: more than 64 "
				    "certificates in one file", begin_line);
				goto out;
			}
			in_block = 0;
			continue;
		}
		if (memchr(l, ':', ll) != NULL) {
			/* RFC 1421 headers: encrypted PEM, never a certificate */
			setwhy(id, why, whylen, "BWK0302E",
			    "line %zu: a header line inside a certificate "
			    "block", lineno);
			goto out;
		}
		for (size_t i = 0; i < ll; i++) {
			if (l[i] == ' ' || l[i] == '\t')
				continue;
			if (b64val((unsigned char)l[i]) < 0 && l[i] != '=') {
				setwhy(id, why, whylen, "BWK0302E",
				    "line %zu: a character that is not base64 "
				    "inside the certificate block", lineno);
				goto out;
			}
			b64[b64len++] = l[i];
		}
	}
	if (in_block) {
		setwhy(id, why, whylen, "BWK0302E",
		    "the block that starts at line %zu has no END line%s",
		    begin_line, "; the file is cut short");
		goto out;
	}
	if (out->n == 0) {
		setwhy(id, why, whylen, "BWK0301E",
		    "no certificate: neither DER nor a PEM CERTIFICATE block");
		goto out;
	}
	rc = 0;
out:
	free(b64);
	free(der);
	return rc;
}

int
certfile_split(const uint8_t *buf, size_t len, struct cert_list *out,
    const char **id, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (len == 0) {
		setwhy(id, why, whylen, "BWK0301E", "the file is empty");
		return -1;
	}
	if (len > CERTFILE_MAX_SIZE) {
		setwhy(id, why, whylen, "BWK0304E",
		    "the file is larger than 1 MiB%s", "; not a certificate or bundle");
		return -1;
	}
	if (!looks_pem(buf, len)) {
		/* DER: one certificate; x509 parsing says if it is one */
		if (len > CERT_DER_MAX) {
			setwhy(id, why, whylen, "BWK0304E",
			    "the DER certificate is larger than 64 KiB");
			return -1;
		}
		if (add_der(out, buf, len) == -1) {
			setwhy(id, why, whylen, "BWK0311E",
			    "out of memory");
			return -1;
		}
		return 0;
	}
	if (split_pem((const char *)buf, len, out, id, why, whylen) == -1) {
		cert_list_free(out);
		return -1;
	}
	return 0;
}

void
cert_list_free(struct cert_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->c[i].der);
	l->n = 0;
}
