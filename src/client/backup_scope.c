/*
 * The scope of a backup (backup_scope.h), from the parsed options.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/msg.h"
#include "backup_scope.h"

static int
load_rules(const struct bwk_options *o, struct backup_scope *sc)
{
	const char *kind, *pat, *mc;
	enum ie_kind k;
	size_t n = 0;

	if (o->rules.n == 0)
		return 0;
	if ((sc->rule = calloc(o->rules.n, sizeof(*sc->rule))) == NULL)
		return -1;
	for (kind = opt_list_next(&o->rules, NULL); kind != NULL;
	    kind = opt_list_next(&o->rules, mc)) {
		if ((pat = opt_list_next(&o->rules, kind)) == NULL ||
		    (mc = opt_list_next(&o->rules, pat)) == NULL)
			break;
		if (ie_kind_parse(kind, &k) == -1 || n == o->rules.n)
			continue;
		sc->rule[n].kind = k;
		sc->rule[n].pattern = pat;
		sc->rule[n].mgmtclass = mc;
		sc->rule[n].line = (int)n + 1;
		n++;
	}
	sc->rules.rules = sc->rule;
	sc->rules.n = n;
	return 0;
}

/* The DOMAIN's absolute paths; "-/path" leaves one out. */
static int
load_domain(const struct bwk_options *o, struct backup_scope *sc)
{
	const char *d, *e;
	size_t n = 0;
	int out;

	if (o->domain.n == 0)
		return 0;
	if ((sc->domain = calloc(o->domain.n, sizeof(*sc->domain))) == NULL)
		return -1;
	for (d = opt_list_next(&o->domain, NULL); d != NULL;
	    d = opt_list_next(&o->domain, d)) {
		if (d[0] != '/')
			continue;
		for (out = 0, e = opt_list_next(&o->domain, d); e != NULL;
		    e = opt_list_next(&o->domain, e))
			if (e[0] == '-' && strcmp(e + 1, d) == 0)
				out = 1;
		if (!out)
			sc->domain[n++] = d;
	}
	sc->ndomain = n;
	return 0;
}

int
backup_scope_load(const struct bwk_options *o, struct backup_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (load_rules(o, sc) == -1 || load_domain(o, sc) == -1) {
		backup_scope_free(sc);
		bwk_msg("BWK1752E", "out of memory reading the include and "
		    "exclude statements");
		return -1;
	}
	return 0;
}

void
backup_scope_free(struct backup_scope *sc)
{
	free(sc->rule);
	free(sc->domain);
	memset(sc, 0, sizeof(*sc));
}
