/*
 * bulwark query inclexcl: the seed's dsmc query inclexcl. The include and
 * exclude statements a backup of the chosen stanza applies, in the order
 * it applies them ("match from top down"), each with the file and line
 * it came from; or, with --json, one JSON document. It reads the options
 * files and the INCLEXCL file, and makes no session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../files/inclexcl.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "../lib/version.h"
#include "args.h"
#include "backup_scope.h"
#include "client.h"
#include "cmd_inclexcl.h"

static const char usage_text[] =
"usage: bulwark query inclexcl [--json] [-optfile=FILE] [-option=value ...]\n"
"                              [--sysfile FILE]\n"
"\n"
"Prints the include and exclude statements that a backup of the chosen\n"
"stanza applies, in the order it applies them: EXCLUDE.FS, EXCLUDE.DIR,\n"
"then INCLUDE and EXCLUDE from the bottom of the list up, the stanza's\n"
"with the INCLEXCL file's in the INCLEXCL line's place; each with the\n"
"file and line it came from. It makes no session.\n"
"  --json            one JSON document on standard output\n"
"\n"
"Exit status: 0 done; 2 usage, an options file or the INCLEXCL file\n"
"refused; 3 the result could not be written.\n"
"\n";

#define CELL	(IE_PATTERN_MAX + IE_CLASS_MAX + 8)

struct own_opts {
	int	json;
};

/* --json: everything but the document to standard error. */
static void
to_stderr(void *arg, const char *id, const char *text)
{
	(void)arg;
	if (!bwk_quiet)
		fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

static int
own_opt(void *arg, int argc, char **argv, int *i, const char *name,
    const char *value)
{
	struct own_opts *a = arg;

	(void)argc;
	if (strcasecmp(name, "json") != 0)
		return 1;
	if (value != NULL)
		return cmd_usage("query inclexcl", "this option takes no value",
		    argv[*i]);
	a->json = 1;
	/* the options' notes too, so that standard output is the document */
	bwk_msg_hook(to_stderr, NULL, NULL, NULL);
	return 0;
}

static const char *
mode_of(enum ie_kind k)
{
	return k == IE_INCLUDE ? "Incl" : "Excl";
}

static const char *
function_of(enum ie_kind k)
{
	return k == IE_EXCLUDE_FS ? "Filespace" : k == IE_EXCLUDE_DIR ?
	    "Directory" : "All";
}

/* The pattern and class as a statement writes them: quoted if blank. */
static void
values(const struct ie_rule *r, char *out, size_t outlen)
{
	char p[IE_PATTERN_MAX];
	int q = strpbrk(r->pattern, " \t") != NULL;

	bwk_sanitize(r->pattern, p, sizeof(p));
	snprintf(out, outlen, "%s%s%s%s%s", q ? "\"" : "", p, q ? "\"" : "",
	    r->mgmtclass[0] != '\0' ? " " : "", r->mgmtclass);
}

static void
print_table(FILE *f, const struct backup_scope *s, const size_t *idx)
{
	static const struct {
		enum ie_kind	 kind;
		const char	*none;
	} groups[] = {
		{ IE_EXCLUDE_FS, "No exclude filespace statements defined." },
		{ IE_EXCLUDE_DIR, "No exclude directory statements defined." },
		{ IE_INCLUDE, "No include/exclude statements defined." },
	};
	char v[CELL], src[OPT_PATH_MAX];
	size_t g, i, shown;

	fputs("*** FILE INCLUDE/EXCLUDE ***\n"
	    "Mode Function  Pattern (match from top down)  Source File\n"
	    "---- --------- ------------------------------ "
	    "-----------------\n", f);
	for (g = 0, i = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (shown = 0; i < s->rules.n; i++, shown++) {
			const struct ie_rule *r = &s->rules.rules[idx[i]];
			enum ie_kind k = r->kind == IE_EXCLUDE ? IE_INCLUDE :
			    r->kind;

			if (k != groups[g].kind)
				break;
			values(r, v, sizeof(v));
			bwk_sanitize(s->source[idx[i]], src, sizeof(src));
			fprintf(f, "%-4s %-9s %-30s %s:%d\n", mode_of(r->kind),
			    function_of(r->kind), v, src, r->line);
		}
		if (shown == 0)
			fprintf(f, "%s\n", groups[g].none);
	}
}

/* A JSON string of untrusted text: sanitized to UTF-8, then escaped. */
static void
json_string(FILE *f, const char *raw)
{
	char s[CELL];
	const char *p;

	bwk_sanitize(raw, s, sizeof(s));
	fputc('"', f);
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
print_json(FILE *f, const struct bwk_options *o, const struct backup_scope *s,
    const size_t *idx)
{
	size_t i;

	fputs("{\"server\": ", f);
	json_string(f, o->servername);
	fputs(", \"inclexcl\": ", f);
	if (s->inclexcl != NULL)
		json_string(f, s->inclexcl);
	else
		fputs("null", f);
	fputs(", \"statements\": [", f);
	for (i = 0; i < s->rules.n; i++) {
		const struct ie_rule *r = &s->rules.rules[idx[i]];

		fputs(i > 0 ? ",\n  {" : "\n  {", f);
		fprintf(f, "\"mode\": \"%s\", \"function\": \"%s\", "
		    "\"statement\": \"%s\", \"pattern\": ", mode_of(r->kind),
		    function_of(r->kind), ie_kind_name(r->kind));
		json_string(f, r->pattern);
		fputs(", \"class\": ", f);
		json_string(f, r->mgmtclass);
		fputs(", \"source\": ", f);
		json_string(f, s->source[idx[i]]);
		fprintf(f, ", \"line\": %d}", r->line);
	}
	fputs("]}\n", f);
}

/* -h and -version anywhere after the command; 1 when one was handled. */
static int
help_or_version(int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		if (arg_is_help(argv[i])) {
			fputs(usage_text, stdout);
			options_cli_help(stdout);
			return 1;
		}
		if (arg_is_version(argv[i])) {
			printf("bulwark %s\n", BULWARK_VERSION);
			return 1;
		}
	}
	return 0;
}

int
cmd_query_inclexcl(int argc, char **argv)
{
	static struct session_args c;
	struct own_opts a = { 0 };
	struct backup_scope s;
	size_t *idx;
	int rc;

	if (help_or_version(argc, argv))
		return EXIT_OK;
	if ((rc = session_args_parse("query inclexcl", argc, argv, 2, &c,
	    own_opt, &a, NULL)) != 0)
		return rc;
	if (c.policy_file != NULL || c.insecure_sandbox)
		return cmd_usage("query inclexcl", "query inclexcl makes no "
		    "session: --policy and --insecure-weak-sandbox do not "
		    "apply", NULL);
	if (backup_scope_rules(&c.opt, &s) != 0) {
		backup_scope_free(&s);
		return EXIT_USAGE;
	}
	if ((idx = calloc(s.rules.n + 1, sizeof(*idx))) == NULL) {
		backup_scope_free(&s);
		bwk_msg("BWK1716E", "out of memory reading the include and "
		    "exclude statements and DOMAIN");
		return EXIT_SETUP;
	}
	ie_eval_order(&s.rules, idx);
	if (a.json)
		print_json(stdout, &c.opt, &s, idx);
	else
		print_table(stdout, &s, idx);
	free(idx);
	backup_scope_free(&s);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		bwk_msg("BWK0758E", "the report could not be written to "
		    "standard output: %s", strerror(errno));
		return EXIT_SETUP;
	}
	return EXIT_OK;
}
