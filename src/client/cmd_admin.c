/*
 * bulwark admin: remote administration, the seed's dsmadmc. One command
 * per run, in a session signed on as an administrator at the stanza's
 * TCPADMINPORT, under the same TLS policy and trust rules as check.
 *
 * The administrator's password must never be in the network process,
 * which this process becomes once it has parsed a peer byte: it is read
 * here (the terminal without echo, --password-stdin, or -password=, with
 * a warning), handed to libbulwark, which writes it into the key
 * helper's pipe at once, and wiped, all before the helper is started and
 * long before the first byte from the server. The helper makes the
 * sign-on proof (docs/keyd-protocol.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/password.h"
#include "../lib/scram.h"
#include "args.h"
#include "client.h"

#define COMMAND_MAX	1024	/* an ADMIN frame's text */
#define WORDS_MAX	8

const char admin_usage[] =
"usage: bulwark admin -id=NAME [--password-stdin | -password=PASSWORD]\n"
"                     [--json] [-optfile=FILE] [-option=value ...]\n"
"                     [--sysfile FILE] [--policy FILE]\n"
"                     [--insecure-weak-sandbox] COMMAND\n"
"\n"
"Signs on to the server of the chosen stanza, at its TCPADMINPORT, as\n"
"administrator NAME, runs one administrative command and prints its\n"
"result as a table, or with --json as one JSON document. The password is\n"
"asked for on the terminal, without echo; --password-stdin reads it from\n"
"one line of standard input. -password= works too, but other users can\n"
"see it with ps until bulwark wipes it. The options of the options files\n"
"come before COMMAND, as -option=value.\n"
"\n"
"Commands (keywords take any case, and may be cut to three letters):\n"
"  register node|admin NAME PASSWORD [sessionsecurity=strict|transitional]\n"
"  update node|admin NAME [PASSWORD] [sessionsecurity=strict|transitional]\n"
"  remove node|admin NAME\n"
"  unlock node|admin NAME\n"
"  query node|admin [PATTERN]     (* and ? match any characters)\n"
"  query session\n"
"  query certificate\n"
"A PASSWORD of - is read from standard input instead (after the\n"
"administrator's own, with --password-stdin), so that ps never shows it.\n"
"\n";

struct admin_args {
	const char	*id;
	char		*password;	/* -password='s, in argv: wiped */
	int		 password_stdin;
	int		 json;
};

static int
flag(int argc, char **argv, int *i, const char *value, int *dst)
{
	(void)argc;
	if (value != NULL)
		return cmd_usage("admin", "this option takes no value",
		    argv[*i]);
	*dst = 1;
	return 0;
}

/* -id=, -password=, --password-stdin and --json: bulwark admin's own. */
static int
admin_own(void *arg, int argc, char **argv, int *i, const char *name,
    const char *value)
{
	struct admin_args *a = arg;

	if (strcasecmp(name, "password-stdin") == 0)
		return flag(argc, argv, i, value, &a->password_stdin);
	if (strcasecmp(name, "json") == 0)
		return flag(argc, argv, i, value, &a->json);
	if (strcasecmp(name, "id") != 0 && strcasecmp(name, "password") != 0)
		return 1;
	if (value == NULL && *i + 1 < argc)
		value = argv[++*i];
	if (value == NULL || *value == '\0')
		return cmd_usage("admin", "option needs a value", argv[*i]);
	if (strcasecmp(name, "id") == 0) {
		if (a->id != NULL)
			return cmd_usage("admin", "option given twice", argv[*i]);
		a->id = value;
	} else {
		if (a->password != NULL)
			return cmd_usage("admin", "option given twice",
			    "-password");
		/* argv is writable: the copy there is wiped once it is read */
		a->password = (char *)value;
	}
	return 0;
}

/* Options that take no value: the next argument is not theirs. */
static int
no_value(const char *name)
{
	static const char *const flags[] = { "password-stdin", "json",
	    "insecure-weak-sandbox", "h", "help", "version", NULL };
	size_t i;

	for (i = 0; flags[i] != NULL; i++)
		if (strcasecmp(name, flags[i]) == 0)
			return 1;
	return 0;
}

/*
 * Where the command's words start, as session_args_parse will find it,
 * so that -h and -version are looked for among the options only (a word
 * of the command, a password say, may look like one).
 */
int
admin_options_end(int argc, char **argv)
{
	const char *value;
	char name[64];
	int i;

	for (i = 2; i < argc; i++) {
		if (arg_split(argv[i], name, sizeof(name), &value) == -1)
			return i;
		if (value == NULL && !no_value(name))
			i++;
	}
	return argc;
}

/*
 * The administrator's password into pw: -password='s (then wiped in
 * argv), one line of standard input, or the terminal's answer.
 */
static int
read_admin_password(struct admin_args *a, char *pw, size_t cap, size_t *n)
{
	char prompt[128];

	if (a->password != NULL) {
		bwk_msg("BWK1302W", "-password= shows the password to every user "
		    "of this machine (ps, /proc/PID/cmdline) until bulwark wipes "
		    "it; use --password-stdin, or let bulwark admin ask for it");
		*n = strlen(a->password);
		if (*n == 0 || *n >= cap)
			goto bad;
		memcpy(pw, a->password, *n + 1);
		explicit_bzero(a->password, *n);
		return 0;
	}
	if (!a->password_stdin && !isatty(STDIN_FILENO)) {
		bwk_msg("BWK1303E", "cannot read the password of administrator "
		    "%s: standard input is not a terminal; give "
		    "--password-stdin to read it from there", a->id);
		return -1;
	}
	snprintf(prompt, sizeof(prompt), "Password of administrator %s: ",
	    a->id);
	if (bwk_read_password(prompt, pw, cap, n) == 0)
		return 0;
bad:
	bwk_msg("BWK1303E", "cannot read the password of administrator %s: "
	    "give 1 to %d characters on one line", a->id, SCRAM_PASSWORD_MAX);
	return -1;
}

/*
 * The words into one line, as the server parses it: blanks between
 * words, none inside one. The password of register and update (the
 * fourth word) is wiped in argv once copied; "-" there is read from
 * standard input now, before the key helper starts.
 */
static int
command_text(char **w, int n, char *out, size_t cap)
{
	char pw[SCRAM_PASSWORD_MAX + 1], prompt[128], *word;
	size_t len = 0, k;
	int i, r = 0;

	out[0] = '\0';
	for (i = 0; i < n && r == 0; i++) {
		word = w[i];
		if (i == 3 && strcmp(word, "-") == 0) {
			snprintf(prompt, sizeof(prompt), "New password of %.64s: ",
			    w[2]);
			if (bwk_read_password(prompt, pw, sizeof(pw), &k) == -1)
				return cmd_usage("admin", "a password of - needs "
				    "one line of standard input", NULL);
			word = pw;
		}
		if ((k = strlen(word)) == 0 || strpbrk(word, " \t\n") != NULL)
			r = cmd_usage("admin", "a word of the command is empty or "
			    "holds a blank", NULL);
		else if (len + (i > 0) + k > cap - 1)
			r = cmd_usage("admin", "the command is longer than 1,024 "
			    "characters", NULL);
		else {
			len += (size_t)snprintf(out + len, cap - len, "%s%s",
			    i > 0 ? " " : "", word);
			if (i == 3 && word != pw && strchr(word, '=') == NULL)
				explicit_bzero(w[i], k);
		}
	}
	explicit_bzero(pw, sizeof(pw));
	return r;
}

/* --json: everything but the document to standard error. */
static void
to_stderr(void *arg, const char *id, const char *text)
{
	(void)arg;
	if (!bwk_quiet)
		fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

/* The connection, configured, with the password handed over (and wiped). */
static struct bwk *
connect_admin(struct session_args *c, struct admin_args *a, int *rc)
{
	char pw[SCRAM_PASSWORD_MAX + 1];
	struct bwk_config *cfg;
	struct bwk *b = NULL;
	size_t n = 0;
	int ok;

	*rc = EXIT_USAGE;
	if ((cfg = session_args_config(c, 1)) == NULL)
		return NULL;
	if (bwk_config_set_admin(cfg, a->id) == -1) {
		bwk_msg("BWK0757E", "%s", bwk_config_error(cfg));
		bwk_config_free(cfg);
		return NULL;
	}
	if (a->json)
		bwk_config_set_log(cfg, to_stderr, NULL);
	*rc = EXIT_SETUP;
	if ((b = bwk_client()) == NULL || bwk_configure(b, cfg) == -1) {
		bwk_config_free(cfg);
		bwk_free(b);
		return NULL;
	}
	bwk_config_free(cfg);
	*rc = EXIT_USAGE;
	ok = read_admin_password(a, pw, sizeof(pw), &n) == 0 &&
	    (*rc = EXIT_SETUP, bwk_set_admin_password(b, pw, n) == 0);
	explicit_bzero(pw, sizeof(pw));
	if (!ok) {
		bwk_free(b);
		return NULL;
	}
	return b;
}

static void
linger(void)
{
#ifdef BULWARK_TESTING
	/* tests inspect the live, sandboxed network process */
	const char *ms = getenv("BULWARK_TEST_LINGER_MS");

	if (ms != NULL) {
		struct timespec ts = { atoi(ms) / 1000,
		    (atoi(ms) % 1000) * 1000000L };

		printf("lingering\n");
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
#endif
}

/* The result on standard output; the exit status it means. */
static int
report(const struct session_args *c, const struct admin_args *a,
    const struct bwk_rows *r)
{
	if (a->json)
		admin_print_json(stdout, c->opt.servername, r);
	else if (!r->refused)
		admin_print_table(stdout, r);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		bwk_msg("BWK1310E", "the result could not be written to standard "
		    "output: %s", strerror(errno));
		return EXIT_SETUP;
	}
	if (r->refused) {
		bwk_msg("BWK1306E", "server %s refused the command: %s %s",
		    c->opt.servername, r->id, r->text);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

int
cmd_admin(int argc, char **argv)
{
	static char text[COMMAND_MAX + 1];
	struct session_args c;
	struct admin_args a;
	struct bwk_rows rows;
	struct bwk *b;
	int rc, words;

	memset(&a, 0, sizeof(a));
	if ((rc = session_args_parse("admin", argc, argv, 2, &c, admin_own, &a,
	    &words)) != 0)
		return rc;
	if (a.id == NULL)
		return cmd_usage("admin", "the administrator is needed (-id=NAME)",
		    NULL);
	if (a.password != NULL && a.password_stdin)
		return cmd_usage("admin", "give -password= or --password-stdin, "
		    "not both", NULL);
	if (words == argc)
		return cmd_usage("admin", "a command is needed", NULL);
	if (argc - words > WORDS_MAX)
		return cmd_usage("admin", "too many words for a command", NULL);
	if ((b = connect_admin(&c, &a, &rc)) == NULL)
		return rc;
	if ((rc = command_text(argv + words, argc - words, text,
	    sizeof(text))) != 0) {
		bwk_free(b);
		return rc;
	}
	memset(&rows, 0, sizeof(rows));
	if (bwk_prepare(b) == -1 || bwk_sandbox(b, c.opt.sandbox_user) == -1 ||
	    bwk_connect(b) == -1 || bwk_admin(b, text, &rows) == -1) {
		explicit_bzero(text, sizeof(text));
		rc = session_exit_for(b);
		bwk_rows_free(&rows);
		bwk_free(b);
		return rc;
	}
	explicit_bzero(text, sizeof(text));	/* it may hold a password */
	linger();
	rc = report(&c, &a, &rows);
	bwk_rows_free(&rows);
	if (bwk_close(b) == -1 && rc == EXIT_OK)
		rc = EXIT_SETUP;
	bwk_free(b);
	return rc;
}
