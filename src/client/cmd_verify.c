/*
 * bulwark verify: a chain from files, checked offline by chain_verify()
 * with the policy of the TLS client. Options, file loading (PEM or DER)
 * and the one line that says the verdict live here; the validator itself
 * is src/verify, which prints nothing.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/certfile.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "../verify/verify.h"
#include "cmd_verify.h"

/* snprintf for messages; vsnprintf keeps GCC's truncation guesses quiet. */
static void __attribute__((format(printf, 3, 4)))
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

#define VERIFY_FILE_MAX	(16 * 1024 * 1024)
#define VERIFY_MAX_FILES 16

static const char verify_usage[] =
"usage: bulwark verify --ca FILE [--chain FILE] --cert FILE\n"
"           [--host NAME | --ip ADDR] [--time UNIX] [--purpose serverAuth]\n"
"           [--crl FILE] [--max-depth N] [--cert-policy OID[,OID...]]\n"
"           [--require-explicit-policy] [--inhibit-policy-mapping]\n"
"           [--inhibit-any-policy]\n"
"\n"
"Verifies a certificate chain offline with the policy of the TLS client.\n"
"  --ca FILE       trust anchors (PEM or DER; may be repeated)\n"
"  --chain FILE    untrusted intermediates, any order (may be repeated)\n"
"  --cert FILE     the end-entity certificate; further certificates in the\n"
"                  file are used as intermediates\n"
"  --host NAME     check the DNS name against subjectAltName (RFC 6125)\n"
"  --ip ADDR       check the IPv4/IPv6 address against subjectAltName\n"
"  --time UNIX     validation time in seconds since 1970 (default: now)\n"
"  --purpose serverAuth\n"
"                  require TLS server use: EKU serverAuth where EKUs are\n"
"                  listed, digitalSignature where keyUsage is present\n"
"  --crl FILE      CRLs (PEM or DER; may be repeated); every certificate\n"
"                  below the anchor then needs a current CRL from its issuer\n"
"  --max-depth N   intermediates allowed, self-issued ones not counted\n"
"                  (default 8)\n"
"  --cert-policy OID[,OID...]   RFC 5280 user-initial-policy-set\n"
"  --require-explicit-policy, --inhibit-policy-mapping,\n"
"  --inhibit-any-policy          RFC 5280 6.1.1 initial settings\n"
"\n"
"Exit status: 0 accepted, 1 refused (one BWK07xxE line says why),\n"
"2 usage or input error.\n";

struct derlist {
	struct chain_der *v;
	size_t		 n, cap;
};

struct bufs {
	uint8_t		*b[VERIFY_MAX_FILES * 4 + 64];
	size_t		 n;
};

static int
derlist_add(struct derlist *l, const uint8_t *der, size_t len)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct chain_der *nv;

		if (nc > CHAIN_MAX_INPUT * 2 ||
		    (nv = realloc(l->v, nc * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n].der = der;
	l->v[l->n].len = len;
	l->n++;
	return 0;
}

/*
 * Appends the objects of one file: PEM blocks labelled label (other
 * blocks are skipped), or one DER object. The decoded PEM lands in a
 * buffer kept in bufs.
 */
static int
load_file(const char *path, const char *label, struct derlist *out,
    struct bufs *bufs, char *why, size_t whylen)
{
	uint8_t *buf, *dec;
	size_t len, pos = 0, declen = 0, before = out->n;
	char begin[64], end[64];
	const char *s;

	if (bufs->n + 2 > sizeof(bufs->b) / sizeof(bufs->b[0])) {
		say(why, whylen, "too many files");
		return -1;
	}
	if (bwk_read_file(path, VERIFY_FILE_MAX, &buf, &len) == -1) {
		say(why, whylen, "cannot read it: %s", strerror(errno));
		return -1;
	}
	bufs->b[bufs->n++] = buf;
	if (len == 0)
		return 0;	/* an empty file: no objects (limbo's "none") */
	if (len >= 11 && memmem(buf, len, "-----BEGIN ", 11) == NULL) {
		/* DER: one SEQUENCE */
		if (buf[0] != 0x30) {
			say(why, whylen, "neither PEM nor DER");
			return -1;
		}
		if (derlist_add(out, buf, len) == -1) {
			say(why, whylen, "too many objects");
			return -1;
		}
		return 0;
	}
	if ((dec = malloc(len)) == NULL) {
		say(why, whylen, "out of memory");
		return -1;
	}
	bufs->b[bufs->n++] = dec;
	snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	snprintf(end, sizeof(end), "-----END %s-----", label);
	s = (const char *)buf;
	while (pos < len) {
		const char *b = memmem(s + pos, len - pos, begin, strlen(begin));
		const char *e;
		char *b64;
		size_t bl = 0, k, got;

		if (b == NULL)
			break;
		b += strlen(begin);
		e = memmem(b, len - (size_t)(b - s), end, strlen(end));
		if (e == NULL) {
			say(why, whylen, "a PEM block without its END line");
			return -1;
		}
		if ((b64 = malloc((size_t)(e - b) + 1)) == NULL) {
			say(why, whylen, "out of memory");
			return -1;
		}
		for (k = 0; b + k < e; k++) {
			char ch = b[k];

			if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
				continue;
			if (ch == ':') {	/* RFC 1421 headers: encrypted PEM */
				free(b64);
				say(why, whylen, "a PEM block with headers");
				return -1;
			}
			b64[bl++] = ch;
		}
		if (bwk_b64_decode(b64, bl, dec + declen, len - declen,
		    &got) == -1 || got == 0) {
			free(b64);
			say(why, whylen, "bad base64 in a PEM block");
			return -1;
		}
		free(b64);
		if (derlist_add(out, dec + declen, got) == -1) {
			say(why, whylen, "too many objects");
			return -1;
		}
		declen += got;
		pos = (size_t)(e - s) + strlen(end);
	}
	if (out->n == before && memmem(buf, len, "-----BEGIN ", 11) != NULL &&
	    strcmp(label, "CERTIFICATE") == 0) {
		say(why, whylen, "no %s block", label);
		return -1;
	}
	return 0;
}

static int
vusage(const char *what, const char *arg)
{
	bwk_msg("BWK0760E", "verify: %s%s%s; see bulwark verify --help", what,
	    arg ? ": " : "", arg ? arg : "");
	return 2;
}

int
cmd_verify(int argc, char **argv)
{
	struct chain_input in;
	struct chain_result res;
	struct derlist anchors = { 0 }, inter = { 0 }, leafs = { 0 },
	    crls = { 0 };
	struct bufs *bufs;
	const char *ca[VERIFY_MAX_FILES], *chain[VERIFY_MAX_FILES],
	    *crl[VERIFY_MAX_FILES], *cert = NULL, *host = NULL, *ip = NULL,
	    *tm = NULL, *purpose = NULL, *depth = NULL, *cur = "";
	char *polbuf = NULL;
	size_t nca = 0, nchain = 0, ncrl = 0, i;
	char why[256];
	enum chain_reason r;
	int rc = 2;

	memset(&in, 0, sizeof(in));
	in.max_depth = -1;
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(verify_usage, stdout);
			return 0;
		}
		if (strcmp(a, "--require-explicit-policy") == 0) {
			in.explicit_policy = 1;
			continue;
		}
		if (strcmp(a, "--inhibit-policy-mapping") == 0) {
			in.inhibit_policy_mapping = 1;
			continue;
		}
		if (strcmp(a, "--inhibit-any-policy") == 0) {
			in.inhibit_any_policy = 1;
			continue;
		}
		if (i + 1 >= (size_t)argc)
			return vusage("option needs a value", a);
		v = argv[++i];
		if (strcmp(a, "--ca") == 0 || strcmp(a, "--chain") == 0 ||
		    strcmp(a, "--crl") == 0) {
			const char **arr = strcmp(a, "--ca") == 0 ? ca :
			    strcmp(a, "--chain") == 0 ? chain : crl;
			size_t *cnt = arr == ca ? &nca : arr == chain ? &nchain :
			    &ncrl;

			if (*cnt == VERIFY_MAX_FILES)
				return vusage("too many files for", a);
			arr[(*cnt)++] = v;
			continue;
		}
		if (strcmp(a, "--cert") == 0 && cert == NULL)
			cert = v;
		else if (strcmp(a, "--host") == 0 && host == NULL)
			host = v;
		else if (strcmp(a, "--ip") == 0 && ip == NULL)
			ip = v;
		else if (strcmp(a, "--time") == 0 && tm == NULL)
			tm = v;
		else if (strcmp(a, "--purpose") == 0 && purpose == NULL)
			purpose = v;
		else if (strcmp(a, "--max-depth") == 0 && depth == NULL)
			depth = v;
		else if (strcmp(a, "--cert-policy") == 0 && polbuf == NULL) {
			char *save = NULL, *tok;

			if ((polbuf = strdup(v)) == NULL)
				return vusage("out of memory", NULL);
			for (tok = strtok_r(polbuf, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if (in.n_policies == CHAIN_MAX_POLICIES) {
					free(polbuf);
					return vusage("too many policies", v);
				}
				in.policies[in.n_policies++] = tok;
			}
		} else {
			free(polbuf);
			return vusage("unknown or repeated option", a);
		}
	}
	if (nca == 0 || cert == NULL) {
		free(polbuf);
		return vusage("verify needs --ca FILE and --cert FILE", NULL);
	}
	if (host != NULL && ip != NULL) {
		free(polbuf);
		return vusage("give --host or --ip, not both", NULL);
	}
	if (host != NULL) {
		in.name_kind = CHAIN_NAME_DNS;
		in.name = host;
	} else if (ip != NULL) {
		in.name_kind = CHAIN_NAME_IP;
		in.name = ip;
	}
	if (tm != NULL) {
		long t;

		if (bwk_parse_long(tm, 1, LONG_MAX, &t) == -1) {
			free(polbuf);
			return vusage("--time needs seconds since 1970", tm);
		}
		in.time = t;
	}
	if (depth != NULL) {
		long d;

		if (bwk_parse_long(depth, 0, 1000, &d) == -1) {
			free(polbuf);
			return vusage("--max-depth needs 0 to 1000", depth);
		}
		in.max_depth = (int)d;
	}
	if (purpose != NULL) {
		if (strcmp(purpose, "serverAuth") != 0) {
			free(polbuf);
			return vusage("the only purpose is serverAuth", purpose);
		}
		in.purpose = CHAIN_PURPOSE_SERVER_AUTH;
	}
	if ((bufs = calloc(1, sizeof(*bufs))) == NULL) {
		free(polbuf);
		return vusage("out of memory", NULL);
	}
	for (i = 0; i < nca; i++)
		if (load_file((cur = ca[i]), "CERTIFICATE", &anchors, bufs, why,
		    sizeof(why)) == -1)
			goto input;
	for (i = 0; i < nchain; i++)
		if (load_file((cur = chain[i]), "CERTIFICATE", &inter, bufs, why,
		    sizeof(why)) == -1)
			goto input;
	if (load_file((cur = cert), "CERTIFICATE", &leafs, bufs, why,
	    sizeof(why)) == -1)
		goto input;
	if (leafs.n == 0) {
		say(why, sizeof(why), "no certificate in it");
		i = SIZE_MAX;
		goto input;
	}
	for (i = 1; i < leafs.n; i++)
		if (derlist_add(&inter, leafs.v[i].der, leafs.v[i].len) == -1) {
			say(why, sizeof(why), "too many certificates");
			goto input;
		}
	for (i = 0; i < ncrl; i++)
		if (load_file((cur = crl[i]), "X509 CRL", &crls, bufs, why,
		    sizeof(why)) == -1)
			goto input;
	in.anchors = anchors.v;
	in.n_anchors = anchors.n;
	in.intermediates = inter.v;
	in.n_intermediates = inter.n;
	in.leaf = leafs.v[0];
	in.crls = crls.v;
	in.n_crls = crls.n;
	in.check_revocation = ncrl > 0;
	/* a failure shows only if a wildcard needs it (BWK0787E) */
	(void)chain_psl_load(why, sizeof(why));
	r = chain_verify(&in, &res);
	if (r == CHAIN_OK) {
		bwk_info(chain_reason_id(r), "verify: accepted: %s (%s): a "
		    "path of %zu certificate%s ending at a trust anchor", cert,
		    res.subject, res.path_len, res.path_len == 1 ? "" : "s");
		rc = 0;
	} else {
		if (res.position >= 0)
			bwk_msg(chain_reason_id(r), "verify: refused: %s "
			    "(certificate %d of the path: %s): %s",
			    chain_reason_text(r), res.position, res.subject,
			    res.detail);
		else
			bwk_msg(chain_reason_id(r), "verify: refused: %s: %s",
			    chain_reason_text(r), res.detail);
		rc = 1;
	}
	goto done;
input:
	bwk_msg("BWK0761E", "verify: %s: %s", cur, why);
	rc = 2;
done:
	for (i = 0; i < bufs->n; i++)
		free(bufs->b[i]);
	free(bufs);
	free(anchors.v);
	free(inter.v);
	free(leafs.v);
	free(crls.v);
	free(polbuf);
	return rc;
}
