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

/* Every buffer the loaded objects point into, freed at the end. */
struct bufs {
	uint8_t		*b[VERIFY_MAX_FILES * 4 + 64];
	size_t		 n;
};

/* The command line: the files, and what goes into chain_input as is. */
struct vargs {
	struct chain_input in;
	const char	*ca[VERIFY_MAX_FILES], *chain[VERIFY_MAX_FILES],
			*crl[VERIFY_MAX_FILES];
	size_t		 nca, nchain, ncrl;
	const char	*cert, *host, *ip, *tm, *purpose, *depth;
	char		*polbuf;	/* --cert-policy, split in place */
};

/* What the files hold. */
struct vinputs {
	struct derlist	 anchors, inter, leafs, crls;
	struct bufs	*bufs;
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
 * The base64 between b and e (a PEM block's body) into dst. A block
 * with RFC 1421 headers (encrypted PEM) is refused, not guessed at.
 */
static int
pem_decode(const char *b, const char *e, uint8_t *dst, size_t cap,
    size_t *got, char *why, size_t whylen)
{
	char *b64;
	size_t bl = 0, k;

	if ((b64 = malloc((size_t)(e - b) + 1)) == NULL) {
		bwk_say(why, whylen, "out of memory");
		return -1;
	}
	for (k = 0; b + k < e; k++) {
		char ch = b[k];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == ':') {
			free(b64);
			bwk_say(why, whylen, "a PEM block with headers");
			return -1;
		}
		b64[bl++] = ch;
	}
	if (bwk_b64_decode(b64, bl, dst, cap, got) == -1 || *got == 0) {
		free(b64);
		bwk_say(why, whylen, "bad base64 in a PEM block");
		return -1;
	}
	free(b64);
	return 0;
}

/* The PEM blocks labelled label in buf, decoded into dec (len bytes). */
static int
load_pem(const uint8_t *buf, size_t len, const char *label, uint8_t *dec,
    struct derlist *out, char *why, size_t whylen)
{
	const char *s = (const char *)buf, *b, *e;
	size_t pos = 0, declen = 0, got;
	char begin[64], end[64];

	snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	snprintf(end, sizeof(end), "-----END %s-----", label);
	while (pos < len) {
		if ((b = memmem(s + pos, len - pos, begin, strlen(begin))) ==
		    NULL)
			break;
		b += strlen(begin);
		e = memmem(b, len - (size_t)(b - s), end, strlen(end));
		if (e == NULL) {
			bwk_say(why, whylen, "a PEM block without its END line");
			return -1;
		}
		if (pem_decode(b, e, dec + declen, len - declen, &got, why,
		    whylen) == -1)
			return -1;
		if (derlist_add(out, dec + declen, got) == -1) {
			bwk_say(why, whylen, "too many objects");
			return -1;
		}
		declen += got;
		pos = (size_t)(e - s) + strlen(end);
	}
	return 0;
}

/*
 * Appends the objects of one file: PEM blocks labelled label (other
 * blocks are skipped), or one DER object. The file and the decoded PEM
 * land in buffers kept in bufs.
 */
static int
load_file(const char *path, const char *label, struct derlist *out,
    struct bufs *bufs, char *why, size_t whylen)
{
	uint8_t *buf, *dec;
	size_t len, before = out->n;

	if (bufs->n + 2 > sizeof(bufs->b) / sizeof(bufs->b[0])) {
		bwk_say(why, whylen, "too many files");
		return -1;
	}
	if (bwk_read_file(path, VERIFY_FILE_MAX, &buf, &len) == -1) {
		bwk_say(why, whylen, "cannot read it: %s", strerror(errno));
		return -1;
	}
	bufs->b[bufs->n++] = buf;
	if (len == 0)
		return 0;	/* an empty file: no objects (limbo's "none") */
	if (len >= 11 && memmem(buf, len, "-----BEGIN ", 11) == NULL) {
		/* DER: one SEQUENCE */
		if (buf[0] != 0x30) {
			bwk_say(why, whylen, "neither PEM nor DER");
			return -1;
		}
		if (derlist_add(out, buf, len) == -1) {
			bwk_say(why, whylen, "too many objects");
			return -1;
		}
		return 0;
	}
	if ((dec = malloc(len)) == NULL) {
		bwk_say(why, whylen, "out of memory");
		return -1;
	}
	bufs->b[bufs->n++] = dec;
	if (load_pem(buf, len, label, dec, out, why, whylen) == -1)
		return -1;
	if (out->n == before && memmem(buf, len, "-----BEGIN ", 11) != NULL &&
	    strcmp(label, "CERTIFICATE") == 0) {
		bwk_say(why, whylen, "no %s block", label);
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

/* --cert-policy OID[,OID...]: 0, or the exit status of a usage error. */
static int
cert_policies(struct vargs *va, const char *v)
{
	char *save = NULL, *tok;

	if ((va->polbuf = strdup(v)) == NULL)
		return vusage("out of memory", NULL);
	for (tok = strtok_r(va->polbuf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (va->in.n_policies == CHAIN_MAX_POLICIES)
			return vusage("too many policies", v);
		va->in.policies[va->in.n_policies++] = tok;
	}
	return 0;
}

/* Option a with its value v: 0, or the exit status of a usage error. */
static int
value_opt(struct vargs *va, const char *a, const char *v)
{
	const char **one = NULL;

	if (strcmp(a, "--ca") == 0 || strcmp(a, "--chain") == 0 ||
	    strcmp(a, "--crl") == 0) {
		const char **arr = strcmp(a, "--ca") == 0 ? va->ca :
		    strcmp(a, "--chain") == 0 ? va->chain : va->crl;
		size_t *cnt = arr == va->ca ? &va->nca : arr == va->chain ?
		    &va->nchain : &va->ncrl;

		if (*cnt == VERIFY_MAX_FILES)
			return vusage("too many files for", a);
		arr[(*cnt)++] = v;
		return 0;
	}
	if (strcmp(a, "--cert") == 0)
		one = &va->cert;
	else if (strcmp(a, "--host") == 0)
		one = &va->host;
	else if (strcmp(a, "--ip") == 0)
		one = &va->ip;
	else if (strcmp(a, "--time") == 0)
		one = &va->tm;
	else if (strcmp(a, "--purpose") == 0)
		one = &va->purpose;
	else if (strcmp(a, "--max-depth") == 0)
		one = &va->depth;
	else if (strcmp(a, "--cert-policy") == 0 && va->polbuf == NULL)
		return cert_policies(va, v);
	if (one == NULL || *one != NULL)
		return vusage("unknown or repeated option", a);
	*one = v;
	return 0;
}

/* The command line into va: -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct vargs *va)
{
	size_t i;
	int rc;

	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(verify_usage, stdout);
			return 0;
		}
		if (strcmp(a, "--require-explicit-policy") == 0)
			va->in.explicit_policy = 1;
		else if (strcmp(a, "--inhibit-policy-mapping") == 0)
			va->in.inhibit_policy_mapping = 1;
		else if (strcmp(a, "--inhibit-any-policy") == 0)
			va->in.inhibit_any_policy = 1;
		else if (i + 1 >= (size_t)argc)
			return vusage("option needs a value", a);
		else if ((rc = value_opt(va, a, argv[++i])) != 0)
			return rc;
	}
	return -1;
}

/* The values that need reading into va->in: -1 to go on, else 2. */
static int
apply_args(struct vargs *va)
{
	long t, d;

	if (va->nca == 0 || va->cert == NULL)
		return vusage("verify needs --ca FILE and --cert FILE", NULL);
	if (va->host != NULL && va->ip != NULL)
		return vusage("give --host or --ip, not both", NULL);
	if (va->host != NULL) {
		va->in.name_kind = CHAIN_NAME_DNS;
		va->in.name = va->host;
	} else if (va->ip != NULL) {
		va->in.name_kind = CHAIN_NAME_IP;
		va->in.name = va->ip;
	}
	if (va->tm != NULL) {
		if (bwk_parse_long(va->tm, 1, LONG_MAX, &t) == -1)
			return vusage("--time needs seconds since 1970", va->tm);
		va->in.time = t;
	}
	if (va->depth != NULL) {
		if (bwk_parse_long(va->depth, 0, 1000, &d) == -1)
			return vusage("--max-depth needs 0 to 1000", va->depth);
		va->in.max_depth = (int)d;
	}
	if (va->purpose != NULL) {
		if (strcmp(va->purpose, "serverAuth") != 0)
			return vusage("the only purpose is serverAuth",
			    va->purpose);
		va->in.purpose = CHAIN_PURPOSE_SERVER_AUTH;
	}
	return -1;
}

/*
 * Every file into vi; the certificates after the first in --cert are
 * intermediates. -1 with *cur (the file) and why on an input error.
 */
static int
load_inputs(const struct vargs *va, struct vinputs *vi, const char **cur,
    char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < va->nca; i++)
		if (load_file((*cur = va->ca[i]), "CERTIFICATE", &vi->anchors,
		    vi->bufs, why, whylen) == -1)
			return -1;
	for (i = 0; i < va->nchain; i++)
		if (load_file((*cur = va->chain[i]), "CERTIFICATE", &vi->inter,
		    vi->bufs, why, whylen) == -1)
			return -1;
	if (load_file((*cur = va->cert), "CERTIFICATE", &vi->leafs, vi->bufs,
	    why, whylen) == -1)
		return -1;
	if (vi->leafs.n == 0) {
		bwk_say(why, whylen, "no certificate in it");
		return -1;
	}
	for (i = 1; i < vi->leafs.n; i++)
		if (derlist_add(&vi->inter, vi->leafs.v[i].der,
		    vi->leafs.v[i].len) == -1) {
			bwk_say(why, whylen, "too many certificates");
			return -1;
		}
	for (i = 0; i < va->ncrl; i++)
		if (load_file((*cur = va->crl[i]), "X509 CRL", &vi->crls,
		    vi->bufs, why, whylen) == -1)
			return -1;
	return 0;
}

/* The one line of the verdict: 0 accepted, 1 refused. */
static int
report(enum chain_reason r, const struct chain_result *res, const char *cert)
{
	if (r == CHAIN_OK) {
		bwk_info(chain_reason_id(r), "verify: accepted: %s (%s): a "
		    "path of %zu certificate%s ending at a trust anchor", cert,
		    res->subject, res->path_len, res->path_len == 1 ? "" : "s");
		return 0;
	}
	if (res->position >= 0)
		bwk_msg(chain_reason_id(r), "verify: refused: %s (certificate "
		    "%d of the path: %s): %s", chain_reason_text(r),
		    res->position, res->subject, res->detail);
	else
		bwk_msg(chain_reason_id(r), "verify: refused: %s: %s",
		    chain_reason_text(r), res->detail);
	return 1;
}

/* The chain of the files in vi, verified: the exit status. */
static int
verify_inputs(struct vargs *va, const struct vinputs *vi)
{
	struct chain_input *in = &va->in;
	struct chain_result res;
	enum chain_reason r;
	char why[256];

	in->anchors = vi->anchors.v;
	in->n_anchors = vi->anchors.n;
	in->intermediates = vi->inter.v;
	in->n_intermediates = vi->inter.n;
	in->leaf = vi->leafs.v[0];
	in->crls = vi->crls.v;
	in->n_crls = vi->crls.n;
	in->check_revocation = va->ncrl > 0;
	/* a failure shows only if a wildcard needs it (BWK0787E) */
	(void)chain_psl_load(why, sizeof(why));
	r = chain_verify(in, &res);
	return report(r, &res, va->cert);
}

int
cmd_verify(int argc, char **argv)
{
	struct vargs va;
	struct vinputs vi;
	const char *cur = "";
	char why[256];
	size_t i;
	int rc;

	memset(&va, 0, sizeof(va));
	memset(&vi, 0, sizeof(vi));
	va.in.max_depth = -1;
	if ((rc = parse_args(argc, argv, &va)) != -1 ||
	    (rc = apply_args(&va)) != -1)
		goto done;
	if ((vi.bufs = calloc(1, sizeof(*vi.bufs))) == NULL) {
		rc = vusage("out of memory", NULL);
		goto done;
	}
	if (load_inputs(&va, &vi, &cur, why, sizeof(why)) == -1) {
		bwk_msg("BWK0761E", "verify: %s: %s", cur, why);
		rc = 2;
	} else
		rc = verify_inputs(&va, &vi);
done:
	if (vi.bufs != NULL)
		for (i = 0; i < vi.bufs->n; i++)
			free(vi.bufs->b[i]);
	free(vi.bufs);
	free(vi.anchors.v);
	free(vi.inter.v);
	free(vi.leafs.v);
	free(vi.crls.v);
	free(va.polbuf);
	return rc;
}
