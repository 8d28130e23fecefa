/*
 * An INCLEXCL file (inclexcl_file.h): its checks, then its lines.
 *
 * The bytes are untrusted as far as this parser goes (it is fuzzed):
 * every line is checked for length and control bytes before it is split,
 * every pattern with the matcher's own grammar before it is kept, what is
 * echoed in a message is cut and sanitized, and the result is handed over
 * only when the whole file parsed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/safe_path.h"
#include "../lib/util.h"
#include "inclexcl_file.h"

#define ECHO_LEN	96
#define WHERE_LEN	(IEF_NAME_MAX + 16)
#define MAX_WORDS	3	/* a pattern, a class, and one too many */

static int
fail(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bwk_vmsg(id, fmt, ap);
	va_end(ap);
	return -1;
}

/* A bounded, terminal-safe copy of untrusted text for messages. */
static void
echo(const char *s, size_t n, char out[ECHO_LEN])
{
	char tmp[ECHO_LEN];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	bwk_sanitize(tmp, out, ECHO_LEN);
}

/* What the file side does with a statement of the old client. */
enum st_use {
	ST_RULE,	/* followed: an ie_rule */
	ST_NOTED,	/* checked, not followed: named in the note */
	ST_REFUSED,
};

static const struct statement {
	const char	*name;
	unsigned char	 use;		/* enum st_use */
	unsigned char	 kind;		/* enum ie_kind, for ST_RULE */
	unsigned char	 classes;	/* takes a management class */
} statements[] = {
	{ "INCLUDE", ST_RULE, IE_INCLUDE, 1 },
	{ "INCLUDE.BACKUP", ST_RULE, IE_INCLUDE, 1 },
	{ "INCLUDE.FILE", ST_RULE, IE_INCLUDE, 1 },
	{ "EXCLUDE", ST_RULE, IE_EXCLUDE, 0 },
	{ "EXCLUDE.BACKUP", ST_RULE, IE_EXCLUDE, 0 },
	{ "EXCLUDE.FILE", ST_RULE, IE_EXCLUDE, 0 },
	{ "EXCLUDE.DIR", ST_RULE, IE_EXCLUDE_DIR, 0 },
	{ "EXCLUDE.FS", ST_RULE, IE_EXCLUDE_FS, 0 },
	{ "INCLUDE.ARCHIVE", ST_NOTED, 0, 1 },
	{ "EXCLUDE.ARCHIVE", ST_NOTED, 0, 0 },
	{ "INCLUDE.COMPRESSION", ST_NOTED, 0, 0 },
	{ "EXCLUDE.COMPRESSION", ST_NOTED, 0, 0 },
	{ "INCLUDE.DEDUP", ST_NOTED, 0, 0 },
	{ "EXCLUDE.DEDUP", ST_NOTED, 0, 0 },
	{ "EXCLUDE.ENCRYPT", ST_NOTED, 0, 0 },
	{ "INCLUDE.ENCRYPT", ST_REFUSED, 0, 0 },
};

#define NSTATEMENTS	(sizeof(statements) / sizeof(statements[0]))

static const struct statement *
lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NSTATEMENTS; i++)
		if (strcasecmp(name, statements[i].name) == 0)
			return &statements[i];
	return NULL;
}

/* The parse under way. */
struct parse {
	struct ie_file	*f;
	size_t		 cap;		/* rules allocated */
	size_t		 used;		/* bytes of text used */
	size_t		 textcap;
	size_t		 note_used;
	int		 noted;		/* statements named in the note */
};

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next value of a line at *pp, quoted or not; NUL-terminated in
 * place. 1 with *word set, 0 at the end of the line, -1 on error.
 */
static int
next_word(char **pp, char **word, const char *where)
{
	char *p = *pp, q, e[ECHO_LEN];

	while (blank(*p))
		p++;
	if (*p == '\0')
		return 0;
	if (*p == '"' || *p == '\'') {
		q = *p++;
		*word = p;
		while (*p != '\0' && *p != q)
			p++;
		if (*p == '\0')
			return fail("BWK1711E", "%s: the quote %c before the "
			    "pattern is not closed; end the pattern with %c",
			    where, q, q);
		*p++ = '\0';
		if (*p != '\0' && !blank(*p)) {
			echo(p, strlen(p), e);
			return fail("BWK1711E", "%s: unexpected text '%s' after "
			    "the closing quote; put blanks after the pattern, "
			    "nothing else", where, e);
		}
	} else {
		*word = p;
		while (*p != '\0' && !blank(*p))
			p++;
	}
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return 1;
}

/* A copy of s in the parse's text. */
static const char *
keep(struct parse *ps, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (n == 1)
		return "";
	/* the text was sized for the whole file: this cannot overflow */
	if (n > ps->textcap - ps->used)
		return NULL;
	d = ps->f->text + ps->used;
	memcpy(d, s, n);
	ps->used += n;
	return d;
}

static int
add_rule(struct parse *ps, const struct statement *st, int lineno,
    const char *where, const char *pattern, const char *class)
{
	struct ie_file *f = ps->f;
	struct ie_rule *r, *more;

	if (f->n == IEF_MAX_RULES)
		return fail("BWK1715E", "%s: more than %d statements; an "
		    "include-exclude file this long is not one Bulwark reads: "
		    "use wider patterns", where, IEF_MAX_RULES);
	if (f->n == ps->cap) {
		size_t cap = ps->cap == 0 ? 64 : ps->cap * 2;

		if ((more = realloc(f->rules, cap * sizeof(*more))) == NULL)
			return fail("BWK1716E", "%s: out of memory reading the "
			    "include-exclude file", where);
		f->rules = more;
		ps->cap = cap;
	}
	r = &f->rules[f->n];
	r->kind = (enum ie_kind)st->kind;
	r->line = lineno;
	if ((r->pattern = keep(ps, pattern)) == NULL ||
	    (r->mgmtclass = keep(ps, class)) == NULL)
		return fail("BWK1716E", "%s: out of memory reading the "
		    "include-exclude file", where);
	f->n++;
	return 0;
}

/* Appends to the note, ending it with "..." when it is full. */
static void
note_add(struct parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note_add(struct parse *ps, const char *fmt, ...)
{
	char *note = ps->f->note;
	va_list ap;
	int r;

	if (ps->note_used >= IEF_NOTE_LEN - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(note + ps->note_used, IEF_NOTE_LEN - ps->note_used,
	    fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= IEF_NOTE_LEN - ps->note_used) {
		strcpy(note + IEF_NOTE_LEN - 4, "...");
		ps->note_used = IEF_NOTE_LEN - 1;
	} else
		ps->note_used += (size_t)r;
}

/* One statement with its values, at where. */
static int
statement(struct parse *ps, int lineno, const char *where, const char *name,
    char *const w[], size_t nw)
{
	const struct statement *st;
	char e[ECHO_LEN];

	echo(name, strlen(name), e);
	if (strchr(name, '=') != NULL)
		return fail("BWK1709E", "%s: '%s': a statement and its pattern "
		    "are separated by blanks, not '='", where, e);
	if ((st = lookup(name)) == NULL)
		return fail("BWK1708E", "%s: '%s' is not an include or exclude "
		    "statement; an include-exclude file holds INCLUDE, "
		    "EXCLUDE, EXCLUDE.DIR and EXCLUDE.FS statements (and the "
		    ".BACKUP and .FILE forms), written in full: put options in "
		    "the options file, and comments on lines that start with "
		    "'*'", where, e);
	if (st->use == ST_REFUSED)
		return fail("BWK1714E", "%s: %s is refused: Bulwark does not "
		    "encrypt object data with a key of its own, so the files "
		    "it names would be stored unencrypted on the server; "
		    "remove the line, or keep these files on the old client",
		    where, st->name);
	if (nw == 0)
		return fail("BWK1710E", "%s: %s needs a pattern; write the "
		    "statement, blanks, then the pattern", where, st->name);
	if (nw > (st->classes ? 2u : 1u))
		return fail("BWK1711E", "%s: %s takes %s; quote a pattern that "
		    "contains blanks, and put comments on their own line "
		    "starting with '*'", where, st->name, st->classes ?
		    "a pattern and at most a management class" :
		    "one pattern");
	if (!ie_pattern_ok(w[0])) {
		echo(w[0], strlen(w[0]), e);
		return fail("BWK1712E", "%s: '%s' is not a valid pattern of %s; "
		    "give an absolute path, with * and ? within a name, "
		    "[...] closed within its name, and ... alone as a whole "
		    "directory level, not the last", where, e, st->name);
	}
	if (nw == 2 && !ie_class_ok(w[1])) {
		echo(w[1], strlen(w[1]), e);
		return fail("BWK1713E", "%s: '%s' is not a valid management "
		    "class; give 1 to %d letters, digits and _ - .", where, e,
		    IE_CLASS_MAX);
	}
	if (st->use == ST_NOTED) {
		note_add(ps, "%s %s (line %d)", ps->noted++ > 0 ? "," : "",
		    st->name, lineno);
		return 0;
	}
	return add_rule(ps, st, lineno, where, w[0], nw == 2 ? w[1] : "");
}

/* Splits one line (NUL-terminated, checked for control bytes). */
static int
parse_line(struct parse *ps, int lineno, const char *where, char *p)
{
	char *name, *words[MAX_WORDS];
	size_t nw = 0;
	int r = 0;

	while (blank(*p))
		p++;
	/* '*' comments as in IBM's samples, '#' as the options files */
	if (*p == '\0' || *p == '*' || *p == '#')
		return 0;
	name = p;
	while (*p != '\0' && !blank(*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	while (nw < MAX_WORDS && (r = next_word(&p, &words[nw], where)) == 1)
		nw++;
	if (nw < MAX_WORDS && r == -1)
		return -1;
	return statement(ps, lineno, where, name, words, nw);
}

static int
parse_lines(struct parse *ps, const char *buf, size_t len)
{
	char line[IEF_MAX_LINE + 1], where[WHERE_LEN];
	const char *p = buf, *end = buf + len, *nl;
	size_t n, i;
	int lineno = 0;

	/* A UTF-8 byte order mark, as some editors write, is skipped. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", ps->f->name, lineno);
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')	/* CRLF line ends */
			n--;
		if (n > IEF_MAX_LINE)
			return fail("BWK1706E", "%s: the line is longer than %d "
			    "characters; shorten it, with a wider pattern",
			    where, IEF_MAX_LINE);
		for (i = 0; i < n; i++) {
			unsigned char b = (unsigned char)p[i];

			if ((b < 0x20 && b != '\t') || b == 0x7f)
				return fail("BWK1707E", "%s: the line contains "
				    "a control character (byte 0x%02X); an "
				    "include-exclude file is plain text", where,
				    b);
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (parse_line(ps, lineno, where, line) != 0)
			return -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

void
ie_file_free(struct ie_file *f)
{
	free(f->rules);
	free(f->text);
	f->rules = NULL;
	f->text = NULL;
	f->n = 0;
}

int
ie_file_parse(const char *name, const char *buf, size_t len,
    struct ie_file *out)
{
	struct parse ps;

	memset(out, 0, sizeof(*out));
	bwk_sanitize(name, out->name, sizeof(out->name));
	if (len > IEF_MAX_FILE)
		return fail("BWK1705E", "%s: larger than %d KiB; an "
		    "include-exclude file holds statements, one a line: check "
		    "that this is the right file", out->name,
		    IEF_MAX_FILE / 1024);
	memset(&ps, 0, sizeof(ps));
	ps.f = out;
	/* every kept string is part of a line, and its NUL replaces a byte
	 * of the line or of its end: twice the file is room enough */
	ps.textcap = 2 * len + 2;
	if ((out->text = malloc(ps.textcap)) == NULL)
		return fail("BWK1716E", "%s: out of memory reading the "
		    "include-exclude file", out->name);
	note_add(&ps, "%s: accepted and not followed:", out->name);
	if (parse_lines(&ps, buf, len) != 0) {
		ie_file_free(out);
		out->note[0] = '\0';
		return -1;
	}
	if (ps.noted > 0)
		note_add(&ps, ": these statements choose files for archives, "
		    "client compression, deduplication or encryption, which "
		    "Bulwark does not do");
	else
		out->note[0] = '\0';
	return 0;
}

/* --- the checks before the file is read ---------------------------- */

/* Owner and mode of the file itself (s: its name, sanitized). */
static int
check_file(const char *s, const struct stat *st)
{
	char who[32], me[32];
	uid_t uid = geteuid();

	if (S_ISDIR(st->st_mode))
		return fail("BWK1701E", "%s: is a directory; INCLEXCL names a "
		    "file of include and exclude statements", s);
	if (!S_ISREG(st->st_mode))
		return fail("BWK1701E", "%s: not a regular file; INCLEXCL "
		    "names a file of include and exclude statements", s);
	if (st->st_uid != uid && st->st_uid != 0)
		return fail("BWK1702E", "%s: belongs to %s; an include-exclude "
		    "file must belong to you or to root, or another user could "
		    "choose what is backed up: fix: chown %s %s", s,
		    bwk_user_name(st->st_uid, who), bwk_user_name(uid, me), s);
	if ((st->st_mode & 022) != 0)
		return fail("BWK1703E", "%s: can be changed by other users "
		    "(mode %04o), who could choose what is backed up and what "
		    "is not; fix: chmod go-w %s", s,
		    (unsigned)(st->st_mode & 07777), s);
	return 0;
}

static int
open_failed(const char *s, int err)
{
	if (err == ENOENT)
		return fail("BWK1700E", "%s: the include-exclude file that "
		    "INCLEXCL names does not exist; create it, or correct the "
		    "INCLEXCL line of the server's stanza", s);
	if (err == ELOOP)
		return fail("BWK1701E", "%s: is a symbolic link; INCLEXCL must "
		    "name the file itself, which is checked, not a link to "
		    "it", s);
	if (err == EACCES)
		return fail("BWK1700E", "%s: this user cannot read the "
		    "include-exclude file (%s); fix: chmod a+r %s, and let "
		    "its directories be searched (chmod a+x)", s,
		    strerror(err), s);
	return fail("BWK1700E", "%s: cannot open the include-exclude file: "
	    "%s", s, strerror(err));
}

int
ie_file_read(const char *path, struct ie_file *out)
{
	struct stat st;
	char s[IEF_NAME_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, save, r;

	memset(out, 0, sizeof(*out));
	bwk_sanitize(path, s, sizeof(s));
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    O_NOFOLLOW)) == -1)
		return open_failed(s, errno);
	if (bwk_fstat(fd, &st) == -1) {
		save = errno;
		close(fd);
		return fail("BWK1700E", "%s: cannot read the include-exclude "
		    "file: %s", s, strerror(save));
	}
	if (check_file(s, &st) == -1 || bwk_check_path(path, s, &st, "BWK1704E") == -1) {
		close(fd);
		return -1;
	}
	if (bwk_read_fd(fd, IEF_MAX_FILE, &buf, &len) != 0) {
		save = errno;
		close(fd);
		if (save == EFBIG)
			return fail("BWK1705E", "%s: larger than %d KiB; an "
			    "include-exclude file holds statements, one a "
			    "line: check that this is the right file", s,
			    IEF_MAX_FILE / 1024);
		return fail("BWK1700E", "%s: cannot read the include-exclude "
		    "file: %s", s, strerror(save));
	}
	close(fd);
	r = ie_file_parse(path, (const char *)buf, len, out);
	free(buf);
	return r;
}
