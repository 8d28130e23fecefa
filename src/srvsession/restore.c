/*
 * Restore, the server's side (docs/protocol.md, "Objects"): RESTORE of
 * one of the node's versions by its id, answered with its content in
 * RDATA frames and RDATA_END with the size and SHA-256 the catalog holds.
 *
 * The catalog hands out only the node's own visible versions
 * (catalog_version_get): any other id is refused as one that does not
 * exist, so no node learns anything of another's. The content is hashed
 * as it is read, and never more bytes than the catalog's size go out; a
 * content file that is not what was stored (damaged on the server's disk)
 * ends the answer with OBJECT_REFUSED in place of RDATA_END, so the client
 * keeps nothing of it, and the log names the version and the file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "serve.h"

/* What the restore needs of the version, copied out of the callback. */
struct wanted {
	enum cat_type	type;
	uint64_t	size;
	uint8_t		sha256[32];
	char		content[CAT_CONTENT_MAX];
};

/* What was read of the content file. */
struct got {
	uint64_t	size;
	int		longer;		/* more bytes than the catalog's */
	uint8_t		sha256[32];
	int		err;		/* a read failed: its errno */
};

static int
on_version(void *arg, const struct cat_version *cv)
{
	struct wanted *w = arg;

	w->type = cv->type;
	w->size = cv->size;
	memcpy(w->sha256, cv->sha256, 32);
	snprintf(w->content, sizeof(w->content), "%s",
	    cv->content != NULL ? cv->content : "");
	return 0;
}

/*
 * The content in RDATA frames, each a full record but the last, at most
 * the catalog's size; then one byte more is tried, so a file that grew
 * on the server's disk is found too. -1 only when a frame could not be
 * sent (the session ends).
 */
static int
send_content(struct served *v, int fd, uint64_t size, struct got *g)
{
	static struct wire_out w;
	wc_Sha256 sha;
	uint8_t probe;
	size_t want;
	ssize_t n;

	memset(g, 0, sizeof(*g));
	if (wc_InitSha256(&sha) != 0) {
		g->err = EIO;
		return 0;
	}
	for (;;) {
		want = size - g->size < WIRE_DATA_MAX ?
		    (size_t)(size - g->size) : WIRE_DATA_MAX;
		if (want == 0) {
			if ((n = bwk_read_upto(fd, &probe, 1)) == -1)
				g->err = errno;
			g->longer = n > 0;
			break;
		}
		wire_begin(&w, WIRE_RDATA);
		if ((n = bwk_read_upto(fd, w.buf + WIRE_HDR_LEN, want)) <= 0) {
			if (n == -1)
				g->err = errno;
			break;
		}
		if (wc_Sha256Update(&sha, w.buf + WIRE_HDR_LEN, (word32)n) != 0) {
			g->err = EIO;
			break;
		}
		w.len += (size_t)n;
		g->size += (uint64_t)n;
		if (session_wire_send(v->s, &w) == -1) {
			wc_Sha256Free(&sha);
			return -1;
		}
		if ((size_t)n < want)
			break;
	}
	if (g->err == 0 && wc_Sha256Final(&sha, g->sha256) != 0)
		g->err = EIO;
	wc_Sha256Free(&sha);
	return 0;
}

/* The content read is not the catalog's: the log says what differs. */
static int
damaged(struct served *v, uint64_t id, const struct wanted *w,
    const struct got *g)
{
	char hg[65], hw[65], text[256];

	objreq_hex(g->sha256, hg);
	objreq_hex(w->sha256, hw);
	sess_msg(v->s, "BWK1513E", "%s: node %s: version %llu: the content "
	    "file data/%s is not what the catalog holds (read: %llu bytes%s, "
	    "SHA-256 %s; the catalog: %llu bytes, SHA-256 %s): the content is "
	    "damaged. Restore the data directory from its backup and run the "
	    "catalog check", v->s->o->host, v->account, (unsigned long long)id,
	    w->content, (unsigned long long)g->size,
	    g->longer ? " and more after them" : "", hg,
	    (unsigned long long)w->size, hw);
	snprintf(text, sizeof(text), "version %llu: its content on the "
	    "server is damaged (not the bytes that were stored); it is not "
	    "restored. Tell the server's administrator", (unsigned long long)id);
	return objreq_refused(v, "BWK1513E", text);
}

/* The content file cannot be opened or read: the log says why. */
static int
unreadable(struct served *v, uint64_t id, const struct wanted *w, int e,
    const char *how)
{
	char text[256];

	sess_msg(v->s, "BWK1512E", "%s: node %s: version %llu: the content "
	    "file data/%s cannot be %s: %s. Restore the data directory from "
	    "its backup", v->s->o->host, v->account, (unsigned long long)id,
	    w->content, how, strerror(e));
	snprintf(text, sizeof(text), "version %llu: its content cannot be "
	    "read on the server (the server's log says why); it is not "
	    "restored", (unsigned long long)id);
	return objreq_refused(v, "BWK1512E", text);
}

static int
send_end(struct served *v, const struct wanted *w)
{
	static struct wire_out out;

	wire_begin(&out, WIRE_RDATA_END);
	wire_put_n64(&out, w->size);
	wire_put(&out, w->sha256, 32);
	v->counts.restored++;
	v->counts.restored_bytes += w->size;
	return session_wire_send(v->s, &out);
}

int
restore_version(struct served *v, struct wire_in *in)
{
	struct wanted w;
	struct got g;
	uint64_t id;
	int fd, r;

	if (wire_get_n64(in, &id) == -1 || wire_end(in) == -1)
		return objreq_malformed(v, "RESTORE");
	memset(&w, 0, sizeof(w));
	r = id == 0 || id > INT64_MAX ? CAT_NOTFOUND :
	    catalog_version_get(v->env->cat, v->account, (int64_t)id,
	    on_version, &w);
	if (r == CAT_NOTFOUND)
		return objreq_refuse(v, "BWK1511E", "version %llu: node %s has "
		    "no such version", (unsigned long long)id, v->account);
	if (r != CAT_OK)
		return objreq_refuse(v, "BWK1503E", "version %llu: the server's "
		    "catalog failed (its log says why); try again later",
		    (unsigned long long)id);
	if (w.type != CAT_FILE)
		return objreq_refuse(v, "BWK1511E", "version %llu of node %s is "
		    "a %s: it has no content to restore", (unsigned long long)id,
		    v->account, w.type == CAT_DIR ? "directory" : "link");
	if ((fd = content_open(v->env->datafd, w.content)) == -1)
		return unreadable(v, id, &w, errno, "opened");
	r = send_content(v, fd, w.size, &g);
	close(fd);
	if (r == -1)
		return -1;
	if (g.err != 0)
		return unreadable(v, id, &w, g.err, "read");
	if (g.longer || g.size != w.size || memcmp(g.sha256, w.sha256, 32) != 0)
		return damaged(v, id, &w, &g);
	return send_end(v, &w);
}
