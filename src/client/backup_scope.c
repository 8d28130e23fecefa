/*
 * What a backup covers (backup_scope.h): the options' statements with
 * the INCLEXCL file's in their place, and DOMAIN against the mount table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../files/mounts.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "backup_scope.h"

static int
oom(void)
{
	bwk_msg("BWK1716E", "out of memory reading the include and exclude "
	    "statements and DOMAIN");
	return -1;
}

/* The stanza's statement i (kind, pattern, class) out of the copy. */
static void
opt_rule(const struct bwk_options *o, size_t i, const char **at,
    struct ie_rule *r)
{
	const char *kind = *at, *pattern, *class;
	enum ie_kind k = IE_EXCLUDE;

	pattern = kind + strlen(kind) + 1;
	class = pattern + strlen(pattern) + 1;
	*at = class + strlen(class) + 1;
	/* the options parser stored one of the four names */
	(void)ie_kind_parse(kind, &k);
	r->kind = k;
	r->pattern = pattern;
	r->mgmtclass = class;
	r->line = i < OPT_MAX_RULES ? o->rule_line[i] : 0;
}

int
backup_scope_rules(const struct bwk_options *o, struct backup_scope *s)
{
	size_t nopt = o->rules.n, at = o->inclexcl_at, total, i, k = 0;
	const char *p;

	memset(s, 0, sizeof(*s));
	s->subdir = o->subdir;
	snprintf(s->sysname, sizeof(s->sysname), "%s", o->sysname[0] != '\0' ?
	    o->sysname : "the system options file");
	if (o->errorlogname[0] != '\0') {
		snprintf(s->errorlog_name, sizeof(s->errorlog_name), "%s",
		    o->errorlogname);
		s->errorlog = s->errorlog_name;
	}
	if (o->inclexcl[0] != '\0') {
		if (ie_file_read(o->inclexcl, &s->file) != 0)
			return -1;
		snprintf(s->inclexcl_name, sizeof(s->inclexcl_name), "%s",
		    s->file.name);
		s->inclexcl = s->inclexcl_name;
		if (s->file.note[0] != '\0')
			bwk_info("BWK1717I", "%s", s->file.note);
	}
	if (at > nopt)
		at = nopt;
	total = nopt + s->file.n;
	if ((s->text = malloc(o->rules.used + 1)) == NULL ||
	    (total > 0 && ((s->own = calloc(total, sizeof(*s->own))) == NULL ||
	    (s->sources = calloc(total, sizeof(*s->sources))) == NULL)))
		return oom();
	memcpy(s->text, o->rules.text, o->rules.used);
	s->text[o->rules.used] = '\0';
	p = s->text;
	for (i = 0; i < at; i++, k++) {
		opt_rule(o, i, &p, &s->own[k]);
		s->sources[k] = s->sysname;
	}
	for (i = 0; i < s->file.n; i++, k++) {
		s->own[k] = s->file.rules[i];
		s->sources[k] = s->inclexcl_name;
	}
	for (i = at; i < nopt; i++, k++) {
		opt_rule(o, i, &p, &s->own[k]);
		s->sources[k] = s->sysname;
	}
	s->rules.rules = s->own;
	s->rules.n = total;
	s->source = s->sources;
	return 0;
}

const struct ie_rule *
backup_scope_fs_excluded(const struct backup_scope *s, const char *point)
{
	size_t i;

	for (i = s->rules.n; i-- > 0;)
		if (s->rules.rules[i].kind == IE_EXCLUDE_FS &&
		    ie_match(s->rules.rules[i].pattern, point))
			return &s->rules.rules[i];
	return NULL;
}

/* A path as the mount table writes it: no "/" at its end but for "/". */
static void
trim(const char *in, char *out, size_t outlen)
{
	size_t n;

	snprintf(out, outlen, "%s", in);
	for (n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = '\0';
}

/* Whether a '-' entry of the list names point. */
static int
left_out(const struct opt_list *l, const char *point)
{
	char t[OPT_PATH_MAX];
	const char *e;

	for (e = opt_list_next(l, NULL); e != NULL; e = opt_list_next(l, e)) {
		if (e[0] != '-')
			continue;
		trim(e + 1, t, sizeof(t));
		if (strcmp(t, point) == 0)
			return 1;
	}
	return 0;
}

/* point into the domain, unless it is there, left out or excluded. */
static int
add_point(struct backup_scope *s, const struct opt_list *l,
    const char *point, size_t *cap)
{
	char **more;
	size_t i;

	for (i = 0; i < s->ndomain; i++)
		if (strcmp(s->domain[i], point) == 0)
			return 0;
	if (left_out(l, point) || backup_scope_fs_excluded(s, point) != NULL)
		return 0;
	if (s->ndomain == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		if ((more = realloc(s->domain, *cap * sizeof(*more))) == NULL)
			return oom();
		s->domain = more;
	}
	if ((s->domain[s->ndomain] = strdup(point)) == NULL)
		return oom();
	s->ndomain++;
	return 0;
}

int
backup_scope_domain(struct backup_scope *s, const struct opt_list *l,
    const struct mount_table *t)
{
	static const struct opt_list all_local = { 1, 10, "ALL-LOCAL" };
	char point[OPT_PATH_MAX], shown[OPT_PATH_MAX];
	const char *e;
	size_t cap = 0, i;
	int c;

	if (l->n == 0)
		l = &all_local;
	for (e = opt_list_next(l, NULL); e != NULL; e = opt_list_next(l, e)) {
		if (e[0] == '-')
			continue;
		if ((c = domain_class_parse(e)) >= 0) {
			for (i = 0; i < t->n; i++)
				if (mount_in_class(&t->m[i],
				    (enum domain_class)c) &&
				    add_point(s, l, t->m[i].point, &cap) != 0)
					return -1;
			continue;
		}
		trim(e, point, sizeof(point));
		if (mounts_find(t, point) == NULL) {
			bwk_sanitize(e, shown, sizeof(shown));
			bwk_msg("BWK1719W", "DOMAIN %s: no file system is mounted "
			    "there, so it is left out of the backup; name the "
			    "mount point of a file system (findmnt lists them), "
			    "or remove it from DOMAIN", shown);
			s->nskipped++;
			continue;
		}
		if (add_point(s, l, point, &cap) != 0)
			return -1;
	}
	return 0;
}

int
backup_scope_load(const struct bwk_options *o, struct backup_scope *s)
{
	struct mount_table t;
	int r;

	if (backup_scope_rules(o, s) != 0)
		return -1;
	if (mounts_read(&t) != 0)
		return -1;
	r = backup_scope_domain(s, &o->domain, &t);
	mounts_free(&t);
	return r;
}

void
backup_scope_free(struct backup_scope *s)
{
	size_t i;

	for (i = 0; i < s->ndomain; i++)
		free(s->domain[i]);
	free(s->domain);
	free(s->own);
	free(s->sources);
	free(s->text);
	ie_file_free(&s->file);
	memset(s, 0, sizeof(*s));
}
