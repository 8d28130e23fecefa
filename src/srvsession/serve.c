/*
 * The session protocol, server side: one frame at a time, each checked
 * whole (its type allowed now, its payload exactly as defined) before
 * anything acts on it. A frame out of place ends the session with an
 * ERROR frame that says why, and a log line.
 */
#include <stdio.h>
#include <string.h>

#include "../lib/msg.h"
#include "../lib/version.h"
#include "../server/listen.h"
#include "serve.h"


/* An ERROR frame to the client: its message ID and text. */
static void
send_error(struct served *v, const char *id, const char *text)
{
	static struct wire_out w;

	wire_begin(&w, WIRE_ERROR);
	wire_put(&w, id, 8);
	wire_put_text(&w, text, WIRE_TEXT_MAX);
	(void)session_wire_send(v->s, &w);
}

int
serve_refuse(struct served *v, const char *id, const char *text)
{
	sess_msg(v->s, id, "%s: %s", v->s->o->host, text);
	send_error(v, id, text);
	return -1;
}

static int
on_hello(struct served *v, struct wire_in *in)
{
	static struct wire_out w;
	uint16_t version;

	if (wire_get_n16(in, &version) == -1 || wire_get_n8(in, &v->role) == -1 ||
	    wire_get_n8(in, &v->hello_flags) == -1 ||
	    wire_get_name(in, v->name) == -1 || wire_end(in) == -1)
		return serve_refuse(v, "BWK1064E", "a malformed HELLO");
	if (v->hello_flags & ~WIRE_HELLO_FLAGS)
		return serve_refuse(v, "BWK1064E", "a HELLO with flags this server "
		    "does not know");
	if (version != WIRE_VERSION)
		return serve_refuse(v, "BWK1065E", "the client speaks another version "
		    "of the session protocol; update the client or the server");
	if (v->role != WIRE_ROLE_NODE && v->role != WIRE_ROLE_ADMIN)
		return serve_refuse(v, "BWK1064E", "a HELLO with an unknown role");
	if (!(v->env->roles & (v->role == WIRE_ROLE_NODE ? ROLE_NODE : ROLE_ADMIN)))
		return serve_refuse(v, "BWK1071E", v->role == WIRE_ROLE_NODE ?
		    "nodes do not sign on at this port; use TCPPORT" :
		    "administrators do not sign on at this port; use "
		    "TCPADMINPORT");
	wire_begin(&w, WIRE_HELLO_OK);
	wire_put_n16(&w, WIRE_VERSION);
	wire_put_n8(&w, standby_due(v) ? WIRE_HELLO_OK_STANDBY : 0);
	wire_put_name(&w, "bulwarkd");
	if (session_wire_send(v->s, &w) == -1)
		return -1;
	sess_info(v->s, "BWK1066I", "%s: hello from %s %s", v->s->o->host,
	    v->role == WIRE_ROLE_NODE ? "node" : "administrator", v->name);
	v->state = SV_HELLO;
	return 0;
}

static int
on_query_session(struct served *v, struct wire_in *in)
{
	static struct wire_out w;
	char text[512];
	struct tls_facts *f = &v->s->facts;

	if (wire_end(in) == -1)
		return serve_refuse(v, "BWK1064E", "a malformed QUERY_SESSION");
	(void)tls_facts_get(v->s->ssl, f);
	snprintf(text, sizeof(text), "server: bulwarkd %s\nsuite: %s\n"
	    "group: %s\nEMS: %s\n%s: %s\nsigned on: %s\n", BULWARK_VERSION,
	    f->suite, f->group, f->ems ? "yes" : "no", signon_role(v),
	    v->state == SV_SIGNED ? v->account : v->name,
	    v->state == SV_SIGNED ? "yes (SCRAM-SHA-256-PLUS, tls-exporter)" :
	    "no");
	wire_begin(&w, WIRE_SESSION);
	wire_put_text(&w, text, WIRE_TEXT_MAX);
	return session_wire_send(v->s, &w);
}

static int
on_bye(struct served *v, struct wire_in *in)
{
	static struct wire_out w;

	if (wire_end(in) == -1)
		return serve_refuse(v, "BWK1064E", "a malformed BYE");
	wire_begin(&w, WIRE_BYE_OK);
	v->state = SV_DONE;
	return session_wire_send(v->s, &w);
}

int
serve_not_allowed(struct served *v, const struct wire_frame *f)
{
	char what[96];

	snprintf(what, sizeof(what), "a %s frame (type 0x%04x) is not allowed "
	    "here", wire_type_name(f->type), f->type);
	return serve_refuse(v, "BWK1067E", what);
}

/*
 * What each frame may do, and when: sign-on once, after HELLO; the
 * session's facts, and administrative commands, only once signed on
 * (nothing about the server to a client that has not proved who it is;
 * admin.c refuses a node's); a node's objects once signed on, and while
 * a FILE's data comes, only its data (objreq.c); BYE before or after
 * sign-on, never in the middle of either.
 */
static int
dispatch(struct served *v, struct wire_frame *f)
{
	int idle = v->state == SV_HELLO || v->state == SV_SIGNED ||
	    v->state == SV_EXPIRED;

	if (v->state == SV_START && f->type == WIRE_HELLO)
		return on_hello(v, &f->in);
	if (v->state == SV_HELLO && f->type == WIRE_SCRAM_FIRST)
		return signon_first(v, &f->in);
	if (v->state == SV_CHALLENGED && f->type == WIRE_SCRAM_FINAL)
		return signon_final(v, &f->in) == -1 ? -1 :
		    standby_announce(v);
	if ((v->state == SV_SIGNED || v->state == SV_EXPIRED) &&
	    f->type == WIRE_SET_PASSWORD)
		return signon_set_password(v, &f->in);
	if (v->state == SV_SIGNED && f->type == WIRE_QUERY_SESSION)
		return on_query_session(v, &f->in);
	if (v->state == SV_SIGNED && f->type == WIRE_ADMIN)
		return admin_command(v, &f->in);
	if (objreq_frame(f->type))
		return objreq_dispatch(v, f);
	if (idle && f->type == WIRE_BYE)
		return on_bye(v, &f->in);
	return serve_not_allowed(v, f);
}

/* The frames of objects that may join the group held (group.c). */
static int
held_frame(uint16_t type)
{
	return type == WIRE_BACKUP || type == WIRE_DATA ||
	    type == WIRE_DATA_END || type == WIRE_ABANDON;
}

/* The frames of one session, to its end: the process's exit status. */
static int
serve_frames(struct served *v)
{
	static struct wire_frame f;
	struct session *s = v->s;
	int r;

	while (v->state != SV_DONE) {
		/* the client waits, or will: the objects held are stored */
		if (group_pending() && !session_input_ready(s)) {
			if (group_flush(v) == -1)
				return 4;
			s->err_id[0] = '\0';	/* a refusal's, as below */
		}
		if ((r = session_wire_recv(s, &f)) != 1) {
			/* before HELLO: a TLS check (bulwark check without a
			 * node), not a session cut short */
			if (r == 0 && v->state == SV_START)
				sess_info(s, "BWK1072I", "%s closed the session "
				    "after the TLS handshake (a check of the TLS "
				    "session only)", s->o->host);
			else if (r == 0)
				sess_msg(s, "BWK1069W", "%s closed the session "
				    "without BYE", s->o->host);
			/* a header no client may send (BWK1061E, the first
			 * error of the session: any other ends it): the client
			 * is still there and is told why, as for any frame */
			if (r == -1 && strcmp(s->err_id, "BWK1061E") == 0)
				send_error(v, "BWK1061E", "a frame with a length "
				    "past 65536 bytes or flags set; the session is "
				    "ended");
			return r == 0 ? 0 : 4;
		}
		/* any request but the next object's: they are answered first */
		if (group_pending() && !held_frame(f.type)) {
			if (group_flush(v) == -1)
				return 4;
			s->err_id[0] = '\0';
		}
		if (dispatch(v, &f) == -1)
			return 4;
		/* an error the session went on after (an object refused)
		 * is not the one that ends it */
		s->err_id[0] = '\0';
	}
	sess_info(s, "BWK1070I", "%s: the session ended", s->o->host);
	return 0;
}

int
serve_session(struct session *s, const struct serve_env *env)
{
	static struct served v;
	int rc;

	memset(&v, 0, sizeof(v));
	group_reset();
	v.s = s;
	v.env = env;
	if (env->busy) {
		char text[160];

		snprintf(text, sizeof(text), "the server has its maximum of %d "
		    "sessions (MAXSESSIONS); try again later", env->o->maxsessions);
		(void)serve_refuse(&v, "BWK1068E", text);
		return 5;
	}
	rc = serve_frames(&v);
	/* however it ended: a FILE half sent goes, and the node's summary */
	objreq_close(&v);
	return rc;
}
