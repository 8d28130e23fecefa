/*
 * bulwarkd-session: one client's session, in its own process. bulwarkd's
 * listener accepts the connection and execs this program with the socket
 * on descriptor 3; it never reads a byte of the session itself. Here, in
 * order: the options, the crypto self-tests, root dropped (run as root,
 * it becomes the instance's owner), the key helper that holds the
 * server's key (started before the sandbox), the TLS context, the catalog,
 * the objects' data directory, the sign-on key and the certificates query
 * certificate lists, then the sandbox (no new socket or connection; of
 * the files, only the catalog's and the objects' directories), and only
 * then the client's bytes: the TLS handshake and the session protocol
 * (docs/protocol.md). A crash or a hostile client ends this process and
 * no other.
 *
 *	bulwarkd-session --instance DIR --peer ADDRESS --session N --roles R
 *	    --label LABEL [--standby LABEL] [--busy]
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "../../sandbox/sandbox.h"
#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../lib/selftest.h"
#include "../lib/util.h"
#include "../server/instance.h"
#include "../server/srvopts.h"
#include "../tls/policy.h"
#include "../tls/session.h"
#include "content.h"
#include "serve.h"

#define SESSION_FD	3

struct args {
	const char	*instance;
	const char	*peer;
	const char	*label;
	const char	*standby;	/* the standby key's label, or NULL */
	const char	*forge;		/* test builds: a forged announcement */
	long		 id;
	int64_t		 run;		/* the listener's start */
	int64_t		 live[SESSIONS_LIVE_MAX];	/* its other sessions */
	size_t		 nlive;
	long		 roles;		/* who may sign on at this port */
	int		 busy;		/* MAXSESSIONS reached: refuse, politely */
	int		 insecure;
};

/* "3,5,9": the ids of the listener's other sessions now (may be ""). */
static int
parse_live(const char *s, struct args *a)
{
	char buf[24];
	const char *comma;
	long id;
	size_t n;

	while (*s != '\0') {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == 0 || n >= sizeof(buf) || a->nlive == SESSIONS_LIVE_MAX)
			return -1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (bwk_parse_long(buf, 1, 1L << 40, &id) == -1)
			return -1;
		a->live[a->nlive++] = id;
		s += n + (comma != NULL);
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->label = "default";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--instance") == 0 && i + 1 < argc)
			a->instance = argv[++i];
		else if (strcmp(argv[i], "--peer") == 0 && i + 1 < argc)
			a->peer = argv[++i];
		else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc)
			a->label = argv[++i];
		else if (strcmp(argv[i], "--standby") == 0 && i + 1 < argc)
			a->standby = argv[++i];
#ifdef BULWARK_TESTING
		else if (strcmp(argv[i], "--test-forge-standby") == 0 &&
		    i + 1 < argc)
			a->forge = argv[++i];
		else if (strcmp(argv[i], "--test-content-fault") == 0 &&
		    i + 1 < argc)
			content_test_fault = argv[++i];
#endif
		else if (strcmp(argv[i], "--session") == 0 && i + 1 < argc) {
			if (bwk_parse_long(argv[++i], 1, 1L << 40, &a->id) == -1)
				return -1;
		} else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc) {
			long run;

			if (bwk_parse_long(argv[++i], 1, LONG_MAX, &run) == -1)
				return -1;
			a->run = run;
		} else if (strcmp(argv[i], "--live") == 0 && i + 1 < argc) {
			if (parse_live(argv[++i], a) == -1)
				return -1;
		} else if (strcmp(argv[i], "--roles") == 0 && i + 1 < argc) {
			if (bwk_parse_long(argv[++i], 1, 3, &a->roles) == -1)
				return -1;
		} else if (strcmp(argv[i], "--busy") == 0)
			a->busy = 1;
		else if (strcmp(argv[i], "--insecure-weak-sandbox") == 0)
			a->insecure = 1;
		else
			return -1;
	}
	return a->instance != NULL && a->peer != NULL && a->id > 0 &&
	    a->roles != 0 ? 0 : -1;
}

/* The accepted socket must be on its descriptor, and be a socket. */
static int
have_socket(void)
{
	struct stat st;

	return bwk_fstat(SESSION_FD, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Every line to standard error, which the listener gave us: its log. */
static void
to_log(void *arg, const char *id, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

static int
prepare(struct session *s, struct session_opts *o, const struct args *a)
{
	struct keyd_spawn_opts ko;
	char kdb[4096];

	snprintf(kdb, sizeof(kdb), "%s/kdb", a->instance);
	memset(&ko, 0, sizeof(ko));
	ko.server = a->label;
	ko.db = kdb;
	ko.serve = 1;
	ko.standby = a->standby;
	ko.insecure_sandbox = a->insecure;
	s->o = o;
	s->tr = &session_socket_transport;
	s->sock = SESSION_FD;
	session_limits(s);
	/* the helper first, before the sandbox forbids starting it */
	if (keyd_spawn(&s->kd, &ko) == -1 || keyd_hello(&s->kd) == -1 ||
	    keyd_begin(&s->kd, a->label, &s->id) == -1)
		return -1;
	return session_server_context(s);
}

/*
 * The sandbox: the catalog's directory and the objects' (both made by
 * the listener at start), nothing else of the instance.
 */
static int
sandbox(const struct args *a)
{
	char catdir[4096], data[4096];
	struct sb_srvsession_policy sp = { catdir, data };

	if (snprintf(catdir, sizeof(catdir), "%s/%s", a->instance,
	    INSTANCE_CATDIR) >= (int)sizeof(catdir) ||
	    snprintf(data, sizeof(data), "%s/%s", a->instance,
	    INSTANCE_DATADIR) >= (int)sizeof(data))
		return -1;
	return sb_apply_srvsession(&sp, a->insecure);
}

/* The catalog, opened before the sandbox: SQLite checks its path then. */
static int
open_catalog(const struct args *a, struct catalog **cat)
{
	char catdir[4096];

	if (snprintf(catdir, sizeof(catdir), "%s/%s", a->instance,
	    INSTANCE_CATDIR) >= (int)sizeof(catdir))
		return -1;
	return catalog_open(cat, catdir, CAT_OPEN_NUMERIC_IDS) == CAT_OK ? 0 :
	    -1;
}

/*
 * The objects' directory, opened before the sandbox: content files are
 * made and read beneath this descriptor (content.c), never by a path
 * built from anything a client sent. It must be the server user's, and
 * no one else's to write, as the sandbox's rule on it requires too.
 */
static int
open_data(const char *instance, int *fd)
{
	char path[4096];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", instance,
	    INSTANCE_DATADIR) >= (int)sizeof(path))
		return -1;
	if ((*fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		bwk_msg("BWK1530E", "cannot open the data directory %s: %s; "
		    "bulwarkd makes it when it starts: restart it, or restore "
		    "the directory from its backup", path, strerror(errno));
		return -1;
	}
	if (bwk_fstat(*fd, &st) == -1 || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0) {
		bwk_msg("BWK1530E", "%s is not the server's data directory (a "
		    "directory of the server's user, that no one else may "
		    "write): chown it to the server's user and chmod 0700",
		    path);
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

/*
 * The secret fake verifiers are made with (signon.c): 32 bytes the
 * instance made at init, the server user's alone. A file any other user
 * could read or write would let them tell real names from fakes.
 */
static int
load_signon_key(const char *instance, uint8_t key[SCRAM_HASH_LEN])
{
	char path[4096];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/signon.key", instance);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		bwk_msg("BWK1079E", "cannot open %s: %s; run bulwarkd "
		    "--instance %s init again, or restore the file", path,
		    strerror(errno), instance);
		return -1;
	}
	if (bwk_fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
	    st.st_size != SCRAM_HASH_LEN ||
	    (n = read(fd, key, SCRAM_HASH_LEN)) != SCRAM_HASH_LEN) {
		close(fd);
		explicit_bzero(key, SCRAM_HASH_LEN);
		bwk_msg("BWK1079E", "%s is not the server's sign-on key (a "
		    "regular file of 32 bytes, the server user's, mode 0600)",
		    path);
		return -1;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct session s;
	static struct tls_policy pol;
	static struct srv_options so;
	static struct serve_env env;
	struct session_opts o;
	struct args a;
	char optpath[4096], who[128];
	int rc;

	/* 0-2 first: the socket is on 3, and must stay the only thing there */
	bwk_sane_fds();
	/*
	 * Keep freed heap for the next object rather than hand it back at
	 * once: the catalog's SQLite allocates and frees its page caches at
	 * every object, and glibc's default trim returned them with brk()
	 * each time, to fault fresh zeroed pages in again for the next.
	 */
	(void)mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
	(void)mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	bwk_prog = "bulwarkd-session";
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);
	bwk_msg_hook(to_log, NULL, NULL, NULL);
	s.log = to_log;
	if (parse_args(argc, argv, &a) == -1 || !have_socket()) {
		bwk_msg("BWK1060E", "bulwarkd-session is started by bulwarkd, "
		    "with a connection; it is not run by hand");
		return 2;
	}
	snprintf(who, sizeof(who), "session %ld (%s)", a.id, a.peer);
	snprintf(optpath, sizeof(optpath), "%s/bulwarkd.opt", a.instance);
	if (srvopts_load(optpath, &so) == -1 || policy_load(NULL, &pol) == -1 ||
	    bwk_selftest_startup_deferred(bwk_prog) != 0 ||
	    wolfSSL_Init() != WOLFSSL_SUCCESS)
		return 3;
	memset(&o, 0, sizeof(o));
	o.server = a.label;
	o.host = who;
	o.port = "";
	o.policy = &pol;
	o.handshake_timeout = so.handshaketimeout;
	o.idle_timeout = so.idletimeout * 60;
	env.o = &so;
	env.roles = (int)a.roles;
	env.busy = a.busy;
	env.forge = a.forge;
	env.session_id = a.id;
	env.run = a.run;
	env.peer = a.peer;
	env.started = bwk_now();
	/* the owner first, so that the helper runs as the owner too */
	env.datafd = -1;
	if (sb_drop_to_owner(a.instance) == -1 || prepare(&s, &o, &a) == -1 ||
	    (!a.busy && (open_catalog(&a, &env.cat) == -1 ||
	    open_data(a.instance, &env.datafd) == -1 ||
	    load_signon_key(a.instance, env.fake_key) == -1)))
		return 3;
	/* each commit keeps VEREXISTS versions (bulwarkd.opt, checked) */
	if (env.cat != NULL)
		(void)catalog_set_retention(env.cat, so.verexists, so.retextra);
	/* query certificate's, read now: a missing one is only not listed */
	if (!a.busy)
		(void)serve_certs_load(&env, a.instance, a.label, s.id.cert,
		    s.id.cert_len);
	if (sandbox(&a) == -1)
		return 3;
	if (session_accept(&s) == -1) {
		session_close(&s);
		return 4;
	}
	/* the rows of sessions that are gone, before this one's */
	if (!a.busy && a.run != 0)
		(void)catalog_session_prune(env.cat, a.run, a.id, a.live,
		    a.nlive);
	rc = serve_session(&s, &env);
	if (!a.busy && a.run != 0)
		(void)catalog_session_remove(env.cat, a.run, a.id);
	explicit_bzero(env.fake_key, sizeof(env.fake_key));
	if (env.datafd != -1)
		close(env.datafd);
	catalog_close(env.cat);
	/* a key helper that ended badly said so; the session's status too */
	if (session_close(&s) == -1 && rc == 0)
		rc = 3;
	return rc;
}
