/*
 * The file side's readers of what a backup covers: an INCLEXCL file
 * (src/files/inclexcl_file.c), and, on the same bytes, the mount table
 * DOMAIN is resolved on (src/files/mounts.c). Properties, beyond no
 * crash, leak or timeout:
 *
 *   - a refused file leaves nothing; an accepted one holds only
 *     statements the options files would take: a kind followed, a
 *     pattern ie_pattern_ok accepts, a class only on INCLUDE and one
 *     ie_class_ok accepts, lines in order within the file, each pattern
 *     found on its line;
 *   - ie_eval_order lists every statement once, EXCLUDE.FS first, then
 *     EXCLUDE.DIR, then the others from the bottom up;
 *   - two parses of the same bytes agree;
 *   - an accepted mount table holds absolute mount points and roots.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/files/inclexcl.h"
#include "../src/files/inclexcl_file.h"
#include "../src/files/mounts.h"
#include "fuzz_common.h"

/* The start of line n (1 first) of buf, and its length, or NULL. */
static const char *
line_of(const char *buf, size_t len, int n, size_t *ll)
{
	const char *p = buf, *end = buf + len, *nl;

	for (; n > 1 && p < end; n--) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	if (n > 1)
		return NULL;
	nl = memchr(p, '\n', (size_t)(end - p));
	*ll = (size_t)((nl != NULL ? nl : end) - p);
	return p;
}

static int
rank(enum ie_kind k)
{
	return k == IE_EXCLUDE_FS ? 0 : k == IE_EXCLUDE_DIR ? 1 : 2;
}

static void
check_file(const struct ie_file *f, const char *buf, size_t len)
{
	const struct ie_list l = { f->rules, f->n };
	static size_t idx[IEF_MAX_RULES];
	static unsigned char seen[IEF_MAX_RULES];
	const char *line;
	size_t i, ll;
	int prev = 0;

	if (f->n > IEF_MAX_RULES || (f->n > 0 && f->rules == NULL))
		fuzz_fail("%zu statements", f->n);
	for (i = 0; i < f->n; i++) {
		const struct ie_rule *r = &f->rules[i];

		if (r->kind != IE_INCLUDE && r->kind != IE_EXCLUDE &&
		    r->kind != IE_EXCLUDE_DIR && r->kind != IE_EXCLUDE_FS)
			fuzz_fail("statement %zu: kind %d", i, (int)r->kind);
		if (!ie_pattern_ok(r->pattern))
			fuzz_fail("statement %zu: pattern refused by the "
			    "options files kept", i);
		if (r->mgmtclass[0] != '\0' && (r->kind != IE_INCLUDE ||
		    !ie_class_ok(r->mgmtclass)))
			fuzz_fail("statement %zu: a class kept wrongly", i);
		if (r->line < prev || r->line < 1)
			fuzz_fail("statement %zu: line %d after %d", i, r->line,
			    prev);
		prev = r->line;
		if ((line = line_of(buf, len, r->line, &ll)) == NULL)
			fuzz_fail("statement %zu: line %d is past the end", i,
			    r->line);
		/* a BOM shifts nothing but the first line's start */
		if (memmem(line, ll, r->pattern, strlen(r->pattern)) == NULL)
			fuzz_fail("statement %zu: its pattern is not on line %d",
			    i, r->line);
	}
	ie_eval_order(&l, idx);
	memset(seen, 0, f->n);
	for (i = 0; i < f->n; i++) {
		if (idx[i] >= f->n || seen[idx[i]]++)
			fuzz_fail("the order lists %zu twice or out of range",
			    idx[i]);
		if (i > 0 && (rank(f->rules[idx[i]].kind) <
		    rank(f->rules[idx[i - 1]].kind) ||
		    (rank(f->rules[idx[i]].kind) ==
		    rank(f->rules[idx[i - 1]].kind) && idx[i] > idx[i - 1])))
			fuzz_fail("the order is not the old client's at %zu", i);
	}
}

static void
same(const struct ie_file *a, const struct ie_file *b)
{
	size_t i;

	if (a->n != b->n || strcmp(a->note, b->note) != 0)
		fuzz_fail("two parses of the same bytes differ");
	for (i = 0; i < a->n; i++)
		if (a->rules[i].kind != b->rules[i].kind ||
		    a->rules[i].line != b->rules[i].line ||
		    strcmp(a->rules[i].pattern, b->rules[i].pattern) != 0 ||
		    strcmp(a->rules[i].mgmtclass, b->rules[i].mgmtclass) != 0)
			fuzz_fail("two parses differ at statement %zu", i);
}

static void
mounts(const char *buf, size_t len)
{
	struct mount_table t;
	size_t i;

	if (mounts_parse("mountinfo", buf, len, &t) != 0) {
		if (t.n != 0 || t.m != NULL)
			fuzz_fail("a refused mount table left entries");
		return;
	}
	for (i = 0; i < t.n; i++) {
		if (t.m[i].point[0] != '/' || t.m[i].root[0] != '/')
			fuzz_fail("mount %zu: not absolute", i);
		(void)mount_in_class(&t.m[i], DOMAIN_ALL_LOCAL);
		if (mounts_find(&t, t.m[i].point) == NULL)
			fuzz_fail("mount %zu: not found at its point", i);
	}
	mounts_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ie_file a, b;
	int r;

	r = ie_file_parse("inclexcl", buf, size, &a);
	if (r != 0) {
		if (r != -1 || a.n != 0 || a.rules != NULL || a.note[0] != '\0')
			fuzz_fail("a refused file returned %d and left %zu", r,
			    a.n);
	} else {
		check_file(&a, buf, size);
		if (ie_file_parse("inclexcl", buf, size, &b) != 0)
			fuzz_fail("a second parse failed");
		same(&a, &b);
		ie_file_free(&b);
	}
	ie_file_free(&a);
	mounts(buf, size);
	return 0;
}
