/*
 * Backup, the server's side (docs/protocol.md, "Objects"): a signed-on
 * node's BACKUP of a FILE, DIR or LINK, a FILE's DATA up to its DATA_END
 * or ABANDON, and DEACTIVATE.
 *
 * A FILE's version is PENDING in the catalog while its content file is
 * written (content.c hashes every byte on its way to the disk), and
 * becomes visible only in the commit that follows the sync, once the
 * size and SHA-256 the client reported are the ones the server wrote: a
 * session cut short, a full disk, a client whose bytes are not what it
 * said, each leave the catalog as it was, the previous version active.
 *
 * A small FILE (up to GROUP_HELD bytes), a DIR and a LINK are held
 * whole and stored with the objects around them in one group (group.c):
 * the same pending version, sync and commit, one transaction of each for
 * the group, and each answered in order once its group is committed. A
 * FILE that grows past the bound is written as it comes, as below.
 *
 * A FILE the server refuses (its name, a full disk, a failed write) has
 * its DATA read to the end all the same and dropped (SV_DISCARDING), and
 * the refusal answers its DATA_END: the client sends a whole file and
 * then reads one answer, and never has to tell a refusal from data in
 * flight.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../tls/objects.h"
#include "serve.h"

/* The object being refused, for the messages: "/home/a.txt". */
static const char *
quoted(const struct served *v)
{
	static char q[OBJ_QUOTED_MAX];

	objreq_quote(v->obj.fs, v->obj.name, q);
	return q;
}

/*
 * A refusal logged now. A DIR or LINK is answered at once; a FILE's
 * refusal waits for its DATA_END, its data dropped until then.
 */
static int __attribute__((format(printf, 4, 5)))
refuse(struct served *v, int file, const char *id, const char *fmt, ...)
{
	struct obj_pending *o = &v->obj;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->text, sizeof(o->text), fmt, ap);
	va_end(ap);
	if (!file)
		return objreq_refuse(v, id, "%s", o->text);
	sess_msg(v->s, id, "%s: node %s: %s", v->s->o->host, v->account,
	    o->text);
	snprintf(o->id, sizeof(o->id), "%s", id);
	v->state = SV_DISCARDING;
	return 0;
}

/* What the catalog's refusal of a begin, commit or deactivate means. */
const char *
backup_why_catalog(int r, const char *q, const char *node, char *text,
    size_t n)
{
	if (r == CAT_INVALID) {
		snprintf(text, n, "%s: not a name the server stores (a "
		    "filespace and a name start with '/' and have no empty, '.' "
		    "or '..' part and no trailing '/'); the object is skipped", q);
		return "BWK1502E";
	}
	if (r == CAT_NOTFOUND) {
		snprintf(text, n, "%s: node %s is not in the catalog any more "
		    "(an administrator removed it); the object is not stored", q,
		    node);
		return "BWK1509E";
	}
	if (r == CAT_STATE) {
		snprintf(text, n, "%s: its version is no longer pending (the "
		    "server's catalog reaped it meanwhile); back it up again", q);
		return "BWK1506E";
	}
	snprintf(text, n, "%s: the server's catalog failed (its log says "
	    "why); try again later", q);
	return "BWK1503E";
}

static int
refuse_catalog(struct served *v, int file, int r)
{
	char text[WIRE_TEXT_MAX + 1];
	const char *id = backup_why_catalog(r, quoted(v), v->account, text,
	    sizeof(text));

	return refuse(v, file, id, "%s", text);
}

void
backup_remove(struct served *v, const char *q, const char *content)
{
	if (content_remove(v->env->datafd, content) == -1)
		sess_msg(v->s, "BWK1504E", "%s: node %s: %s: the content file "
		    "data/%s cannot be removed: %s; its version is marked for "
		    "the catalog's reaper, which removes it", v->s->o->host,
		    v->account, q, content, strerror(errno));
}

/*
 * The pending version and its content file go: the file at once, the
 * version marked DELETING for catalog_reap(). A catalog that fails here
 * has said so (BWK12xx); the version then stays pending and invisible,
 * for catalog_reap() of old pending versions.
 */
static void
drop(struct served *v, int remove_file)
{
	struct obj_pending *o = &v->obj;

	if (o->open)
		content_abort(&o->w);
	else if (remove_file)
		backup_remove(v, quoted(v), o->w.name);
	o->open = 0;
	if (o->version != 0)
		(void)catalog_object_abort(v->env->cat, v->account, o->version);
	o->version = 0;
}

/* Why a content file could not be written, in the user's words. */
static const char *
write_why(int e)
{
	static char why[160];

	if (e == ENOSPC)
		snprintf(why, sizeof(why), "the server's data directory is full "
		    "(%s)", strerror(e));
	else if (e == EDQUOT)
		snprintf(why, sizeof(why), "the server's disk quota is reached "
		    "(%s)", strerror(e));
	else
		snprintf(why, sizeof(why), "%s", strerror(e));
	return why;
}

/*
 * The content file could not be made, written or synced: the log names
 * it and the reason, the client hears the reason, and nothing of the
 * version stays.
 */
const char *
backup_why_write(struct served *v, const char *q, const char *content,
    int e, char *text, size_t n)
{
	sess_msg(v->s, "BWK1504E", "%s: node %s: %s: the content file data/%s "
	    "cannot be written: %s; the object is not stored and its previous "
	    "version stays active", v->s->o->host, v->account, q, content,
	    write_why(e));
	snprintf(text, n, "%s: the server could not write its content: %s; "
	    "the object is not stored and its previous version stays active",
	    q, write_why(e));
	return "BWK1504E";
}

const char *
backup_why_mismatch(const char *q, uint64_t size, const uint8_t sha[32],
    uint64_t said_size, const uint8_t said_sha[32], char *text, size_t n)
{
	char got[65], said[65];

	objreq_hex(sha, got);
	objreq_hex(said_sha, said);
	snprintf(text, n, "%s: what the server received (%llu bytes, SHA-256 "
	    "%s) is not what the client said it sent (%llu bytes, SHA-256 %s); "
	    "the object is not stored", q, (unsigned long long)size, got,
	    (unsigned long long)said_size, said);
	return "BWK1505E";
}

static int
write_failed(struct served *v, int e)
{
	struct obj_pending *o = &v->obj;
	const char *id = backup_why_write(v, quoted(v), o->w.name, e, o->text,
	    sizeof(o->text));

	drop(v, 0);
	snprintf(o->id, sizeof(o->id), "%s", id);
	v->state = SV_DISCARDING;
	return 0;
}

/* BACKUP's fields, exactly as the protocol defines them. */
static int
parse_backup(struct wire_in *in, struct obj_pending *o, struct cat_meta *m,
    char link[WIRE_PATH_MAX + 1])
{
	uint64_t mt, ct;
	uint8_t type;

	memset(m, 0, sizeof(*m));
	if (wire_get_path(in, o->fs) == -1 ||
	    wire_get_path(in, o->name) == -1 ||
	    wire_get_n8(in, &type) == -1 || wire_get_n32(in, &m->mode) == -1 ||
	    wire_get_n32(in, &m->uid) == -1 || wire_get_n32(in, &m->gid) == -1 ||
	    wire_get_n64(in, &mt) == -1 || wire_get_n64(in, &ct) == -1 ||
	    wire_get_text(in, link, WIRE_PATH_MAX) == -1 || wire_end(in) == -1)
		return -1;
	if (type > WIRE_OBJ_LINK || m->mode > 07777 ||
	    !wire_link_ok(type, link))
		return -1;
	m->type = type == WIRE_OBJ_FILE ? CAT_FILE : type == WIRE_OBJ_DIR ?
	    CAT_DIR : CAT_LINK;
	m->mtime_ns = (int64_t)mt;
	m->ctime_ns = (int64_t)ct;
	/* a LINK's target, or a FILE's hard link: an earlier name */
	m->link = link[0] != '\0' ? link : NULL;
	return 0;
}

/*
 * The FILE held so far is written as it comes from now on: the group
 * before it is stored and answered first (the answers stay in order),
 * then its pending version and content file are made, and what was held
 * is their first bytes.
 */
static int
spill(struct served *v)
{
	struct obj_pending *o = &v->obj;
	struct cat_pending p;
	int r;

	if (group_flush(v) == -1)
		return -1;
	r = catalog_object_begin(v->env->cat, v->account, o->fs, o->name,
	    &o->m, &p);
	if (r != CAT_OK)
		return refuse_catalog(v, 1, r);
	o->version = p.version;
	if (content_create(v->env->datafd, p.content, &o->w) == -1) {
		/* for the messages: the file the catalog named */
		snprintf(o->w.name, sizeof(o->w.name), "%s", p.content);
		return write_failed(v, errno);
	}
	o->open = 1;
	v->state = SV_RECEIVING;
	if (content_write(&o->w, o->held, o->held_len) == -1)
		return write_failed(v, errno);
	return 0;
}

int
backup_begin(struct served *v, struct wire_in *in)
{
	struct obj_pending *o = &v->obj;

	o->open = 0;
	o->version = 0;
	o->held_len = 0;
	if (parse_backup(in, o, &o->m, o->link) == -1)
		return objreq_malformed(v, "BACKUP");
	/* room in the group for this one, whatever it turns out to be */
	if (!group_room(o) && group_flush(v) == -1)
		return -1;
	if (o->m.type == CAT_FILE) {
		v->state = SV_HOLDING;
		return 0;
	}
	group_add(v, NULL, 0, NULL);	/* a DIR or LINK: answered with it */
	return group_full() ? group_flush(v) : 0;
}

int
backup_data(struct served *v, struct wire_in *in)
{
	struct obj_pending *o = &v->obj;
	const uint8_t *p;
	size_t n = in->left;

	if (n == 0 || n > WIRE_DATA_MAX || wire_ref(in, n, &p) == -1)
		return objreq_malformed(v, "DATA");
	if (v->state == SV_HOLDING) {
		if (o->held_len + n <= GROUP_HELD) {
			memcpy(o->held + o->held_len, p, n);
			o->held_len += n;
			return 0;
		}
		if (spill(v) == -1)
			return -1;
	}
	if (v->state == SV_DISCARDING)
		return 0;
	if (content_write(&v->obj.w, p, n) == -1)
		return write_failed(v, errno);
	return 0;
}

/* The bytes written are the client's, as it counted and hashed them. */
static int
verify_and_commit(struct served *v, uint64_t csize, const uint8_t csha[32])
{
	struct obj_pending *o = &v->obj;
	char text[WIRE_TEXT_MAX + 1];
	uint8_t sha[32];
	uint64_t size;
	int r;

	if (content_finish(&o->w, &size, sha) == -1) {
		o->open = 0;	/* content_finish removed the file */
		return write_failed(v, errno);
	}
	o->open = 0;
	if (size != csize || memcmp(sha, csha, 32) != 0) {
		drop(v, 1);
		return refuse(v, 1, backup_why_mismatch(quoted(v), size, sha,
		    csize, csha, text, sizeof(text)), "%s", text);
	}
	r = catalog_object_commit(v->env->cat, v->account, o->version, size,
	    sha);
	if (r != CAT_OK) {
		drop(v, 1);
		return refuse_catalog(v, 1, r);
	}
	v->counts.stored++;
	v->counts.stored_bytes += size;
	return 0;
}

/*
 * DATA_END: the version is committed and OBJECT_OK names it, or the
 * refusal made now or earlier (SV_DISCARDING) answers.
 */
int
backup_end(struct served *v, struct wire_in *in)
{
	struct obj_pending *o = &v->obj;
	uint8_t csha[32];
	uint64_t csize;
	int64_t version = o->version;

	if (wire_get_n64(in, &csize) == -1 || wire_get(in, csha, 32) == -1 ||
	    wire_end(in) == -1)
		return objreq_malformed(v, "DATA_END");
	if (v->state == SV_HOLDING) {
		/* checked against what is written, when its group is */
		group_add(v, o->held, csize, csha);
		v->state = SV_SIGNED;
		return group_full() ? group_flush(v) : 0;
	}
	if (v->state == SV_RECEIVING && verify_and_commit(v, csize, csha) == -1)
		return -1;
	if (v->state == SV_DISCARDING) {
		v->state = SV_SIGNED;
		return objreq_refused(v, o->id, o->text);
	}
	o->version = 0;
	v->state = SV_SIGNED;
	return objreq_ok(v, version);
}

/* ABANDON: the client found its file changed or unreadable; no answer. */
int
backup_abandon(struct served *v, struct wire_in *in)
{
	if (wire_end(in) == -1)
		return objreq_malformed(v, "ABANDON");
	if (v->state == SV_RECEIVING) {
		drop(v, 0);
		v->counts.abandoned++;
	} else if (v->state == SV_HOLDING)
		v->counts.abandoned++;	/* nothing of it was written */
	else
		v->counts.refused++;	/* logged when it was refused */
	v->state = SV_SIGNED;
	return 0;
}

/* The session ends: a FILE half received goes, and the log says so. */
void
backup_drop(struct served *v)
{
	group_drop(v);
	if (v->state != SV_RECEIVING && v->state != SV_HOLDING)
		return;
	sess_msg(v->s, "BWK1941W", "%s: node %s: the session ended in the "
	    "middle of %s, after %llu bytes of its content; nothing of it is "
	    "stored, and its previous version, if any, stays active",
	    v->s->o->host, v->account, quoted(v), (unsigned long long)
	    (v->state == SV_HOLDING ? v->obj.held_len : v->obj.w.size));
	if (v->state == SV_RECEIVING)
		drop(v, 0);
}

int
backup_deactivate(struct served *v, struct wire_in *in)
{
	struct obj_pending *o = &v->obj;
	int64_t version = 0;
	int r;

	if (wire_get_path(in, o->fs) == -1 ||
	    wire_get_path(in, o->name) == -1 || wire_end(in) == -1)
		return objreq_malformed(v, "DEACTIVATE");
	r = catalog_object_deactivate(v->env->cat, v->account, o->fs, o->name,
	    &version);
	if (r == CAT_NOTFOUND)
		return objreq_refuse(v, "BWK1508E", "%s: there is no active "
		    "version to deactivate", quoted(v));
	if (r != CAT_OK)
		return refuse_catalog(v, 0, r);
	v->counts.deactivated++;
	return objreq_ok(v, version);
}
