/*
 * Patterns of query backup, restore and delete backup (job.h): the
 * server's filespaces decide where a pattern lives, since the files it
 * names may be gone from this machine (that is what a restore is for).
 *
 * A pattern is made the name a backup stored: "." parts, ".." parts and
 * doubled slashes are taken out as text (as cd does), and a relative one
 * is taken from the working directory's physical name (getcwd), as a
 * backup resolves its paths. A link named in an absolute pattern is not
 * followed: "/a/docs/" means what was backed up as /a/docs, even where
 * /a/docs is now a link to elsewhere (a restore then refuses to write
 * through it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "job.h"

struct fs_pick {
	const char	*abs;
	char		 best[4096];
	size_t		 len;
	int		 found;
};

static int
pick_fs(void *arg, const char *fs, int64_t created)
{
	struct fs_pick *p = arg;
	size_t n = strlen(fs);

	(void)created;
	if (n >= sizeof(p->best))
		return 0;
	if (strcmp(fs, "/") == 0 ? 1 : strncmp(p->abs, fs, n) == 0 &&
	    (p->abs[n] == '/' || p->abs[n] == '\0')) {
		if (!p->found || n > p->len) {
			memcpy(p->best, fs, n + 1);
			p->len = n;
			p->found = 1;
		}
	}
	return 0;
}

/*
 * abs without ".", ".." and empty parts, as text (".." at / stays /); a
 * trailing slash is kept: "/u/docs/" is everything in it.
 */
static void
lexical(char *abs)
{
	char out[4096];
	size_t n = 0, len, keep_slash;
	const char *p = abs, *e;

	len = strlen(abs);
	/* "/u/docs/" and "/u/docs/." both mean what is in it */
	keep_slash = len > 1 && (abs[len - 1] == '/' ||
	    (abs[len - 1] == '.' && abs[len - 2] == '/'));
	out[n++] = '/';
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			;
		if (e - p == 1 && p[0] == '.')
			;
		else if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			/* back to the previous part's slash */
			if (n > 1) {
				n--;
				while (n > 1 && out[n - 1] != '/')
					n--;
			}
		} else {
			if (n > 1 && out[n - 1] != '/')
				out[n++] = '/';
			memcpy(out + n, p, (size_t)(e - p));
			n += (size_t)(e - p);
		}
		p = e;
	}
	if (n > 1 && out[n - 1] == '/')
		n--;
	if (keep_slash && n > 1)
		out[n++] = '/';
	out[n] = '\0';
	memcpy(abs, out, n + 1);
}

int
job_target(struct job *j, const char *arg, struct job_target *t)
{
	struct bwk_result res;
	struct fs_pick p;
	char abs[4096], cwd[4096];
	const char *rest, *slash;

	memset(t, 0, sizeof(*t));
	if (arg[0] == '/') {
		if (strlen(arg) >= sizeof(abs)) {
			bwk_msg("BWK1753E", "%s: %s", arg, strerror(ENAMETOOLONG));
			return 1;
		}
		snprintf(abs, sizeof(abs), "%s", arg);
	} else if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, arg) >=
	    sizeof(abs)) {
		bwk_msg("BWK1753E", "%s: %s", arg, strerror(errno ? errno :
		    ENAMETOOLONG));
		return 1;
	}
	lexical(abs);
	memset(&p, 0, sizeof(p));
	p.abs = abs;
	if (bwk_query_filespaces(j->b, pick_fs, &p, &res) == -1)
		return -1;
	if (res.status != BWK_OK || !p.found) {
		bwk_msg("BWK1754E", "no filespace of the server holds %s; "
		    "bulwark query filespace lists them", abs);
		return 1;
	}
	snprintf(t->fs, sizeof(t->fs), "%s", p.best);
	rest = strcmp(p.best, "/") == 0 ? abs : abs + p.len;
	snprintf(t->pat, sizeof(t->pat), "%s", *rest == '\0' ? "/" : rest);
	/* "/u/docs/" means everything in it */
	slash = strrchr(t->pat, '/');
	memcpy(t->dir, t->pat, (size_t)(slash - t->pat) + 1);
	t->dir[slash - t->pat + 1] = '\0';
	return 0;
}

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void
job_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f || (n = utf8_len(p)) == 0) {
			fprintf(f, "\\u%04x", *p++);
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}
