/*
 * bulwark incremental and bulwark selective: the command over libbulwark's
 * backup of a path list (src/files/backup_run.c, bwk_backup_paths), with
 * what the options add: the include and exclude statements, EXCLUDE.FS,
 * DOMAIN, SUBDIR. This process is the file side; each object's outcome
 * comes back as an event, printed here (and logged in ERRORLOGNAME when
 * it failed), with the progress line.
 */
#include <string.h>

#include "../files/backup_run.h"
#include "../lib/msg.h"
#include "backup_scope.h"
#include "job.h"

static const char *
fs_excluded(void *arg, const char *fs)
{
	const struct ie_rule *r = backup_scope_fs_excluded(arg, fs);

	return r != NULL ? r->pattern : NULL;
}

/* One object's outcome: the totals into the job, its message. */
static int
on_event(void *arg, const struct bwk_event *ev, const struct bwk_totals *t)
{
	struct job *j = arg;
	char p[1024];

	j->inspected = t->inspected;
	j->sent = t->sent;
	j->unchanged = t->unchanged;
	j->deactivated = t->deactivated;
	j->skipped = t->skipped;
	j->bytes = t->bytes;
	j->partial = 0;
	j->total_bytes = t->expected_bytes;
	switch (ev->kind) {
	case BWK_EV_FAILED:
		/* job_failed counts it and logs it in ERRORLOGNAME */
		job_failed(j, ev->id, ev->path, ev->text);
		break;
	case BWK_EV_SKIPPED:
	case BWK_EV_NOTE:
		if (j->tty)
			fputs("\r\033[K", stderr);
		bwk_info(ev->id, "%s is %s", job_printable(ev->path, p,
		    sizeof(p)), ev->text);
		break;
	default:
		break;
	}
	job_progress(j, 0);
	return job_stopped(j);
}

int
cmd_backup(int argc, char **argv, int incremental)
{
	const char *cmd = incremental ? "incremental" : "selective";
	struct backup_run_opts o;
	struct backup_scope scope;
	struct bwk_totals t;
	struct job j;
	int rc, r;

	if ((rc = job_args(&j, cmd, argc, argv, 2)) != 0)
		return rc;
	if (!incremental && j.nwords == 0)
		return cmd_usage(cmd, "selective needs the files to back up",
		    NULL);
	/* the mount table only for DOMAIN: named paths need only the
	 * statements */
	if ((incremental && j.nwords == 0 ? backup_scope_load(&j.c.opt,
	    &scope) : backup_scope_rules(&j.c.opt, &scope)) == -1) {
		backup_scope_free(&scope);
		return EXIT_USAGE;
	}
	if (incremental && j.nwords == 0 && scope.ndomain == 0) {
		backup_scope_free(&scope);
		return cmd_usage(cmd, "DOMAIN names no file system; name the "
		    "paths to back up", NULL);
	}
	if ((rc = job_start(&j)) != 0) {
		backup_scope_free(&scope);
		return rc;
	}
	memset(&o, 0, sizeof(o));
	/* the time left on a terminal: each tree looked at once more */
	o.flags = (incremental ? BWK_B_INCREMENTAL : 0) |
	    (j.c.opt.subdir ? BWK_B_SUBDIR : 0) | (j.tty ? BWK_B_ESTIMATE : 0);
	o.rules = &scope.rules;
	o.fs_excluded = fs_excluded;
	o.fs_arg = &scope;
	if (j.nwords > 0)
		r = backup_run(j.b, j.words, (size_t)j.nwords, &o, on_event, &j,
		    &t);
	else
		r = backup_run(j.b, (const char *const *)scope.domain,
		    scope.ndomain, &o, on_event, &j, &t);
	/* a DOMAIN entry left out (BWK1719W) is a part not backed up */
	j.failed += scope.nskipped;
	backup_scope_free(&scope);
	if (r == -1)
		return job_end(&j, session_exit_for(j.b));
	job_progress(&j, 1);
	job_summary(&j, "backed up:", "backed_up");
	return job_end(&j, j.failed > 0 || r == 1 ? EXIT_PARTIAL : EXIT_OK);
}
