/*
 * bulwark query backup, query filespace and delete backup: what the
 * server holds for this node, and making it inactive. The listing comes
 * through the network process, which checked every entry (objects.c);
 * names are printed with control bytes shown as '?'.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "job.h"

static const char *
type_name(enum bwk_obj_type t)
{
	return t == BWK_OBJ_FILE ? "FILE" : t == BWK_OBJ_DIR ? "DIR" : "LINK";
}

struct lister {
	struct job		*j;
	const struct job_target	*t;
	uint64_t		 n;
	int			 first;
};

static void
full_path(const char *fs, const char *path, char *out, size_t len)
{
	if (strcmp(fs, "/") == 0)
		snprintf(out, len, "%s", path);
	else if (strcmp(path, "/") == 0)
		snprintf(out, len, "%s", fs);
	else
		snprintf(out, len, "%s%s", fs, path);
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
print_version(void *arg, const struct bwk_version *v)
{
	struct lister *l = arg;
	char path[8192], shown[8192], target[8400], when[32], sha[65];
	char hard[8192];

	full_path(l->t->fs, v->path, path, sizeof(path));
	/* a hard link's name is within the filespace too: shown whole */
	if (v->type == BWK_OBJ_FILE && v->link[0] != '\0')
		full_path(l->t->fs, v->link, hard, sizeof(hard));
	bwk_time_format(v->committed, when);
	if (l->j->json) {
		hex(v->sha256, 32, sha);
		printf("%s\n {\"filespace\":", l->first ? "" : ",");
		job_json_str(stdout, l->t->fs);
		printf(",\"path\":");
		job_json_str(stdout, path);
		printf(",\"version\":%llu,\"state\":\"%s\",\"type\":\"%s\","
		    "\"size\":%llu,\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u,"
		    "\"mtime_ns\":%lld,\"backup_date\":%lld,"
		    "\"deactivated\":%lld",
		    (unsigned long long)v->version, v->active ? "active" :
		    "inactive", v->type == BWK_OBJ_FILE ? "file" :
		    v->type == BWK_OBJ_DIR ? "dir" : "link",
		    (unsigned long long)v->size, v->mode, v->uid, v->gid,
		    (long long)v->mtime_ns, (long long)v->committed,
		    (long long)v->deactivated);
		if (v->type == BWK_OBJ_FILE)
			printf(",\"sha256\":\"%s\"", sha);
		if (v->type == BWK_OBJ_LINK) {
			printf(",\"link\":");
			job_json_str(stdout, v->link);
		}
		/* a hard link: the name it is one file with */
		if (v->type == BWK_OBJ_FILE && v->link[0] != '\0') {
			printf(",\"hard_link\":");
			job_json_str(stdout, hard);
		}
		printf("}");
	} else {
		if (l->n == 0)
			printf("%15s  %-23s  %s  %-4s  %s\n", "Size",
			    "Backup Date", "A/I", "Type", "File");
		printf("%13llu B  %-23s  %s    %-4s  %s%s%s\n",
		    (unsigned long long)v->size, when, v->active ? "A" : "I",
		    type_name(v->type), job_printable(path, shown,
		    sizeof(shown)), v->type == BWK_OBJ_LINK ? " -> " :
		    v->link[0] != '\0' ? " = " : "", v->type == BWK_OBJ_LINK ?
		    job_printable(v->link, target, sizeof(target)) :
		    v->link[0] != '\0' ? job_printable(hard, target,
		    sizeof(target)) : "");
	}
	l->first = 0;
	l->n++;
	return 0;
}

static int
query_flags(const struct job *j)
{
	return (j->inactive ? BWK_Q_INACTIVE : 0) |
	    (j->c.opt.subdir ? BWK_Q_SUBDIR : 0);
}

/* One pattern's listing; -1 when the session failed. */
static int
list_one(struct job *j, const char *arg, struct lister *l, int *refused)
{
	struct job_target t;
	struct bwk_result res;
	int r;

	if ((r = job_target(j, arg, &t)) != 0) {
		*refused = 1;
		return r == -1 ? -1 : 0;
	}
	l->t = &t;
	if (bwk_query_backup(j->b, t.fs, t.pat, query_flags(j), print_version,
	    l, &res) == -1)
		return -1;
	if (res.status != BWK_OK) {
		bwk_msg("BWK1755E", "the server did not list %s: %s %s", arg,
		    res.id, res.text);
		*refused = 1;
	}
	return 0;
}

int
cmd_query_backup(int argc, char **argv)
{
	struct lister l;
	struct job j;
	int rc, i, refused = 0, r = 0;

	if ((rc = job_args(&j, "query backup", argc, argv, 3)) != 0)
		return rc;
	if (j.nwords == 0)
		return cmd_usage("query backup", "name what to list (a path, "
		    "with * and ? in its last part)", NULL);
	if ((rc = job_start(&j)) != 0)
		return rc;
	memset(&l, 0, sizeof(l));
	l.j = &j;
	l.first = 1;
	if (j.json)
		printf("[");
	for (i = 0; i < j.nwords && r == 0; i++)
		r = list_one(&j, j.words[i], &l, &refused);
	if (r == -1)
		return job_end(&j, session_exit_for(j.b));
	if (j.json)
		printf("%s]\n", l.first ? "" : "\n");
	else if (l.n == 0 && !refused)
		bwk_info("BWK1756I", "no backup matches");
	return job_end(&j, refused ? EXIT_PARTIAL : EXIT_OK);
}

static int
print_fs(void *arg, const char *fs, int64_t created)
{
	struct lister *l = arg;
	char when[32], shown[4096];

	bwk_time_format(created, when);
	if (l->j->json) {
		printf("%s\n {\"filespace\":", l->first ? "" : ",");
		job_json_str(stdout, fs);
		printf(",\"created\":%lld}", (long long)created);
	} else {
		if (l->n == 0)
			printf("%-23s  %s\n", "First Backup", "Filespace");
		printf("%-23s  %s\n", when, job_printable(fs, shown,
		    sizeof(shown)));
	}
	l->first = 0;
	l->n++;
	return 0;
}

int
cmd_query_filespace(int argc, char **argv)
{
	struct bwk_result res;
	struct lister l;
	struct job j;
	int rc;

	if ((rc = job_args(&j, "query filespace", argc, argv, 3)) != 0)
		return rc;
	if (j.nwords > 0)
		return cmd_usage("query filespace", "query filespace takes no "
		    "words", j.words[0]);
	if ((rc = job_start(&j)) != 0)
		return rc;
	memset(&l, 0, sizeof(l));
	l.j = &j;
	l.first = 1;
	if (j.json)
		printf("[");
	if (bwk_query_filespaces(j.b, print_fs, &l, &res) == -1)
		return job_end(&j, session_exit_for(j.b));
	if (j.json)
		printf("%s]\n", l.first ? "" : "\n");
	else if (l.n == 0)
		bwk_info("BWK1757I", "the server holds no filespace of this "
		    "node");
	return job_end(&j, res.status == BWK_OK ? EXIT_OK : EXIT_PARTIAL);
}

/* delete backup: the active versions that match, collected first. */
struct doomed {
	char	**path;
	size_t	  n;
};

static int
collect(void *arg, const struct bwk_version *v)
{
	struct doomed *d = arg;
	char **more;

	if (!v->active)
		return 0;
	if ((more = reallocarray(d->path, d->n + 1, sizeof(*more))) == NULL)
		return -1;
	d->path = more;
	if ((d->path[d->n] = strdup(v->path)) == NULL)
		return -1;
	d->n++;
	return 0;
}

static void
doomed_free(struct doomed *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->path[i]);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

/* The user's yes on the terminal. */
static int
confirm(const char *question)
{
	char line[16];

	fprintf(stderr, "%s (y/n) ", question);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int
delete_one(struct job *j, const char *arg)
{
	struct job_target t;
	struct bwk_result res;
	struct doomed d;
	char q[256], path[8192];
	size_t i;
	int r;

	if ((r = job_target(j, arg, &t)) != 0) {
		j->failed++;
		return r == -1 ? -1 : 0;
	}
	memset(&d, 0, sizeof(d));
	if (bwk_query_backup(j->b, t.fs, t.pat, j->c.opt.subdir ?
	    BWK_Q_SUBDIR : 0, collect, &d, &res) == -1) {
		doomed_free(&d);
		return -1;
	}
	if (res.status != BWK_OK) {
		bwk_msg("BWK1755E", "the server did not list %s: %s %s", arg,
		    res.id, res.text);
		j->failed++;
		doomed_free(&d);
		return 0;
	}
	snprintf(q, sizeof(q), "Make the backups of %zu objects inactive?", d.n);
	if (d.n > 0 && !j->noprompt && !confirm(q)) {
		doomed_free(&d);
		return 0;
	}
	for (i = 0; i < d.n; i++) {
		j->inspected++;
		if (bwk_deactivate(j->b, t.fs, d.path[i], &res) == -1) {
			doomed_free(&d);
			return -1;
		}
		full_path(t.fs, d.path[i], path, sizeof(path));
		if (res.status == BWK_OK)
			j->deactivated++;
		else {
			char why[1200];

			snprintf(why, sizeof(why), "the server refused: %s %s",
			    res.id, res.text);
			job_failed(j, "BWK1758E", path, why);
		}
	}
	doomed_free(&d);
	return 0;
}

int
cmd_delete_backup(int argc, char **argv)
{
	struct job j;
	int rc, i, r = 0;

	if ((rc = job_args(&j, "delete backup", argc, argv, 3)) != 0)
		return rc;
	if (j.nwords == 0)
		return cmd_usage("delete backup", "name what to delete (a path, "
		    "with * and ? in its last part)", NULL);
	/* it asks first, unless told not to: never without a terminal */
	if (!j.noprompt && !isatty(STDIN_FILENO))
		return cmd_usage("delete backup", "delete backup asks before it "
		    "deletes, and there is no terminal; give -noprompt", NULL);
	if ((rc = job_start(&j)) != 0)
		return rc;
	for (i = 0; i < j.nwords && r == 0; i++)
		r = delete_one(&j, j.words[i]);
	if (r == -1)
		return job_end(&j, session_exit_for(j.b));
	j.sent = j.deactivated;
	job_summary(&j, "deleted:", "deleted");
	return job_end(&j, j.failed > 0 ? EXIT_PARTIAL : EXIT_OK);
}
