/*
 * The node commands' shared part (job.h): command line, the two-process
 * session, progress, the summary and the log of failed files.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../../sandbox/sandbox.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "args.h"
#include "job.h"

int64_t
job_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
job_printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
}

/* The commands' own options. */
static int
own_opt(void *arg, int argc, char **argv, int *i, const char *name,
    const char *value)
{
	struct job *j = arg;
	int *flag = NULL;

	(void)argc;
	if (strcasecmp(name, "password-stdin") == 0)
		flag = &j->from_stdin;
	else if (strcasecmp(name, "json") == 0)
		flag = &j->json;
	else if (strcasecmp(name, "inactive") == 0)
		flag = &j->inactive;
	else if (strcasecmp(name, "pick") == 0)
		flag = &j->pick;
	else if (strcasecmp(name, "noprompt") == 0)
		flag = &j->noprompt;
	if (flag != NULL) {
		if (value != NULL)
			return cmd_usage(j->cmd, "this option takes no value",
			    argv[*i]);
		*flag = 1;
		return 0;
	}
	if (strcasecmp(name, "replace") == 0) {
		if (value == NULL)
			return cmd_usage(j->cmd, "-replace takes yes, no or "
			    "prompt", argv[*i]);
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "all") == 0)
			j->replace = REPLACE_YES;
		else if (strcasecmp(value, "no") == 0)
			j->replace = REPLACE_NO;
		else if (strcasecmp(value, "prompt") == 0)
			j->replace = REPLACE_PROMPT;
		else
			return cmd_usage(j->cmd, "-replace takes yes, no or "
			    "prompt", argv[*i]);
		j->replace_given = 1;
		return 0;
	}
	return 1;
}

/* An option whose value may be the next argument (check_own's). */
static int
takes_next(const char *a)
{
	static const char *const names[] = { "policy", "sysfile" };
	size_t i;

	while (*a == '-')
		a++;
	if (strchr(a, '=') != NULL)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(a, names[i]) == 0)
			return 1;
	return 0;
}

/* --json: standard output is the document, so every message goes to
 * standard error, informational ones included. */
static void
json_messages(void *arg, const char *id, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

int
job_args(struct job *j, const char *cmd, int argc, char **argv, int from)
{
	char *opts[2 * JOB_WORDS_MAX + 1];
	int nopts = 0, i, words_only = 0, rc;

	memset(j, 0, sizeof(*j));
	j->cmd = cmd;
	opts[nopts++] = (char *)cmd;
	for (i = from; i < argc; i++) {
		const char *a = argv[i];

		if (!words_only && strcmp(a, "--") == 0) {
			words_only = 1;
			continue;
		}
		if (!words_only && a[0] == '-' && a[1] != '\0') {
			if (nopts + 2 >= (int)(sizeof(opts) / sizeof(opts[0])))
				return cmd_usage(cmd, "too many options", a);
			opts[nopts++] = argv[i];
			if (takes_next(a) && i + 1 < argc)
				opts[nopts++] = argv[++i];
			continue;
		}
		if (j->nwords == JOB_WORDS_MAX)
			return cmd_usage(cmd, "too many paths or patterns (256 "
			    "at most)", a);
		j->words[j->nwords++] = a;
	}
	opts[nopts] = NULL;
	if ((rc = session_args_parse(cmd, nopts, opts, 1, &j->c, own_opt, j,
	    NULL)) != 0)
		return rc;
	if (j->json)
		bwk_msg_hook(json_messages, NULL, NULL, NULL);
	return 0;
}

static volatile sig_atomic_t job_signal;

static void
on_stop_signal(int sig)
{
	job_signal = sig;
}

int
job_stopped(struct job *j)
{
	static int said;

	if (job_signal == 0)
		return 0;
	if (!said) {
		if (j->tty)
			fputs("\r\033[K", stderr);
		bwk_msg("BWK1768W", "%s: stopped by %s after the object in "
		    "progress; what the server confirmed is kept (run the "
		    "command again)", j->cmd, strsignal(job_signal));
		said = 1;
	}
	return 1;
}

/* The file side's: the first signal is a request to stop cleanly, so no
 * temporary file of a restore is left behind; SA_RESETHAND makes a
 * second one act at once. */
static void
stop_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
}

static int
ask_password(struct bwk *b, void *arg)
{
	struct job *j = arg;

	return session_node_password(b, &j->c, j->from_stdin);
}

/* ERRORLOGNAME: appended to, created 0600; the file side's own. */
static void
open_errlog(struct job *j)
{
	const char *path = j->c.opt.errorlogname;
	int fd;

	if (path[0] == '\0')
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || (j->errlog = fdopen(fd, "a")) == NULL) {
		bwk_msg("BWK1741W", "ERRORLOGNAME %s cannot be opened: %s; the "
		    "failed files are reported here only", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
	}
}

/* A large object's bytes so far: the progress line moves within it. */
static void
on_bytes(void *arg, uint64_t done)
{
	struct job *j = arg;

	j->partial = done;
	job_progress(j, 0);
}

int
job_start(struct job *j)
{
	struct bwk_config *cfg;
	int rc;

	if (j->c.opt.nodename[0] == '\0')
		return cmd_usage(j->cmd, "a node name is needed (NODENAME in "
		    "the stanza, or -nodename=NODE)", NULL);
	if ((cfg = session_args_config(&j->c, 0)) == NULL)
		return EXIT_USAGE;
	if (j->c.opt.passwordaccess == OPT_PASSWORD_GENERATE)
		bwk_config_set_password_generate(cfg, 1);
	if ((j->b = bwk_client()) == NULL || bwk_configure(j->b, cfg) == -1) {
		bwk_config_free(cfg);
		bwk_free(j->b);
		j->b = NULL;
		return EXIT_SETUP;
	}
	bwk_config_free(cfg);
	if (bwk_start(j->b, j->c.opt.sandbox_user, ask_password, j) == -1) {
		rc = session_exit_for(j->b);
		bwk_free(j->b);
		j->b = NULL;
		return rc;
	}
	stop_signals();
	bwk_set_bytes_cb(j->b, on_bytes, j);
	/* the file side: its user's files, and no network at all */
	if (sb_apply_files(j->c.insecure_sandbox) == -1) {
		bwk_free(j->b);
		j->b = NULL;
		return EXIT_SETUP;
	}
	open_errlog(j);
	j->tty = isatty(STDERR_FILENO);
	j->started_ms = job_now_ms();
	return 0;
}

int
job_end(struct job *j, int rc)
{
	if (j->b != NULL) {
		if (bwk_close(j->b) == -1 && rc == EXIT_OK)
			rc = session_exit_for(j->b);
		bwk_free(j->b);
		j->b = NULL;
	}
	if (j->errlog != NULL && fclose(j->errlog) == EOF)
		bwk_msg("BWK1741W", "ERRORLOGNAME %s cannot be opened: %s; the "
		    "failed files are reported here only", j->c.opt.errorlogname,
		    strerror(errno));
	j->errlog = NULL;
	return rc;
}

void
job_failed(struct job *j, const char *id, const char *path, const char *why)
{
	char p[1024], t[32];

	j->failed++;
	if (j->tty)
		fputs("\r\033[K", stderr);
	bwk_msg(id, "%s: %s", job_printable(path, p, sizeof(p)), why);
	if (j->errlog != NULL) {
		bwk_time_format(bwk_now(), t);
		fprintf(j->errlog, "%s %s %s: %s\n", t, id, p, why);
		fflush(j->errlog);
	}
}

static void
human(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u == 0 ? "%.0f %s" : "%.1f %s", v, unit[u]);
}

void
job_progress(struct job *j, int force)
{
	int64_t now = job_now_ms(), el;
	uint64_t bytes;
	char b[32], r[32];

	if (!j->tty || (!force && now - j->last_draw_ms < 100))
		return;
	j->last_draw_ms = now;
	el = now - j->started_ms > 0 ? now - j->started_ms : 1;
	bytes = j->bytes + j->partial;
	human(bytes, b, sizeof(b));
	human((uint64_t)((double)bytes * 1000 / (double)el), r, sizeof(r));
	fprintf(stderr, "\r\033[K%llu inspected, %llu sent, %s, %s/s",
	    (unsigned long long)j->inspected, (unsigned long long)j->sent, b,
	    r);
	/* the time left, where the whole is known (a restore's listing) */
	if (j->total_bytes > 0 && bytes > 0 && bytes < j->total_bytes) {
		double left = (double)(j->total_bytes - bytes) *
		    (double)el / (double)bytes / 1000;

		fprintf(stderr, ", %.0f%%, %d:%02d left", 100.0 *
		    (double)bytes / (double)j->total_bytes, (int)left / 60,
		    (int)left % 60);
	}
	fflush(stderr);
}

void
job_summary(struct job *j, const char *what, const char *key)
{
	int64_t el = job_now_ms() - j->started_ms;
	double secs = el > 0 ? (double)el / 1000 : 0.001;
	char b[32], r[32];

	if (j->tty)
		fputs("\r\033[K", stderr);
	human(j->bytes, b, sizeof(b));
	human((uint64_t)((double)j->bytes / secs), r, sizeof(r));
	if (j->json) {
		printf("{\"command\":\"%s\",\"inspected\":%llu,\"%s\":%llu,"
		    "\"unchanged\":%llu,\"deactivated\":%llu,\"failed\":%llu,"
		    "\"skipped\":%llu,\"bytes\":%llu,\"seconds\":%.3f}\n", j->cmd,
		    (unsigned long long)j->inspected, key,
		    (unsigned long long)j->sent,
		    (unsigned long long)j->unchanged,
		    (unsigned long long)j->deactivated,
		    (unsigned long long)j->failed,
		    (unsigned long long)j->skipped,
		    (unsigned long long)j->bytes, secs);
		return;
	}
	printf("Total number of objects inspected: %10llu\n"
	    "Total number of objects %-10s %10llu\n"
	    "Total number of objects unchanged: %9llu\n"
	    "Total number of objects deactivated: %7llu\n"
	    "Total number of objects skipped:   %10llu\n"
	    "Total number of objects failed:    %10llu\n"
	    "Total number of bytes transferred: %10s\n"
	    "Data transfer rate:                %10s/s\n"
	    "Elapsed processing time:           %10.2f s\n",
	    (unsigned long long)j->inspected, what,
	    (unsigned long long)j->sent, (unsigned long long)j->unchanged,
	    (unsigned long long)j->deactivated,
	    (unsigned long long)j->skipped, (unsigned long long)j->failed, b,
	    r, secs);
}
