/*
 * Policy files: "keyword value..." lines, '#' comments. Every value must
 * come from the floor below; duplicates and unknown keywords are errors.
 * The floor is the FIPS-oriented policy itself: nothing outside it can
 * be enabled, only removed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wolfssl/options.h>
#include <wolfssl/version.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "policy.h"

#define POLICY_FILE_MAX		(64 * 1024)

static const char *const floor_suites[] = {
	"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256",
	"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256", NULL,
};
static const char *const floor_groups[] = { "P-256", "P-384", "P-521", NULL };
static const char *const floor_sigs[] = {
	"ECDSA+SHA256", "ECDSA+SHA384", "ECDSA+SHA512",
	"RSA-PSS+SHA256", "RSA-PSS+SHA384", "RSA-PSS+SHA512",
	"RSA+SHA256", "RSA+SHA384", "RSA+SHA512", NULL,
};
static const char *const floor_hashes[] = { "SHA256", "SHA384", "SHA512",
    NULL };

static int
in_list(const char *const *list, const char *v)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, v) == 0)
			return 1;
	return 0;
}

static int __attribute__((format(printf, 3, 4)))
refuse(const char *source, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bwk_msg("BWK0730E", "policy %s, line %d: %s; the policy is refused "
	    "(it may be stricter than the built-in policy, never weaker)",
	    source, line, msg);
	return -1;
}

/* Items of a list keyword, each checked against its floor. */
static int
take_items(char *rest, const char *const *floor, policy_item *out, size_t *n,
    const char *source, int line, const char *kw)
{
	char *tok, *save = NULL;

	if (*n != 0)
		return refuse(source, line, "'%s' given twice", kw);
	for (tok = strtok_r(rest, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (!in_list(floor, tok))
			return refuse(source, line, "'%s' is not allowed in "
			    "'%s'", tok, kw);
		for (size_t j = 0; j < *n; j++)
			if (strcmp(out[j], tok) == 0)
				return refuse(source, line, "'%s' is listed "
				    "twice", tok);
		if (*n == POLICY_MAX_ITEMS || strlen(tok) >= POLICY_ITEM_LEN)
			return refuse(source, line, "too many values");
		memcpy(out[*n], tok, strlen(tok) + 1);
		(*n)++;
	}
	if (*n == 0)
		return refuse(source, line, "'%s' needs at least one value", kw);
	return 0;
}

static int
take_number(const char *v, int floor, int *out, const char *source, int line,
    const char *kw)
{
	long n;

	if (*out != 0)
		return refuse(source, line, "'%s' given twice", kw);
	if (bwk_parse_long(v, 1, 16384, &n) == -1)
		return refuse(source, line, "'%s' needs a number", kw);
	if (n < floor)
		return refuse(source, line, "'%s %ld' is below %d", kw, n, floor);
	*out = (int)n;
	return 0;
}

static int
parse_line(char *l, int line, const char *source, struct tls_policy *p,
    int *seen_proto, int *seen_ems, int *seen_reneg)
{
	char *kw, *rest, *save = NULL;

	if ((kw = strtok_r(l, " \t", &save)) == NULL)
		return 0;
	rest = save != NULL ? save : (char *)"";
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if ((strcmp(kw, "protocol") == 0 && *seen_proto) ||
	    (strcmp(kw, "extended-master-secret") == 0 && *seen_ems) ||
	    (strcmp(kw, "renegotiation") == 0 && *seen_reneg))
		return refuse(source, line, "'%s' given twice", kw);
	if (strcmp(kw, "protocol") == 0) {
		if (strcmp(rest, "TLSv1.2") != 0)
			return refuse(source, line, "protocol must be TLSv1.2");
		*seen_proto = 1;
	} else if (strcmp(kw, "suites") == 0)
		return take_items(rest, floor_suites, p->suites, &p->nsuites,
		    source, line, kw);
	else if (strcmp(kw, "groups") == 0)
		return take_items(rest, floor_groups, p->groups, &p->ngroups,
		    source, line, kw);
	else if (strcmp(kw, "signatures") == 0)
		return take_items(rest, floor_sigs, p->sigs, &p->nsigs, source,
		    line, kw);
	else if (strcmp(kw, "certificate-hashes") == 0)
		return take_items(rest, floor_hashes, p->cert_hashes,
		    &p->ncert_hashes, source, line, kw);
	else if (strcmp(kw, "min-rsa-bits") == 0)
		return take_number(rest, 2048, &p->min_rsa_bits, source, line,
		    kw);
	else if (strcmp(kw, "min-ecc-bits") == 0)
		return take_number(rest, 256, &p->min_ecc_bits, source, line,
		    kw);
	else if (strcmp(kw, "extended-master-secret") == 0) {
		if (strcmp(rest, "required") != 0)
			return refuse(source, line, "extended-master-secret "
			    "must be 'required'");
		*seen_ems = p->require_ems = 1;
	} else if (strcmp(kw, "renegotiation") == 0) {
		if (strcmp(rest, "refused") != 0)
			return refuse(source, line, "renegotiation must be "
			    "'refused'");
		*seen_reneg = p->refuse_renegotiation = 1;
	} else
		return refuse(source, line, "unknown keyword '%s'", kw);
	return 0;
}

int
policy_parse(const char *text, size_t len, const char *source,
    struct tls_policy *p)
{
	char line[1024];
	size_t pos = 0, n;
	int lineno = 0, proto = 0, ems = 0, reneg = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->source, sizeof(p->source), "%s", source);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);

		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (n >= sizeof(line))
			return refuse(source, lineno, "line too long");
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		if (memchr(line, '\0', n) != NULL)
			return refuse(source, lineno, "a NUL byte");
		if (strchr(line, '#') != NULL)
			*strchr(line, '#') = '\0';
		n = strlen(line);
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
		    line[n - 1] == '\r'))
			line[--n] = '\0';
		if (parse_line(line, lineno, source, p, &proto, &ems, &reneg) == -1)
			return -1;
	}
	/* every line of the floor must be stated: nothing is left implicit */
	if (!proto || p->nsuites == 0 || p->ngroups == 0 || p->nsigs == 0 ||
	    p->ncert_hashes == 0 || p->min_rsa_bits == 0 ||
	    p->min_ecc_bits == 0 || !ems || !reneg)
		return refuse(source, lineno, "a keyword is missing (protocol, "
		    "suites, groups, signatures, certificate-hashes, "
		    "min-rsa-bits, min-ecc-bits, extended-master-secret and "
		    "renegotiation are all required)");
	return 0;
}

int
policy_load(const char *path, struct tls_policy *p)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (path == NULL)
		return policy_parse(policy_builtin_text,
		    strlen(policy_builtin_text), "built-in", p);
	if (bwk_read_file(path, POLICY_FILE_MAX, &buf, &len) == -1) {
		bwk_msg("BWK0731E", "cannot read the policy file %s: %m", path);
		return -1;
	}
	r = policy_parse((const char *)buf, len, path, p);
	free(buf);
	return r;
}

static void
print_list(FILE *f, const char *name, const policy_item *items, size_t n)
{
	size_t i;

	fprintf(f, "%-24s", name);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", items[i]);
	fputc('\n', f);
}

void
policy_print(const struct tls_policy *p, FILE *f)
{
	fprintf(f, "# effective policy (%s)\n", p->source);
	fprintf(f, "%-24s%s\n", "protocol", "TLSv1.2");
	print_list(f, "suites", p->suites, p->nsuites);
	print_list(f, "groups", p->groups, p->ngroups);
	print_list(f, "signatures", p->sigs, p->nsigs);
	print_list(f, "certificate-hashes", p->cert_hashes, p->ncert_hashes);
	fprintf(f, "%-24s%d\n", "min-rsa-bits", p->min_rsa_bits);
	fprintf(f, "%-24s%d\n", "min-ecc-bits", p->min_ecc_bits);
	fprintf(f, "%-24s%s\n", "extended-master-secret", "required");
	fprintf(f, "%-24s%s\n", "renegotiation", "refused");
	fprintf(f, "\n# crypto module: wolfCrypt %s, built by Bulwark with "
	    "AES-NI\n", LIBWOLFSSL_VERSION_STRING);
#ifdef HAVE_FIPS
	fprintf(f, "# FIPS: this wolfCrypt is built in FIPS mode.\n");
#else
	fprintf(f, "# FIPS: this wolfCrypt is NOT a validated FIPS 140-3 "
	    "module. Bulwark uses only\n# FIPS-approved algorithms and runs "
	    "known-answer self-tests at start-up, but\n# that makes it "
	    "behave like a validated module, not be one.\n");
#endif
}

void
policy_cipher_list(const struct tls_policy *p, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < p->nsuites && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ":" : "",
		    p->suites[i]);
}

int
policy_has_group(const struct tls_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ngroups; i++)
		if (strcmp(p->groups[i], name) == 0)
			return 1;
	return 0;
}

int
policy_has_sig(const struct tls_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nsigs; i++)
		if (strcmp(p->sigs[i], name) == 0)
			return 1;
	return 0;
}
