#define _GNU_SOURCE	/* pipe2 */
/*
 * libbulwark's calls (bulwark.h) over the session code: a configuration
 * that is only values, copied into each connection, and a connection that
 * owns its session, its options and its policy, so that many can run in
 * one process, each with its own error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "../lib/msg.h"
#include "../lib/names.h"
#include "../lib/scram.h"
#include "../lib/selftest.h"
#include "../lib/util.h"
#include "bulwark.h"
#include "policy.h"
#include "session.h"

#include "api_int.h"

static int __attribute__((format(printf, 2, 3)))
config_error(struct bwk_config *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	return -1;
}

struct bwk_config *
bwk_config_new(void)
{
	struct bwk_config *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	snprintf(c->port, sizeof(c->port), "1500");
	if (policy_parse(policy_builtin_text, strlen(policy_builtin_text),
	    "built-in", &c->policy) == -1) {
		free(c);
		return NULL;
	}
	return c;
}

void
bwk_config_free(struct bwk_config *c)
{
	if (c == NULL)
		return;
	free(c->db);
	free(c);
}

const char *
bwk_config_error(struct bwk_config *c)
{
	return c->error;
}

/* policy_load reports through the messages: caught into the error too. */
static void
catch_msg(void *arg, const char *id, const char *text)
{
	struct bwk_config *c = arg;

	snprintf(c->error, sizeof(c->error), "%s %s", id, text);
	if (c->log != NULL)
		c->log(c->log_arg, id, text);
	else if (!bwk_quiet)
		fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

int
bwk_config_set_policy_file(struct bwk_config *c, const char *path)
{
	struct tls_policy p;
	bwk_msg_cb *old;
	void *old_arg;
	int r;

	bwk_msg_hook(catch_msg, c, &old, &old_arg);
	r = policy_load(path, &p);
	bwk_msg_hook(old, old_arg, NULL, NULL);
	if (r == -1)
		return -1;
	c->policy = p;
	return 0;
}

int
bwk_config_set_server(struct bwk_config *c, const char *name)
{
	if (name == NULL || !kdb_name_ok(name))
		return config_error(c, "'%s' is not a server name (1 to 128 "
		    "letters, digits and . _ : -)", name ? name : "");
	snprintf(c->server, sizeof(c->server), "%s", name);
	return 0;
}

int
bwk_config_set_address(struct bwk_config *c, const char *host,
    const char *port)
{
	long n;

	if (host == NULL || host[0] == '\0' || strlen(host) > HOST_MAX)
		return config_error(c, "'%s' is not a host name or address",
		    host ? host : "");
	if (port == NULL || bwk_parse_long(port, 1, 65535, &n) == -1)
		return config_error(c, "'%s' is not a port number (1-65535)",
		    port ? port : "");
	snprintf(c->host, sizeof(c->host), "%s", host);
	snprintf(c->port, sizeof(c->port), "%ld", n);
	return 0;
}

int
bwk_config_set_db(struct bwk_config *c, const char *dir)
{
	char *d = NULL;

	if (dir != NULL && (d = strdup(dir)) == NULL)
		return config_error(c, "%s", strerror(errno));
	free(c->db);
	c->db = d;
	return 0;
}

int
bwk_config_set_system_ca(struct bwk_config *c, int on)
{
	c->system_ca = on != 0;
	return 0;
}

int
bwk_config_set_expected_fingerprint(struct bwk_config *c,
    const uint8_t fpr[32])
{
	memcpy(c->fpr, fpr, sizeof(c->fpr));
	c->has_fpr = 1;
	return 0;
}

/* The HELLO's name: 1-64 printable ASCII characters SCRAM can carry. */
static int
set_name(struct bwk_config *c, const char *name, int admin)
{
	const char *what = admin ? "administrator" : "node";
	size_t i, n = name == NULL ? 0 : strlen(name);

	if (n == 0 || n > WIRE_NAME_MAX)
		return config_error(c, "the %s name must be 1 to %d "
		    "characters", what, WIRE_NAME_MAX);
	for (i = 0; i < n; i++)
		if (name[i] < 0x21 || name[i] > 0x7e || name[i] == ',' ||
		    name[i] == '=')
			return config_error(c, "the %s name %s holds a "
			    "character a %s name cannot have (a space, a "
			    "comma, '=' or a control character)", what, name,
			    what);
	memcpy(c->node, name, n + 1);
	c->admin = admin;
	return 0;
}

int
bwk_config_set_node(struct bwk_config *c, const char *node)
{
	return set_name(c, node, 0);
}

int
bwk_config_set_admin(struct bwk_config *c, const char *name)
{
	return set_name(c, name, 1);
}

void
bwk_config_set_password_generate(struct bwk_config *c, int on)
{
	c->generate = on != 0;
}

int
bwk_config_set_timeouts(struct bwk_config *c, int handshake, int idle)
{
	if (handshake < 1 || handshake > 600 || idle < 1 || idle > 65535)
		return config_error(c, "%s", "timeouts out of range (handshake "
		    "1-600 seconds, idle 1-65535)");
	c->handshake_timeout = handshake;
	c->idle_timeout = idle;
	return 0;
}

void
bwk_config_set_log(struct bwk_config *c, bwk_log_cb *cb, void *arg)
{
	c->log = cb;
	c->log_arg = arg;
	bwk_msg_hook(cb, arg, NULL, NULL);
}

void
bwk_config_insecure_accept_first_use(struct bwk_config *c)
{
	c->accept_first_use = 1;
}

void
bwk_config_insecure_weak_sandbox(struct bwk_config *c)
{
	c->weak_sandbox = 1;
}

struct bwk *
bwk_client(void)
{
	struct bwk *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->s.sock = -1;
	b->s.kd.fd = -1;
	b->password_fd = b->prompt_fd = -1;
	b->chan = -1;
	return b;
}

int
api_error(struct bwk *b, enum bwk_failure f, const char *id, const char *text)
{
	b->s.fail = (enum session_fail)f;
	sess_msg(&b->s, id, "%s", text);
	return -1;
}

int
bwk_configure(struct bwk *b, const struct bwk_config *c)
{
	struct session_opts *o = &b->o;

	if (b->configured)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "the connection is configured already");
	b->cfg = *c;
	b->cfg.db = NULL;
	if (c->db != NULL && (b->cfg.db = strdup(c->db)) == NULL)
		return api_error(b, BWK_FAIL_SETUP, "BWK0712E", "out of memory");
	b->s.log = c->log;
	b->s.log_arg = c->log_arg;
	if (b->cfg.server[0] == '\0' || b->cfg.host[0] == '\0')
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "the "
		    "configuration names no server or no address");
	memset(o, 0, sizeof(*o));
	o->server = b->cfg.server;
	o->host = b->cfg.host;
	o->port = b->cfg.port;
	o->db = b->cfg.db;
	o->policy = &b->cfg.policy;
	o->accept_first_use = b->cfg.accept_first_use;
	o->system_ca = b->cfg.system_ca;
	o->has_expected_fpr = b->cfg.has_fpr;
	memcpy(o->expected_fpr, b->cfg.fpr, sizeof(o->expected_fpr));
	o->insecure_sandbox = b->cfg.weak_sandbox;
	o->handshake_timeout = b->cfg.handshake_timeout;
	o->idle_timeout = b->cfg.idle_timeout;
	o->node = b->cfg.node[0] != '\0' ? b->cfg.node : NULL;
	o->admin = b->cfg.admin;
	o->password_fd = -1;
	o->generate = b->cfg.generate;
	b->configured = 1;
	return 0;
}

/*
 * Once per process: wolfSSL. The known-answer tests run in
 * session_prepare(), once the key helper is spawned, so that its own
 * tests and this process's run side by side; no key, certificate or
 * byte of traffic is touched before they passed.
 */
static int
library_init(struct bwk *b)
{
	static int done, ok;

	if (!done) {
		done = 1;
		ok = 1;
		if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
			sess_msg(&b->s, "BWK0704E", "the TLS library could not "
			    "be initialised");
			ok = 0;
		}
	}
	if (!ok)
		b->s.fail = FAIL_SELFTEST;
	return ok ? 0 : -1;
}

/* A pipe for the helper's password could not be made or filled. */
static int
pipe_error(struct bwk *b)
{
	char text[200];

	snprintf(text, sizeof(text), "cannot hand the administrator's "
	    "password to the key helper: its pipe failed: %s", strerror(errno));
	return api_error(b, BWK_FAIL_SETUP, "BWK1311E", text);
}

static int
prompt_error(struct bwk *b)
{
	char text[200];

	snprintf(text, sizeof(text), "cannot hand the node's typed password "
	    "to the key helper: its pipe failed: %s", strerror(errno));
	return api_error(b, BWK_FAIL_SETUP, "BWK1311E", text);
}

/*
 * Into a pipe at once, its writing end closed: the helper reads it whole
 * at its start. A password is at most 1,024 bytes, far below a pipe's
 * buffer, so the write cannot block with no reader yet.
 */
int
bwk_set_admin_password(struct bwk *b, const char *pw, size_t len)
{
	int p[2], r;

	if (!b->configured || b->prepared || !b->cfg.admin ||
	    b->password_fd != -1)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_set_admin_password: the connection is not configured "
		    "for an administrator, is prepared, or has its password");
	if (len == 0 || len > SCRAM_PASSWORD_MAX)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_set_admin_password: a password is 1 to 1,024 bytes");
	if (pipe2(p, O_CLOEXEC) == -1)
		return pipe_error(b);
	if (bwk_write_all(p[1], pw, len) == -1) {
		r = pipe_error(b);
		close(p[0]);
		close(p[1]);
		return r;
	}
	close(p[1]);
	b->password_fd = p[0];
	return 0;
}

int
bwk_prepare(struct bwk *b)
{
	int r;

	if (!b->configured || b->prepared)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_prepare: "
		    "the connection is not configured, or prepared already");
	/* fail closed: an administrator's helper without its password */
	if (b->cfg.admin && b->password_fd == -1)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_prepare: "
		    "an administrator's connection needs its password first "
		    "(bwk_set_admin_password)");
	if (library_init(b) == -1)
		return -1;
	/* PROMPT: a pipe for a typed password, used if the database has none */
	if (!b->cfg.admin && b->cfg.node[0] != '\0' && !b->cfg.generate) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) == -1)
			return prompt_error(b);
		b->password_fd = p[0];
		b->prompt_fd = p[1];
	}
	b->o.password_fd = b->password_fd;
	r = session_prepare(&b->s, &b->o);
	/* the helper has its copy: this process keeps none */
	if (b->password_fd != -1)
		close(b->password_fd);
	b->password_fd = b->o.password_fd = -1;
	if (r == -1) {
		if (b->s.fail == FAIL_NONE)
			b->s.fail = FAIL_SETUP;
		return -1;
	}
	b->prepared = 1;
	return 0;
}

int
bwk_node_password_wanted(struct bwk *b)
{
	return b->prepared && b->prompt_fd != -1 && !b->s.kd.node_pw_stored;
}

/* As bwk_set_admin_password: the pipe's buffer holds it whole. */
int
bwk_set_node_password(struct bwk *b, const char *pw, size_t len)
{
	int r;

	if (!bwk_node_password_wanted(b))
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_set_node_password: no typed password is wanted (not "
		    "PASSWORDACCESS PROMPT, not prepared, or the key database "
		    "holds the node's)");
	if (len == 0 || len > SCRAM_PASSWORD_MAX)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_set_node_password: a password is 1 to 1,024 bytes");
	r = bwk_write_all(b->prompt_fd, pw, len);
	close(b->prompt_fd);
	b->prompt_fd = -1;
	if (r == -1)
		return prompt_error(b);
	b->o.typed = 1;
	return 0;
}

int
bwk_sandbox(struct bwk *b, const char *user)
{
	if (!b->prepared)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_sandbox: "
		    "the connection is not prepared");
	/* nothing typed: the helper reads an empty pipe */
	if (b->prompt_fd != -1) {
		close(b->prompt_fd);
		b->prompt_fd = -1;
	}
	if (session_sandbox(&b->s, user, b->cfg.weak_sandbox) == -1) {
		b->s.fail = FAIL_SETUP;
		return -1;
	}
	return 0;
}

int
bwk_connect(struct bwk *b)
{
	if (!b->prepared || b->connected)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_connect: "
		    "the connection is not prepared, or connected already");
	if (session_connect(&b->s) == -1) {
		if (b->s.fail == FAIL_NONE)
			b->s.fail = FAIL_SETUP;
		return -1;
	}
	b->connected = 1;
	return 0;
}

/* Raw data is for a connection without a node: a signed-on session's
 * bytes are the session protocol's frames, and only its calls send them. */
static int
raw_ok(struct bwk *b, const char *call)
{
	char why[96];

	if (b->connected && b->o.node == NULL)
		return 1;
	snprintf(why, sizeof(why), "%s: %s", call, !b->connected ?
	    "not connected" : "a signed-on session carries frames only");
	(void)api_error(b, BWK_FAIL_SETUP, "BWK0755E", why);
	return 0;
}

ssize_t
bwk_read(struct bwk *b, void *buf, size_t len)
{
	if (!raw_ok(b, "bwk_read"))
		return -1;
	return session_read(&b->s, buf, len);
}

ssize_t
bwk_write(struct bwk *b, const void *buf, size_t len)
{
	if (!raw_ok(b, "bwk_write"))
		return -1;
	return session_write(&b->s, buf, len);
}

int
bwk_query_session(struct bwk *b, char *text, size_t len)
{
	if (!b->connected || !b->s.signed_on)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_query_session: not signed on");
	return session_query(&b->s, text, len);
}

int
bwk_admin(struct bwk *b, const char *command, struct bwk_rows *out)
{
	if (!b->connected || !b->s.signed_on || !b->o.admin)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_admin: not signed on as an administrator");
	if (session_admin(&b->s, command, out) == -1) {
		if (b->s.fail == FAIL_NONE)
			b->s.fail = FAIL_SERVER;
		return -1;
	}
	return 0;
}

int
bwk_set_password(struct bwk *b)
{
	if (!b->connected || !b->s.signed_on || b->o.admin)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_set_password: not signed on as a node");
	/* the sign-on replaced an expired one already: one per session */
	if (b->s.pw_changed)
		return 0;
	return session_set_password(&b->s);
}

const char *
bwk_conn_node(struct bwk *b)
{
	return b->connected && b->s.signed_on ? b->o.node : NULL;
}

int
bwk_close(struct bwk *b)
{
	int bye = 0, r;

	if (b->remote)
		return api_files_close(b);
	/* a signed-on session ends as both sides agree: BYE, BYE_OK */
	if (b->connected && b->s.signed_on)
		bye = session_bye(&b->s);
	r = session_close(&b->s);
	if (bye == -1)
		r = -1;

	b->connected = b->prepared = 0;
	if (r == -1 && b->s.fail == FAIL_NONE)
		b->s.fail = FAIL_SETUP;
	return r;
}

void
bwk_free(struct bwk *b)
{
	if (b == NULL)
		return;
	if (b->remote)
		api_files_free(b);
	else if (b->prepared || b->connected)
		session_close(&b->s);
	if (b->password_fd != -1)
		close(b->password_fd);
	if (b->prompt_fd != -1)
		close(b->prompt_fd);
	free(b->cfg.db);
	free(b);
}

const char *
bwk_error(struct bwk *b)
{
	return b->s.err_text;
}

const char *
bwk_error_id(struct bwk *b)
{
	return b->s.err_id;
}

enum bwk_failure
bwk_failure(struct bwk *b)
{
	return (enum bwk_failure)b->s.fail;
}

enum bwk_trust
bwk_conn_trust(struct bwk *b)
{
	return b->connected ? (enum bwk_trust)b->s.rule : BWK_TRUST_NONE;
}

void
bwk_conn_report(struct bwk *b, FILE *f)
{
	if (b->connected)
		session_report(&b->s, f);
}
