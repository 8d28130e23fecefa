/*
 * OBJECTS and FILESPACES entries, both ways (objects.h).
 */
#include <string.h>

#include "objects.h"

void
wire_put_object(struct wire_out *w, const struct wire_object *o)
{
	wire_put_n64(w, o->version);
	wire_put_n8(w, o->state);
	wire_put_n8(w, o->type);
	wire_put_n64(w, o->size);
	wire_put_n32(w, o->mode);
	wire_put_n32(w, o->uid);
	wire_put_n32(w, o->gid);
	wire_put_n64(w, (uint64_t)o->mtime_ns);
	wire_put_n64(w, (uint64_t)o->ctime_ns);
	wire_put_n64(w, (uint64_t)o->committed);
	wire_put_n64(w, (uint64_t)o->deactivated);
	wire_put(w, o->sha256, 32);
	wire_put_path(w, o->path);
	wire_put_text(w, o->link, WIRE_PATH_MAX);
}

int
wire_get_object(struct wire_in *in, struct wire_object *o)
{
	uint64_t mt, ct, cm, de;

	memset(o, 0, sizeof(*o));
	if (wire_get_n64(in, &o->version) == -1 ||
	    wire_get_n8(in, &o->state) == -1 ||
	    wire_get_n8(in, &o->type) == -1 ||
	    wire_get_n64(in, &o->size) == -1 ||
	    wire_get_n32(in, &o->mode) == -1 ||
	    wire_get_n32(in, &o->uid) == -1 ||
	    wire_get_n32(in, &o->gid) == -1 ||
	    wire_get_n64(in, &mt) == -1 || wire_get_n64(in, &ct) == -1 ||
	    wire_get_n64(in, &cm) == -1 || wire_get_n64(in, &de) == -1 ||
	    wire_get(in, o->sha256, 32) == -1 ||
	    wire_get_path(in, o->path) == -1 ||
	    wire_get_text(in, o->link, WIRE_PATH_MAX) == -1)
		return -1;
	o->mtime_ns = (int64_t)mt;
	o->ctime_ns = (int64_t)ct;
	o->committed = (int64_t)cm;
	o->deactivated = (int64_t)de;
	if (o->version == 0 || o->version > INT64_MAX ||
	    (o->state != WIRE_STATE_ACTIVE && o->state != WIRE_STATE_INACTIVE) ||
	    o->type > WIRE_OBJ_LINK || (o->mode & ~07777u) != 0 ||
	    o->path[0] != '/' || !wire_link_ok(o->type, o->link) ||
	    (o->type != WIRE_OBJ_FILE && o->size != 0))
		return -1;
	return 0;
}

int
wire_link_ok(uint8_t type, const char *link)
{
	switch (type) {
	case WIRE_OBJ_LINK:
		return link[0] != '\0';
	case WIRE_OBJ_FILE:
		return link[0] == '\0' || link[0] == '/';
	default:
		return link[0] == '\0';
	}
}

void
wire_put_filespace(struct wire_out *w, const char *name, int64_t created)
{
	wire_put_path(w, name);
	wire_put_n64(w, (uint64_t)created);
}

int
wire_get_filespace(struct wire_in *in, char name[WIRE_PATH_MAX + 1],
    int64_t *created)
{
	uint64_t c;

	if (wire_get_path(in, name) == -1 || wire_get_n64(in, &c) == -1 ||
	    name[0] != '/')
		return -1;
	*created = (int64_t)c;
	return 0;
}
