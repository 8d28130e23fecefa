/*
 * A node's object requests, the server's side (docs/protocol.md,
 * "Objects"): which frame may come when, the answers every request
 * shares, object names made safe for messages, and the line that sums up
 * a session's work at its end.
 *
 * Only a signed-on node backs up, queries and restores: an administrator
 * that sends one of these frames is refused and its session ends. The
 * frames of a FILE's data come only between its BACKUP and its DATA_END
 * or ABANDON, and nothing else comes then: a client that interleaves
 * requests would not know which answer is whose. A refused object ends
 * that object only (OBJECT_REFUSED); a frame out of place or malformed
 * ends the session (ERROR), as everywhere in the protocol.
 *
 * Each stored object is not logged on its own: a backup of a million
 * files would drown the log. Refusals are, one line each, and the
 * session's end sums up what it did (BWK1520I).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/msg.h"
#include "serve.h"

/* Which handler takes a frame: in SV_SIGNED, or while a FILE is sent. */
struct object_frame {
	uint16_t	  type;
	int		  data;		/* 1: a FILE's data is due (SV_HOLDING,
					   SV_RECEIVING, SV_DISCARDING) */
	int		(*fn)(struct served *, struct wire_in *);
};

static const struct object_frame frames[] = {
	{ WIRE_BACKUP,		0, backup_begin },
	{ WIRE_DEACTIVATE,	0, backup_deactivate },
	{ WIRE_QUERY_BACKUP,	0, query_backup },
	{ WIRE_QUERY_FILESPACE,	0, query_filespace },
	{ WIRE_RESTORE,		0, restore_version },
	{ WIRE_DATA,		1, backup_data },
	{ WIRE_DATA_END,	1, backup_end },
	{ WIRE_ABANDON,		1, backup_abandon },
};
#define NFRAMES	(sizeof(frames) / sizeof(frames[0]))

int
objreq_frame(uint16_t type)
{
	size_t i;

	for (i = 0; i < NFRAMES; i++)
		if (frames[i].type == type)
			return 1;
	return 0;
}

/* An administrator's: it signed on to administer, not to own objects. */
static int
not_a_node(struct served *v)
{
	char why[160];

	snprintf(why, sizeof(why), "administrator %s is signed on, and only a "
	    "node backs up, queries or restores objects", v->account);
	return serve_refuse(v, "BWK1500E", why);
}

int
objreq_dispatch(struct served *v, struct wire_frame *f)
{
	int data = v->state == SV_HOLDING || v->state == SV_RECEIVING ||
	    v->state == SV_DISCARDING;
	size_t i;

	if (v->state == SV_SIGNED && v->role != WIRE_ROLE_NODE)
		return not_a_node(v);
	if (v->state != SV_SIGNED && !data)
		return serve_not_allowed(v, f);
	for (i = 0; i < NFRAMES; i++)
		if (frames[i].type == f->type && frames[i].data == data) {
			v->counts.frames++;
			return frames[i].fn(v, &f->in);
		}
	return serve_not_allowed(v, f);
}

int
objreq_ok(struct served *v, int64_t version)
{
	static struct wire_out w;

	wire_begin(&w, WIRE_OBJECT_OK);
	wire_put_n64(&w, (uint64_t)version);
	return session_wire_send(v->s, &w);
}

int
objreq_refused(struct served *v, const char *id, const char *text)
{
	static struct wire_out w;

	v->counts.refused++;
	wire_begin(&w, WIRE_OBJECT_REFUSED);
	wire_put(&w, id, 8);
	wire_put_text(&w, text, WIRE_TEXT_MAX);
	return session_wire_send(v->s, &w);
}

int
objreq_refuse(struct served *v, const char *id, const char *fmt, ...)
{
	char text[WIRE_TEXT_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sess_msg(v->s, id, "%s: node %s: %s", v->s->o->host, v->account,
	    text);
	return objreq_refused(v, id, text);
}

int
objreq_malformed(struct served *v, const char *what)
{
	char why[160];

	snprintf(why, sizeof(why), "a malformed %s (not what docs/protocol.md "
	    "defines for it)", what);
	return serve_refuse(v, "BWK1501E", why);
}

void
objreq_hex(const uint8_t b[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0xf];
	}
	out[64] = '\0';
}

/* Appends one name part, escaped; 0, or -1 once the bound is reached. */
static int
quote_part(const char *s, char *out, size_t *n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*n + 5 > max)
			return -1;
		if (*p < 0x20 || *p > 0x7e || *p == '\\' || *p == '"') {
			out[(*n)++] = '\\';
			out[(*n)++] = 'x';
			out[(*n)++] = hex[*p >> 4];
			out[(*n)++] = hex[*p & 0xf];
		} else
			out[(*n)++] = (char)*p;
	}
	return 0;
}

/*
 * "/home/docs/a.txt": the filespace and the name within it, as the user
 * knows the file (the root of the filespace "/" adds nothing, and the
 * filespace "/" nothing before the name).
 */
void
objreq_quote(const char *fs, const char *name, char out[OBJ_QUOTED_MAX])
{
	const size_t max = OBJ_QUOTED_MAX - 5;	/* "...", quote, NUL */
	size_t n = 0;
	int r = 0;

	out[n++] = '"';
	if (strcmp(fs, "/") != 0)
		r = quote_part(fs, out, &n, max);
	if (r == 0 && (strcmp(name, "/") != 0 || strcmp(fs, "/") == 0))
		r = quote_part(name, out, &n, max);
	if (r == -1) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n++] = '"';
	out[n] = '\0';
}

void
objreq_close(struct served *v)
{
	const struct obj_counts *c = &v->counts;

	backup_drop(v);
	if (c->frames == 0)
		return;
	sess_info(v->s, "BWK1520I", "%s: node %s: objects stored: %llu (%llu "
	    "bytes); refused: %llu; abandoned: %llu; deactivated: %llu; "
	    "queries: %llu; versions restored: %llu (%llu bytes)", v->s->o->host,
	    v->account, (unsigned long long)c->stored,
	    (unsigned long long)c->stored_bytes,
	    (unsigned long long)c->refused, (unsigned long long)c->abandoned,
	    (unsigned long long)c->deactivated,
	    (unsigned long long)c->queries, (unsigned long long)c->restored,
	    (unsigned long long)c->restored_bytes);
}
