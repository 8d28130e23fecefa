/*
 * Queries, the server's side (docs/protocol.md, "Objects"): QUERY_BACKUP
 * answered with OBJECTS frames, QUERY_FILESPACE with FILESPACES, each
 * frame filled up to its bound before the next begins, `more` set on
 * every one but the last. The entries are src/tls/objects.c's, the codec
 * the client reads them with.
 *
 * Each frame is sent from inside the catalog's callback as soon as it is
 * full, so this process holds one frame whatever the number of versions.
 * The query is one SELECT, one snapshot of the catalog, however long the
 * client takes to read the answer: no writer waits for it (WAL), and the
 * only cost of a slow reader is that SQLite cannot checkpoint its log
 * past that snapshot until the answer is sent.
 */
#include <stdio.h>
#include <string.h>

#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../tls/objects.h"
#include "serve.h"

/* One answer being sent: the frame being filled, its count. */
struct answer {
	struct served	*v;
	uint16_t	 type;		/* WIRE_OBJECTS or WIRE_FILESPACES */
	size_t		 entry_max;	/* the most one entry takes */
	struct wire_out	*w;
	uint16_t	 n;
	int		 failed;	/* a frame could not be sent */
};

static void
answer_begin(struct answer *a)
{
	wire_begin(a->w, a->type);
	wire_put_n8(a->w, 0);		/* more, and the count: set when sent */
	wire_put_n16(a->w, 0);
	a->n = 0;
}

static int
answer_send(struct answer *a, int more)
{
	uint8_t *h = a->w->buf + WIRE_HDR_LEN;

	h[0] = (uint8_t)more;
	h[1] = (uint8_t)(a->n >> 8);
	h[2] = (uint8_t)a->n;
	if (session_wire_send(a->v->s, a->w) == -1) {
		a->failed = 1;
		return -1;
	}
	return 0;
}

/* Room for one more entry, or the frame goes and another begins. */
static int
answer_room(struct answer *a)
{
	size_t used = a->w->len - WIRE_HDR_LEN;

	if (WIRE_MAX_PAYLOAD - used >= a->entry_max && a->n < UINT16_MAX)
		return 0;
	if (answer_send(a, 1) == -1)
		return -1;
	answer_begin(a);
	return 0;
}

/* A version as OBJECTS carries it; -1 for one no frame can hold. */
static int
to_wire(const struct cat_version *cv, struct wire_object *o)
{
	size_t dn = strlen(cv->dir), nn = strlen(cv->name);

	memset(o, 0, sizeof(*o));
	if (cv->version <= 0 || dn + nn > WIRE_PATH_MAX || dn == 0 ||
	    (cv->state != CAT_ACTIVE && cv->state != CAT_INACTIVE) ||
	    (cv->type == CAT_LINK && (cv->link == NULL || cv->link[0] == '\0')) ||
	    (cv->link != NULL && strlen(cv->link) > WIRE_PATH_MAX))
		return -1;
	o->version = (uint64_t)cv->version;
	o->state = cv->state == CAT_ACTIVE ? WIRE_STATE_ACTIVE :
	    WIRE_STATE_INACTIVE;
	o->type = cv->type == CAT_FILE ? WIRE_OBJ_FILE : cv->type == CAT_DIR ?
	    WIRE_OBJ_DIR : WIRE_OBJ_LINK;
	o->size = cv->type == CAT_FILE ? cv->size : 0;
	o->mode = cv->mode & 07777;
	o->uid = cv->uid;
	o->gid = cv->gid;
	o->mtime_ns = cv->mtime_ns;
	o->ctime_ns = cv->ctime_ns;
	o->committed = cv->committed;
	o->deactivated = cv->deactivated;
	if (cv->type == CAT_FILE)
		memcpy(o->sha256, cv->sha256, 32);
	memcpy(o->path, cv->dir, dn);
	memcpy(o->path + dn, cv->name, nn + 1);
	/* a LINK's target, a FILE's hard link */
	if (cv->link != NULL)
		snprintf(o->link, sizeof(o->link), "%s", cv->link);
	return 0;
}

static int
on_version(void *arg, const struct cat_version *cv)
{
	static struct wire_object o;
	struct answer *a = arg;

	/* only damage makes such a row: the catalog never stores one */
	if (to_wire(cv, &o) == -1) {
		sess_msg(a->v->s, "BWK1514W", "%s: node %s: version %lld cannot "
		    "be sent (its name or link is longer than a frame holds, or "
		    "its state is not one a query shows); it is left out of the "
		    "answer: run the catalog check", a->v->s->o->host,
		    a->v->account, (long long)cv->version);
		return 0;
	}
	if (answer_room(a) == -1)
		return 1;
	wire_put_object(a->w, &o);
	a->n++;
	return 0;
}

static int
on_filespace(void *arg, const char *name, int64_t created)
{
	struct answer *a = arg;
	size_t n = strlen(name);

	if (n == 0 || n > WIRE_PATH_MAX) {
		sess_msg(a->v->s, "BWK1514W", "%s: node %s: a filespace of %zu "
		    "bytes cannot be sent; it is left out of the answer: run the "
		    "catalog check", a->v->s->o->host, a->v->account, n);
		return 0;
	}
	if (answer_room(a) == -1)
		return 1;
	wire_put_filespace(a->w, name, created);
	a->n++;
	return 0;
}

/*
 * The answer's last frame, or the catalog's failure in its place: an
 * OBJECT_REFUSED may end an answer whose earlier frames were sent.
 */
static int
answer_end(struct answer *a, int r, const char *what)
{
	if (a->failed)
		return -1;
	/* a node an administrator removed meanwhile owns nothing */
	if (r == CAT_OK || r == CAT_NOTFOUND)
		return answer_send(a, 0);
	if (r == CAT_INVALID)
		return objreq_refuse(a->v, "BWK1507E", "%s: not a pattern the "
		    "server takes (a filespace and a pattern start with '/', "
		    "have no empty, '.' or '..' part, and * and ? only in the "
		    "pattern's last part)", what);
	return objreq_refuse(a->v, "BWK1503E", "%s: the server's catalog "
	    "failed (its log says why); try again later", what);
}

int
query_backup(struct served *v, struct wire_in *in)
{
	static char fs[WIRE_PATH_MAX + 1], pattern[WIRE_PATH_MAX + 1];
	static struct wire_out w;
	struct answer a = { v, WIRE_OBJECTS, WIRE_OBJECT_MAX, &w, 0, 0 };
	char q[OBJ_QUOTED_MAX];
	uint8_t flags;
	int cf, r;

	if (wire_get_path(in, fs) == -1 || wire_get_path(in, pattern) == -1 ||
	    wire_get_n8(in, &flags) == -1 || wire_end(in) == -1 ||
	    (flags & ~WIRE_Q_FLAGS) != 0)
		return objreq_malformed(v, "QUERY_BACKUP");
	cf = (flags & WIRE_Q_INACTIVE ? CAT_Q_INACTIVE : 0) |
	    (flags & WIRE_Q_SUBDIR ? CAT_Q_SUBDIR : 0);
	v->counts.queries++;
	answer_begin(&a);
	r = catalog_object_query(v->env->cat, v->account, fs, pattern, cf,
	    on_version, &a);
	objreq_quote(fs, pattern, q);
	return answer_end(&a, r, q);
}

int
query_filespace(struct served *v, struct wire_in *in)
{
	static struct wire_out w;
	struct answer a = { v, WIRE_FILESPACES, WIRE_FILESPACE_MAX, &w, 0, 0 };
	int r;

	if (wire_end(in) == -1)
		return objreq_malformed(v, "QUERY_FILESPACE");
	v->counts.queries++;
	answer_begin(&a);
	r = catalog_filespace_list(v->env->cat, v->account, on_filespace, &a);
	return answer_end(&a, r, "the filespaces");
}
