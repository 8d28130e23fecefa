/*
 * Objects stored in groups (docs/protocol.md, "Objects"; serve.h). A
 * client may send its next object before the answer to the last one; the
 * server then holds each small object whole (a FILE of at most
 * GROUP_HELD bytes, a DIR, a LINK) and stores the objects it holds
 * together, when the client has sent all it had (its next bytes are not
 * there yet), when the group is full, or before any other request:
 *
 *	1. one transaction: a pending version for every FILE;
 *	2. every FILE's content file written, synced, and checked against
 *	   the size and SHA-256 the client said;
 *	3. one transaction, in the order they came: each FILE committed (or
 *	   its pending version abandoned), each DIR and LINK stored;
 *	4. every object answered, in order, OBJECT_OK or OBJECT_REFUSED.
 *
 * What an answer promises is what it promised one object at a time: the
 * object is durable (its file synced, its version committed) before its
 * OBJECT_OK is sent, and a crash at any point leaves the catalog as it
 * was or with pending versions that catalog_reap() removes. Grouping
 * only shares the transactions and their syncs among many objects: a
 * small file cost two transactions of its own before.
 *
 * The held bytes are the client's, not yet checked: nothing of them is
 * trusted, each is bounded (GROUP_HELD, GROUP_BYTES, GROUP_MAX), and a
 * session that ends with objects held stores none of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/msg.h"
#include "serve.h"

struct held {
	struct cat_meta	 m;		/* m.link points into the arena */
	const char	*fs, *name;	/* in the arena */
	const uint8_t	*data;		/* FILE: in the arena */
	size_t		 len;
	uint64_t	 said_size;	/* the client's DATA_END */
	uint8_t		 said_sha[32];
	int64_t		 version;	/* step 1's, 0 before or if refused */
	char		 content[CAT_CONTENT_MAX];
	int		 written;	/* step 2 made and synced its file */
	uint64_t	 size;
	const char	*id;		/* the refusal, or NULL */
};

static struct held	 held[GROUP_MAX];
static char		 texts[GROUP_MAX][WIRE_TEXT_MAX + 1];
static uint8_t		 arena[GROUP_BYTES];
static size_t		 nheld, used;

void
group_reset(void)
{
	nheld = used = 0;
}

int
group_pending(void)
{
	return nheld > 0;
}

int
group_full(void)
{
	return nheld == GROUP_MAX || GROUP_BYTES - used < 3 * (WIRE_PATH_MAX +
	    1) + GROUP_HELD;
}

/* Another object with o's names, and content of up to GROUP_HELD. */
int
group_room(const struct obj_pending *o)
{
	size_t need = strlen(o->fs) + strlen(o->name) + strlen(o->link) + 3 +
	    GROUP_HELD;

	return nheld < GROUP_MAX && need <= GROUP_BYTES - used;
}

static void *
keep(const void *p, size_t n)
{
	void *at = arena + used;

	/* group_room() made the room, before the object began */
	memcpy(at, p, n);
	used += n;
	return at;
}

void
group_add(struct served *v, const uint8_t *data, uint64_t size,
    const uint8_t sha256[32])
{
	const struct obj_pending *o = &v->obj;
	struct held *h = &held[nheld++];

	memset(h, 0, sizeof(*h));
	h->m = o->m;
	h->fs = keep(o->fs, strlen(o->fs) + 1);
	h->name = keep(o->name, strlen(o->name) + 1);
	if (o->m.link != NULL)
		h->m.link = keep(o->link, strlen(o->link) + 1);
	if (data != NULL) {
		h->len = o->held_len;
		h->data = h->len > 0 ? keep(data, h->len) : arena;
		h->said_size = size;
		memcpy(h->said_sha, sha256, 32);
	}
}

/* A refusal of h, logged as every refusal is; its answer comes in turn. */
static void __attribute__((format(printf, 4, 5)))
refuse(struct served *v, struct held *h, const char *id, const char *fmt,
    ...)
{
	char *text = texts[h - held];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, WIRE_TEXT_MAX + 1, fmt, ap);
	va_end(ap);
	h->id = id;
	sess_msg(v->s, id, "%s: node %s: %s", v->s->o->host, v->account,
	    text);
}

static const char *
quote(const struct held *h)
{
	static char q[OBJ_QUOTED_MAX];

	objreq_quote(h->fs, h->name, q);
	return q;
}

static void
refuse_catalog(struct served *v, struct held *h, int r)
{
	char text[WIRE_TEXT_MAX + 1];
	const char *id = backup_why_catalog(r, quote(h), v->account, text,
	    sizeof(text));

	refuse(v, h, id, "%s", text);
}

/* Step 1: the FILEs' pending versions, in one transaction. */
static void
begin_files(struct served *v)
{
	struct cat_pending p;
	size_t i;
	int r;

	if ((r = catalog_group_begin(v->env->cat)) == CAT_OK) {
		for (i = 0; i < nheld; i++) {
			struct held *h = &held[i];

			if (h->m.type != CAT_FILE)
				continue;
			r = catalog_object_begin(v->env->cat, v->account, h->fs,
			    h->name, &h->m, &p);
			if (r != CAT_OK) {
				refuse_catalog(v, h, r);
				continue;
			}
			h->version = p.version;
			memcpy(h->content, p.content, sizeof(h->content));
		}
		r = catalog_group_end(v->env->cat);
	}
	if (r == CAT_OK)
		return;
	/* nothing of the transaction stays: no version to write for */
	for (i = 0; i < nheld; i++)
		if (held[i].m.type == CAT_FILE && held[i].id == NULL) {
			held[i].version = 0;
			refuse_catalog(v, &held[i], CAT_ERROR);
		}
}

/* Step 2: one FILE's content file, written, synced and checked. */
static void
write_file(struct served *v, struct held *h)
{
	char text[WIRE_TEXT_MAX + 1];
	struct content_w w;
	uint8_t sha[32];
	int e;

	if (content_create(v->env->datafd, h->content, &w) == -1 ||
	    content_write(&w, h->data, h->len) == -1 ||
	    content_finish(&w, &h->size, sha) == -1) {
		e = errno;
		if (w.fd != -1)
			content_abort(&w);
		h->id = backup_why_write(v, quote(h), h->content, e,
		    texts[h - held], WIRE_TEXT_MAX + 1);
		return;
	}
	h->written = 1;
	if (h->size != h->said_size || memcmp(sha, h->said_sha, 32) != 0)
		refuse(v, h, backup_why_mismatch(quote(h), h->size, sha,
		    h->said_size, h->said_sha, text, sizeof(text)), "%s", text);
}

/* A FILE's version that will not be committed: its file, then the row. */
static void
drop_file(struct served *v, struct held *h)
{
	if (h->written)
		backup_remove(v, quote(h), h->content);
	h->written = 0;
	(void)catalog_object_abort(v->env->cat, v->account, h->version);
	h->version = 0;
}

/* Step 3, inside the group's transaction: h stored, or its version let go. */
static void
commit_one(struct served *v, struct held *h)
{
	struct cat_pending p;
	int r;

	if (h->m.type == CAT_FILE) {
		if (h->version == 0)
			return;		/* refused in step 1 */
		if (h->id != NULL) {
			drop_file(v, h);
			return;
		}
		r = catalog_object_commit(v->env->cat, v->account, h->version,
		    h->size, h->said_sha);
		if (r != CAT_OK) {
			drop_file(v, h);
			refuse_catalog(v, h, r);
		}
		return;
	}
	r = catalog_object_begin(v->env->cat, v->account, h->fs, h->name, &h->m,
	    &p);
	if (r == CAT_OK && (r = catalog_object_commit(v->env->cat, v->account,
	    p.version, 0, NULL)) != CAT_OK)
		(void)catalog_object_abort(v->env->cat, v->account, p.version);
	if (r != CAT_OK)
		refuse_catalog(v, h, r);
	else
		h->version = p.version;
}

/*
 * Step 3's transaction failed as a whole: no object of it is stored. The
 * FILEs' pending versions (step 1's, committed) are let go one by one.
 */
static void
commit_failed(struct served *v)
{
	size_t i;

	for (i = 0; i < nheld; i++) {
		struct held *h = &held[i];

		/* a FILE refused in step 2 has its file and version to drop
		 * too (step 3's abort of it did not stay) */
		if (h->m.type == CAT_FILE && h->version != 0)
			drop_file(v, h);
		h->version = 0;
		if (h->id == NULL)
			refuse_catalog(v, h, CAT_ERROR);
	}
}

static void
commit_all(struct served *v)
{
	size_t i;

	if (catalog_group_begin(v->env->cat) == CAT_OK) {
		for (i = 0; i < nheld; i++)
			commit_one(v, &held[i]);
		if (catalog_group_end(v->env->cat) == CAT_OK)
			return;
	}
	commit_failed(v);
}

/*
 * Step 4: the answers, in the order the objects came, as many frames to
 * a TLS record as fit (one write, not one each).
 */
static uint8_t	 batch[16384];
static size_t	 nbatch;

static int
batch_out(struct served *v)
{
	ssize_t n = nbatch > 0 ? session_write(v->s, batch, nbatch) : 0;

	if (n != (ssize_t)nbatch)
		return -1;
	nbatch = 0;
	return 0;
}

static int
batch_add(struct served *v, struct wire_out *w)
{
	if (wire_finish(w) == -1)	/* after what is batched: it says why */
		return batch_out(v) == -1 ? -1 : session_wire_send(v->s, w);
	if (nbatch + w->len > sizeof(batch) && batch_out(v) == -1)
		return -1;
	memcpy(batch + nbatch, w->buf, w->len);
	nbatch += w->len;
	return 0;
}

static int
answer_all(struct served *v)
{
	static struct wire_out w;
	size_t i;
	int r = 0;

	nbatch = 0;
	/* counted first: what is stored is, even if an answer cannot go */
	for (i = 0; i < nheld; i++) {
		if (held[i].id != NULL)
			v->counts.refused++;
		else {
			v->counts.stored++;
			v->counts.stored_bytes += held[i].size;
		}
	}
	for (i = 0; i < nheld && r == 0; i++) {
		struct held *h = &held[i];

		if (h->id != NULL) {
			wire_begin(&w, WIRE_OBJECT_REFUSED);
			wire_put(&w, h->id, 8);
			wire_put_text(&w, texts[i], WIRE_TEXT_MAX);
		} else {
			wire_begin(&w, WIRE_OBJECT_OK);
			wire_put_n64(&w, (uint64_t)h->version);
		}
		r = batch_add(v, &w);
	}
	return r == 0 ? batch_out(v) : -1;
}

int
group_flush(struct served *v)
{
	size_t i;
	int r;

	if (nheld == 0)
		return 0;
	begin_files(v);
	for (i = 0; i < nheld; i++)
		if (held[i].m.type == CAT_FILE && held[i].version != 0)
			write_file(v, &held[i]);
	commit_all(v);
	r = answer_all(v);
	group_reset();
	return r;
}

void
group_drop(struct served *v)
{
	if (nheld == 0)
		return;
	sess_msg(v->s, "BWK1943W", "%s: node %s: the session ended with %zu "
	    "objects received whole but not yet stored (the client had not "
	    "waited for their answers); none of them is stored, and their "
	    "previous versions, if any, stay active", v->s->o->host,
	    v->account, nheld);
	group_reset();
}
