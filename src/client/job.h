/*
 * What bulwark's node commands share (incremental, selective, query
 * backup, query filespace, restore, delete backup): their command line,
 * the session started as two processes (libbulwark's bwk_start: this
 * process stays the file side, sandboxed with sb_apply_files), the
 * summary and the log of failed files.
 */
#ifndef BWK_CLIENT_JOB_H
#define BWK_CLIENT_JOB_H

#include <stdint.h>
#include <stdio.h>

#include "client.h"

#define JOB_WORDS_MAX	256

enum job_replace { REPLACE_PROMPT = 0, REPLACE_YES, REPLACE_NO };

struct job {
	const char		*cmd;		/* "incremental", for messages */
	struct session_args	 c;
	struct bwk		*b;
	/* the command's words (paths, patterns), in order */
	const char		*words[JOB_WORDS_MAX];
	int			 nwords;
	/* the commands' own options */
	int			 from_stdin;	/* --password-stdin */
	int			 json;		/* --json */
	int			 inactive;	/* -inactive */
	int			 pick;		/* -pick */
	int			 noprompt;	/* -noprompt */
	enum job_replace	 replace;	/* -replace= */
	int			 replace_given;
	/* the run */
	int64_t			 started_ms;
	FILE			*errlog;	/* ERRORLOGNAME, or NULL */
	int			 tty;		/* progress on stderr */
	uint64_t		 inspected, sent, unchanged, deactivated;
	uint64_t		 failed, bytes, skipped;
	uint64_t		 partial;	/* of the object in progress */
	uint64_t		 total_bytes;	/* known ahead (restore): ETA */
	int64_t			 last_draw_ms;
};

/* The command line (argv from its first option or word): options may
 * come before, among and after the words. 0, or an exit status. */
int	job_args(struct job *, const char *cmd, int argc, char **argv,
	    int from);
/* The session: configured, started, signed on; this process then takes
 * the file side's sandbox. 0, or the exit status (reported). */
int	job_start(struct job *);
/* The end of the session; rc, or the session's exit status when it
 * ended badly. */
int	job_end(struct job *, int rc);

/* A file that failed: a message (BWK1700 range), and a line in
 * ERRORLOGNAME. */
void	job_failed(struct job *, const char *id, const char *path,
	    const char *why);
/* The progress line on a terminal, at most ten times a second. */
void	job_progress(struct job *, int force);
/* The summary, as the seed prints it ("backed up:"), or one JSON object
 * (its count under key, "backed_up"). */
void	job_summary(struct job *, const char *what, const char *key);

/* A path or name for a message: control bytes shown as '?'. */
const char *job_printable(const char *s, char *buf, size_t len);

int64_t	job_now_ms(void);

/*
 * SIGINT, SIGTERM, SIGHUP: the first stops the command after the object
 * in progress (its temporary file discarded, what the server confirmed
 * kept); a second one acts at once. 1, said once, when one came.
 */
int	job_stopped(struct job *);

#endif

/*
 * A pattern the user gave (absolute, or relative to the working
 * directory; * and ? in its last part) as the server names it: the
 * filespace that holds it (the longest of the server's that is a prefix
 * of it), the pattern within it, and its directory part ("/u/docs/"),
 * which a restore takes away from each name. 0; 1 when no filespace of
 * the server holds it (reported); -1 when the session failed.
 */
struct job_target {
	char	fs[4096];
	char	pat[4096];
	char	dir[4096];
};
int	job_target(struct job *, const char *arg, struct job_target *);

/* s as a JSON string on f: valid UTF-8 as it is, other bytes \u00XX. */
void	job_json_str(FILE *f, const char *s);
