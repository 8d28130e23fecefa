/*
 * The kernel's mount table (mounts.h). Each line of mountinfo is
 *
 *	ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [TAG...] - TYPE SOURCE SUPER
 *
 * (proc(5)); ROOT, POINT and SOURCE escape a blank, a tab, a newline and
 * a backslash as \ooo. The text comes from the kernel, but a line that
 * is not of this form is an error, not skipped: a file system the parse
 * missed would be a file system the backup missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "mounts.h"

#define FIELDS_MAX	64

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

/* Undoes the \ooo escapes of s, in place. */
static void
unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 3;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

static int
number(const char *s, unsigned *v)
{
	char *end;
	unsigned long l;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	l = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || l > 0xffffffffUL)
		return -1;
	*v = (unsigned)l;
	return 0;
}

/* One line (NUL-terminated, in the table's text) into m. */
static int
parse_line(char *line, struct mount_ent *m)
{
	char *f[FIELDS_MAX], *p, *colon;
	size_t n = 0, dash, i;
	unsigned id, parent;

	for (p = strtok(line, " "); p != NULL; p = strtok(NULL, " ")) {
		if (n == FIELDS_MAX)
			return -1;
		f[n++] = p;
	}
	for (dash = 6; dash < n && strcmp(f[dash], "-") != 0; dash++)
		;
	/* six fields, the "-", then the type, the source and SUPER */
	if (dash + 3 >= n)
		return -1;
	if (number(f[0], &id) != 0 || number(f[1], &parent) != 0 ||
	    (colon = strchr(f[2], ':')) == NULL)
		return -1;
	*colon = '\0';
	if (number(f[2], &m->major) != 0 || number(colon + 1, &m->minor) != 0)
		return -1;
	m->id = (int)id;
	m->parent = (int)parent;
	for (i = 3; i <= 4; i++) {
		unescape(f[i]);
		if (f[i][0] != '/')
			return -1;
	}
	unescape(f[dash + 2]);
	m->root = f[3];
	m->point = f[4];
	m->type = f[dash + 1];
	m->source = f[dash + 2];
	return 0;
}

/* btrfs: the subvolume the mount shows is named by subvol=, in SUPER. */
static int
btrfs_subvol_root(const struct mount_ent *m, const char *super)
{
	const char *p = super;
	size_t n = strlen(m->root);

	if (strcmp(m->type, "btrfs") != 0)
		return 0;
	while ((p = strstr(p, "subvol=")) != NULL) {
		if ((p == super || p[-1] == ',') &&
		    strncmp(p + 7, m->root, n) == 0 &&
		    (p[7 + n] == ',' || p[7 + n] == '\0'))
			return 1;
		p += 7;
	}
	return 0;
}

static int
is_nfs(const char *type)
{
	return strcmp(type, "nfs") == 0 || strcmp(type, "nfs4") == 0;
}

/* The marks that need the whole table: hidden, view, automounted. */
static void
mark(struct mount_table *t, char *const *super)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		struct mount_ent *m = &t->m[i];

		for (j = i + 1; j < t->n && !m->hidden; j++)
			m->hidden = strcmp(t->m[j].point, m->point) == 0;
		/* an NFS mount's root is the export's path, not a bind's */
		if (strcmp(m->root, "/") != 0 && !is_nfs(m->type) &&
		    !btrfs_subvol_root(m, super[i]))
			m->view = 1;
		for (j = 0; j < i && !m->view; j++)
			m->view = t->m[j].major == m->major &&
			    t->m[j].minor == m->minor &&
			    strcmp(t->m[j].root, m->root) == 0;
		for (j = 0; j < t->n; j++)
			if (t->m[j].id == m->parent &&
			    strcmp(t->m[j].type, "autofs") == 0)
				m->automounted = 1;
	}
}

void
mounts_free(struct mount_table *t)
{
	free(t->m);
	free(t->text);
	t->m = NULL;
	t->text = NULL;
	t->n = 0;
}

int
mounts_parse(const char *name, const char *buf, size_t len,
    struct mount_table *t)
{
	char *p, *nl, **super = NULL;
	size_t lines = 0, i;
	int lineno = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < len; i++) {
		if (buf[i] == '\0')
			return fail("BWK1718E", "%s: holds a NUL byte; it is not "
			    "the kernel's mount table", name);
		lines += buf[i] == '\n';
	}
	lines++;
	if ((t->text = malloc(len + 1)) == NULL ||
	    (t->m = calloc(lines, sizeof(*t->m))) == NULL ||
	    (super = calloc(lines, sizeof(*super))) == NULL) {
		mounts_free(t);
		free(super);
		return fail("BWK1716E", "%s: out of memory reading the mount "
		    "table", name);
	}
	memcpy(t->text, buf, len);
	t->text[len] = '\0';
	for (p = t->text; *p != '\0'; p = nl + 1) {
		lineno++;
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;	/* the last line */
		else
			*nl = '\0';
		if (*p == '\0')
			continue;
		/* the super options are the last field */
		super[t->n] = strrchr(p, ' ');
		if (super[t->n] == NULL || parse_line(p, &t->m[t->n]) != 0) {
			mounts_free(t);
			free(super);
			return fail("BWK1718E", "%s:%d: not a line of the "
			    "kernel's mount table (proc(5)); the file systems "
			    "of DOMAIN cannot be found", name, lineno);
		}
		super[t->n]++;
		t->n++;
		if (nl[1] == '\0')
			break;
	}
	mark(t, super);
	free(super);
	return 0;
}

int
mounts_read(struct mount_table *t)
{
	char *buf = NULL, *more;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd, save, rc;

	memset(t, 0, sizeof(*t));
	if ((fd = open(MOUNTS_FILE, O_RDONLY | O_CLOEXEC)) == -1)
		return fail("BWK1718E", "cannot read %s: %s; the file systems "
		    "of DOMAIN cannot be found", MOUNTS_FILE, strerror(errno));
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > MOUNTS_MAX_FILE ||
			    (more = realloc(buf, cap)) == NULL) {
				close(fd);
				free(buf);
				return fail("BWK1718E", "cannot read %s: %s; the "
				    "file systems of DOMAIN cannot be found",
				    MOUNTS_FILE, cap > MOUNTS_MAX_FILE ?
				    "larger than 16 MiB" : strerror(ENOMEM));
			}
			buf = more;
		}
		r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			save = errno;
			close(fd);
			free(buf);
			return fail("BWK1718E", "cannot read %s: %s; the file "
			    "systems of DOMAIN cannot be found", MOUNTS_FILE,
			    strerror(save));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	rc = mounts_parse(MOUNTS_FILE, buf, len, t);
	free(buf);
	return rc;
}

int
domain_class_parse(const char *s)
{
	static const char *const names[] = {
		[DOMAIN_ALL_LOCAL] = "ALL-LOCAL",
		[DOMAIN_ALL_NFS] = "ALL-NFS",
		[DOMAIN_ALL_AUTO_NFS] = "ALL-AUTO-NFS",
		[DOMAIN_ALL_LOFS] = "ALL-LOFS",
		[DOMAIN_ALL_AUTO_LOFS] = "ALL-AUTO-LOFS",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static int
type_in(const char *type, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(type, *list) == 0)
			return 1;
	return 0;
}

int
mount_in_class(const struct mount_ent *m, enum domain_class c)
{
	static const char *const local[] = { "ext2", "ext3", "ext4", "xfs",
	    "btrfs", "jfs", "reiserfs", NULL };
	int local_type = type_in(m->type, local), nfs_type = is_nfs(m->type);

	if (m->hidden)
		return 0;
	switch (c) {
	case DOMAIN_ALL_LOCAL:
		return local_type && !m->view && strcmp(m->point, "/tmp") != 0;
	case DOMAIN_ALL_NFS:
		return nfs_type && !m->view;
	case DOMAIN_ALL_AUTO_NFS:
		return nfs_type && !m->view && m->automounted;
	case DOMAIN_ALL_LOFS:
		return (local_type || nfs_type) && m->view && !m->automounted;
	case DOMAIN_ALL_AUTO_LOFS:
		return (local_type || nfs_type) && m->view && m->automounted;
	}
	return 0;
}

const struct mount_ent *
mounts_find(const struct mount_table *t, const char *point)
{
	size_t i;

	for (i = t->n; i-- > 0;)
		if (strcmp(t->m[i].point, point) == 0)
			return &t->m[i];
	return NULL;
}
