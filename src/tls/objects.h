/*
 * The entries of OBJECTS and FILESPACES frames (docs/protocol.md,
 * "Objects"): one codec for both sides, so that what the server builds is
 * what the client reads. The client reads a hostile server's bytes here:
 * every field is bounds-checked, every string has its length checked
 * before it is copied, and the frame must be consumed exactly.
 */
#ifndef BWK_OBJECTS_H
#define BWK_OBJECTS_H

#include <stdint.h>

#include "wire.h"

/* One version of an object, as QUERY_BACKUP's answer carries it. */
struct wire_object {
	uint64_t	version;
	uint8_t		state;		/* WIRE_STATE_* */
	uint8_t		type;		/* WIRE_OBJ_* */
	uint64_t	size;
	uint32_t	mode;		/* 07777 at most */
	uint32_t	uid, gid;
	int64_t		mtime_ns, ctime_ns;
	int64_t		committed;	/* seconds: it became visible */
	int64_t		deactivated;	/* seconds: inactive since; 0 active */
	uint8_t		sha256[32];	/* zero unless FILE */
	char		path[WIRE_PATH_MAX + 1];	/* within the filespace */
	/* LINK: its target; FILE: an earlier name of the same file in
	 * the backup that stored it (a hard link), or ""; DIR: "" */
	char		link[WIRE_PATH_MAX + 1];
};

/* A link field that fits the type: a LINK's target is not empty, a
 * FILE's hard link is a name within the filespace ("/..."), a DIR has
 * none. 1 when it fits. */
int	wire_link_ok(uint8_t type, const char *link);

/* The most an entry takes in a frame: the server starts a new frame when
 * fewer bytes than this are left. */
#define WIRE_OBJECT_MAX	(8 + 1 + 1 + 8 + 12 + 32 + 32 + 2 * (2 + WIRE_PATH_MAX))
#define WIRE_FILESPACE_MAX	(2 + WIRE_PATH_MAX + 8)

/* OBJECTS: u8 more, u16 count, then the entries. */
void	wire_put_object(struct wire_out *, const struct wire_object *);
/* -1 when the entry is malformed (a state, type or mode out of range, a
 * path that is not 1..4095 bytes without NUL, a link on a non-link). */
int	wire_get_object(struct wire_in *, struct wire_object *);

/* FILESPACES: u8 more, u16 count, then each: path name, u64 created. */
void	wire_put_filespace(struct wire_out *, const char *name,
	    int64_t created);
int	wire_get_filespace(struct wire_in *, char name[WIRE_PATH_MAX + 1],
	    int64_t *created);

#endif
