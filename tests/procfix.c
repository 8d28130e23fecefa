/* What the tests of a server under load and attack share (procfix.h). */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nodefix.h"
#include "procfix.h"

static int
count_dir(const char *path)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

void
proc_count(pid_t pid, struct proc_count *c)
{
	char path[64], line[256];
	FILE *f;
	int k;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	c->fds = count_dir(path);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "VmRSS:", 6) == 0)
				c->rss_kb = atol(line + 6);
			else if (strncmp(line, "Threads:", 8) == 0)
				c->threads = atoi(line + 8);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fscanf(f, "%d", &k) == 1)
			c->children++;
		fclose(f);
	}
}

void
proc_back_to(pid_t pid, const struct proc_count *base, long rss_slack_kb,
    const char *what)
{
	struct proc_count now;
	int i;

	for (i = 0; i < 200; i++) {
		proc_count(pid, &now);
		if (now.fds == base->fds && now.threads == base->threads &&
		    now.children == base->children)
			break;
		usleep(50000);
	}
	cr_assert_eq(now.fds, base->fds, "%s: the listener holds %d "
	    "descriptors, %d before", what, now.fds, base->fds);
	cr_assert_eq(now.threads, base->threads, "%s: %d threads, %d before",
	    what, now.threads, base->threads);
	cr_assert_eq(now.children, base->children, "%s: %d child processes, "
	    "%d before", what, now.children, base->children);
	cr_assert_leq(now.rss_kb, base->rss_kb + rss_slack_kb, "%s: RSS %ld "
	    "KiB, %ld before", what, now.rss_kb, base->rss_kb);
}

/* A small deterministic generator: the same seed, the same tree. */
static uint32_t
next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

void
tree_make(const char *dir, int n, unsigned seed)
{
	static uint8_t b[4096];
	char p[800];
	uint32_t s = seed * 2654435761u + 1;
	size_t len, k;
	int i;

	cr_assert_eq(mkdir(dir, 0755), 0, "%s", dir);
	for (i = 0; i < n; i++) {
		len = next(&s) % 3000;
		for (k = 0; k < len; k++)
			b[k] = (uint8_t)next(&s);
		snprintf(p, sizeof(p), "%s/f%03d", dir, i);
		mkfile(p, b, len, 0644);
	}
}

int
tree_same(const char *a, const char *b, int n, char *why, size_t len)
{
	char pa[800], pb[800];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(pa, sizeof(pa), "%s/f%03d", a, i);
		snprintf(pb, sizeof(pb), "%s/f%03d", b, i);
		if (!t_same_file(pa, pb)) {
			snprintf(why, len, "%s differs from %s, or is missing",
			    pb, pa);
			return -1;
		}
	}
	return 0;
}

const char *
hostile_setup(struct srv *v, const char *srvopts)
{
	return node_setup_opts(v, srvopts, NULL);
}

void
well_behaved(struct srv *v, const char *sys, const char *tag)
{
	char src[600], dst[600], pat[700], why[1700];
	struct run r;

	snprintf(src, sizeof(src), "%s/wb-%s", t_tmpdir(), tag);
	snprintf(dst, sizeof(dst), "%s/wb-%s-back", t_tmpdir(), tag);
	snprintf(pat, sizeof(pat), "%s/", src);
	tree_make(src, 4, (unsigned)strlen(tag) * 7919u + (unsigned)tag[0]);
	client(&r, sys, (const char *[]){ "selective", src, NULL });
	cr_assert_eq(r.status, 0, "the well-behaved client's backup (%s): "
	    "%s%s\n%s", tag, r.out, r.err, srv_log(v));
	client(&r, sys, (const char *[]){ "restore", pat, dst, NULL });
	cr_assert_eq(r.status, 0, "the well-behaved client's restore (%s): "
	    "%s%s\n%s", tag, r.out, r.err, srv_log(v));
	cr_assert_eq(tree_same(src, dst, 4, why, sizeof(why)), 0, "%s", why);
}

void
srv_idle(const struct srv *v)
{
	struct proc_count c;
	int i;

	for (i = 0; i < 200; i++) {
		proc_count(v->p.pid, &c);
		if (c.children == 0)
			return;
		usleep(50000);
	}
}

int
raw_connect(const struct srv *v)
{
	struct sockaddr_in a;
	int s;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(v->port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_neq(s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), -1);
	cr_assert_eq(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	return s;
}
