/*
 * Remote administration, the server's side: one ADMIN frame of a
 * signed-on administrator, its command parsed (admin_parse.c), run on
 * the catalog with the console's rules (src/catalog/account_cmd.c), and
 * answered with ROWS (src/tls/rows.c). Every command is logged with the
 * administrator's name as adm_render shows it, never with a password; a
 * password is wiped as soon as its verifier is made. A node that sends
 * ADMIN is refused with ERROR and the session ends.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../catalog/account_cmd.h"
#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "../server/srvopts.h"
#include "../tls/rows.h"
#include "admin.h"
#include "serve.h"

/* What one command did, for its answer and its log line. */
struct result {
	int	 refused;
	char	 id[9];
	char	 text[512];
};

static int
send_frame(void *arg, struct wire_out *w)
{
	return session_wire_send(arg, w);
}

static void __attribute__((format(printf, 3, 4)))
set(struct result *res, const char *id, const char *fmt, ...)
{
	va_list ap;

	res->refused = id[7] == 'E';
	snprintf(res->id, sizeof(res->id), "%s", id);
	va_start(ap, fmt);
	vsnprintf(res->text, sizeof(res->text), fmt, ap);
	va_end(ap);
}

/* A catalog status: done (with what was done), or why not. */
static void
account_outcome(struct result *res, int r, const struct adm_cmd *c,
    const char *done)
{
	char text[256];

	if (r == CAT_OK) {
		set(res, "BWK1320I", "%s %s %s", done,
		    acct_kind_name(adm_kind(c)), c->name);
		return;
	}
	acct_outcome(r, adm_kind(c), c->name, text, sizeof(text));
	set(res, "BWK1326E", "%s", text);
}

/* The password's verifier, and the password wiped whatever happens. */
static int
verifier(struct adm_cmd *c, struct scram_verifier *v)
{
	const char *why;
	int r;

	r = acct_verifier((const uint8_t *)c->password, c->pwlen, v, &why);
	adm_wipe(c);
	return r;
}

static void
do_register(struct served *v, struct adm_cmd *c, struct result *res)
{
	struct scram_verifier ver;
	enum cat_security sec = v->env->o->sessionsecurity == SESSSEC_STRICT ?
	    CAT_STRICT : CAT_TRANSITIONAL;
	int r;

	if (c->has_security)
		sec = c->security;
	if ((r = verifier(c, &ver)) == 0)
		r = catalog_account_register(v->env->cat, adm_kind(c),
		    c->name, &ver, sec, srvopts_password_expiry(v->env->o,
		    adm_kind(c) == CAT_ADMIN));
	explicit_bzero(&ver, sizeof(ver));
	account_outcome(res, r, c, "registered");
}

static void
do_update(struct served *v, struct adm_cmd *c, struct result *res,
    int what)
{
	struct scram_verifier ver;
	struct cat_update u;
	int r = 0;

	memset(&u, 0, sizeof(u));
	memset(&ver, 0, sizeof(ver));
	u.what = what;
	if (c->pwlen > 0) {
		/* a new password lasts PASSEXP, as the console's does */
		u.what |= CAT_SET_VERIFIER | CAT_SET_EXPIRES;
		u.verifier = &ver;
		u.password_expires = srvopts_password_expiry(v->env->o,
		    adm_kind(c) == CAT_ADMIN);
		r = verifier(c, &ver);
	}
	if (c->has_security) {
		u.what |= CAT_SET_SECURITY;
		u.security = c->security;
	}
	if (r == 0)
		r = catalog_account_update(v->env->cat, adm_kind(c), c->name,
		    &u);
	explicit_bzero(&ver, sizeof(ver));
	account_outcome(res, r, c, what == CAT_SET_UNLOCK ? "unlocked" :
	    "updated");
}

static void
do_remove(struct served *v, struct adm_cmd *c, struct result *res)
{
	/* the session's own account stays: someone must be able to sign on */
	if (c->obj == ADM_ADMIN && strcmp(c->name, v->account) == 0) {
		set(res, "BWK1327E", "administrator %s cannot remove itself; "
		    "another administrator can", c->name);
		return;
	}
	account_outcome(res, catalog_account_remove(v->env->cat, adm_kind(c),
	    c->name), c, "removed");
}

/* query node and query admin: one row an account, by name. */
struct listing {
	struct rows_out	*out;
	const char	*pattern;
	int64_t		 now;
};

static int
list_one(void *arg, const struct cat_account *a)
{
	struct listing *l = arg;
	struct acct_row r;
	const char *cells[6];

	if (l->pattern[0] != '\0' && fnmatch(l->pattern, a->name, 0) != 0)
		return 0;
	acct_row(a, l->now, &r);
	cells[0] = r.name;
	cells[1] = r.security;
	cells[2] = r.last_signon;
	cells[3] = r.password_expires;
	cells[4] = r.locked_until;
	cells[5] = r.failed;
	return rows_add(l->out, cells) == -1 ? 1 : 0;
}

static int
query_accounts(struct served *v, const struct adm_cmd *c,
    struct rows_out *out, struct result *res)
{
	static const char *const node_cols[] = { "node", "security",
	    "last_signon", "password_expires", "locked_until",
	    "failed_signons" };
	static const char *const admin_cols[] = { "administrator",
	    "security", "last_signon", "password_expires", "locked_until",
	    "failed_signons" };
	struct listing l = { out, c->name, bwk_now() };
	int r;

	rows_begin(out, c->obj == ADM_ADMIN ? admin_cols : node_cols, 6,
	    send_frame, v->s);
	r = catalog_account_list(v->env->cat, adm_kind(c), list_one, &l);
	if (out->failed)
		return -1;
	if (r != CAT_OK)
		set(res, "BWK1326E", "the catalog failed (the server's log says "
		    "why); the list is not complete");
	else
		set(res, "BWK1321I", "%zu %s%s listed", out->total,
		    acct_kind_name(adm_kind(c)), out->total == 1 ? "" : "s");
	return 0;
}

/* One row of query session; a row that cannot be sent stops the list. */
#define SESS_SEND_FAILED	100

struct sess_rows {
	struct rows_out	*out;
	size_t		 n;
};

static int
sess_row(void *arg, const struct cat_session *cs)
{
	struct sess_rows *r = arg;
	char id[24], started[32];
	const char *cells[9];

	snprintf(id, sizeof(id), "%lld", (long long)cs->id);
	bwk_time_format(cs->started, started);
	cells[0] = id;
	cells[1] = cs->peer;
	cells[2] = cs->role;
	cells[3] = cs->name;
	cells[4] = started;
	cells[5] = cs->protocol;
	cells[6] = cs->suite;
	cells[7] = cs->group;
	cells[8] = cs->ems ? "yes" : "no";
	if (rows_add(r->out, cells) == -1)
		return SESS_SEND_FAILED;
	r->n++;
	return 0;
}

/*
 * The sessions signed on now, this one among them: each session process
 * records its own in the catalog at sign-on (signon.c) and removes it at
 * its end, and the listener's next session drops those that died.
 */
static int
query_session(struct served *v, struct rows_out *out, struct result *res)
{
	static const char *const cols[] = { "session", "peer", "role", "name",
	    "started", "protocol", "suite", "group", "ems" };
	struct sess_rows r = { out, 0 };
	int rc;

	rows_begin(out, cols, 9, send_frame, v->s);
	rc = catalog_session_list(v->env->cat, v->env->run, sess_row, &r);
	if (rc == SESS_SEND_FAILED)
		return -1;
	if (rc != CAT_OK)
		set(res, "BWK1324W", "%zu session%s listed; the catalog could not "
		    "be read to the end (the server's log says why), so the list "
		    "may miss some", r.n, r.n == 1 ? "" : "s");
	else
		set(res, "BWK1322I", "%zu session%s signed on", r.n,
		    r.n == 1 ? "" : "s");
	return 0;
}

static int
query_certificates(struct served *v, struct rows_out *out,
    struct result *res)
{
	static const char *const cols[] = { "label", "default", "in_use",
	    "key", "expires", "sha256" };
	const struct serve_cert *c;
	const char *cells[6];
	size_t i;

	rows_begin(out, cols, 6, send_frame, v->s);
	for (i = 0; i < v->env->ncerts; i++) {
		c = &v->env->certs[i];
		cells[0] = c->label;
		cells[1] = c->is_default ? "yes" : "no";
		cells[2] = c->in_use ? "yes" : "no";
		cells[3] = c->key;
		cells[4] = c->expires;
		cells[5] = c->sha256;
		if (rows_add(out, cells) == -1)
			return -1;
	}
	set(res, "BWK1323I", "%zu certificate%s listed: this session's and "
	    "the default (cert256.arm); bulwarkd cert list on the server "
	    "shows every label", v->env->ncerts, v->env->ncerts == 1 ? "" :
	    "s");
	return 0;
}

/* Runs c: -1 only when the answer could not be sent. */
static int
run(struct served *v, struct adm_cmd *c, struct rows_out *out,
    struct result *res)
{
	rows_begin(out, NULL, 0, send_frame, v->s);
	switch (c->verb) {
	case ADM_REGISTER:
		do_register(v, c, res);
		return 0;
	case ADM_UPDATE:
		do_update(v, c, res, 0);
		return 0;
	case ADM_UNLOCK:
		do_update(v, c, res, CAT_SET_UNLOCK);
		return 0;
	case ADM_REMOVE:
		do_remove(v, c, res);
		return 0;
	case ADM_QUERY:
		break;
	}
	if (c->obj == ADM_SESSION)
		return query_session(v, out, res);
	if (c->obj == ADM_CERTIFICATE)
		return query_certificates(v, out, res);
	return query_accounts(v, c, out, res);
}

static void
log_result(struct served *v, const char *cmd, const struct result *res)
{
	if (res->refused)
		sess_msg(v->s, "BWK1331W", "%s: administrator %s: %s: refused: "
		    "%s %s", v->s->o->host, v->account, cmd, res->id,
		    res->text);
	else
		sess_info(v->s, "BWK1330I", "%s: administrator %s: %s: %s",
		    v->s->o->host, v->account, cmd, res->text);
}

int
admin_command(struct served *v, struct wire_in *in)
{
	static char text[WIRE_TEXT_MAX + 1];
	static struct adm_cmd c;
	static struct rows_out out;
	struct result res;
	char cmd[256], why[256];
	int r;

	if (v->role != WIRE_ROLE_ADMIN) {
		snprintf(why, sizeof(why), "node %s is signed on, and only an "
		    "administrator may send an administrative command",
		    v->account);
		return serve_refuse(v, "BWK1332E", why);
	}
	r = wire_get_text(in, text, WIRE_TEXT_MAX) == -1 || wire_end(in) == -1;
	if (r) {
		explicit_bzero(text, sizeof(text));
		return serve_refuse(v, "BWK1333E", "a malformed ADMIN (not one "
		    "text of at most 1,024 bytes)");
	}
	memset(&res, 0, sizeof(res));
	r = adm_parse(text, &c, why, sizeof(why));
	explicit_bzero(text, sizeof(text));	/* it may hold a password */
	if (r == -1) {
		snprintf(cmd, sizeof(cmd), "a command");
		set(&res, "BWK1325E", "%s", why);
		rows_begin(&out, NULL, 0, send_frame, v->s);
	} else {
		adm_render(&c, cmd, sizeof(cmd));
		r = run(v, &c, &out, &res);
		adm_wipe(&c);
		if (r == -1)
			return -1;
	}
	log_result(v, cmd, &res);
	return rows_end(&out, res.refused ? ROWS_REFUSED : ROWS_DONE, res.id,
	    res.text);
}
