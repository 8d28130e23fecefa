/*
 * The session protocol's frames, inside the TLS session between bulwark
 * and bulwarkd (docs/protocol.md is the reference). Both sides parse the
 * other's frames, so every length is checked against its bound before
 * anything is allocated or copied, and a frame must be consumed exactly.
 *
 * A frame:
 *	u32 length	of the payload, network byte order
 *	u16 type	requests from the client even, answers odd
 *	u16 flags	zero
 *	payload		exactly what the type defines
 *
 * Integers are network byte order (big-endian): the frames cross the
 * network, unlike the key helper's, which stay on one machine.
 */
#ifndef BWK_WIRE_H
#define BWK_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION		2
#define WIRE_HDR_LEN		8
/* A control frame's payload; data frames fill one TLS record. */
#define WIRE_MAX_PAYLOAD	(64 * 1024)
#define WIRE_DATA_MAX		(16384 - WIRE_HDR_LEN)
#define WIRE_NAME_MAX		64
#define WIRE_TEXT_MAX		1024

enum wire_type {
	WIRE_ERROR		= 0x0001,	/* id8, u16 n, text */
	WIRE_HELLO		= 0x0002,	/* u16 version, u8 role, u8 flags,
						   name */
	WIRE_HELLO_OK		= 0x0003,	/* u16 version, u8 flags, name */
	WIRE_SCRAM_FIRST	= 0x0004,	/* u16 n, client-first-message */
	WIRE_SCRAM_CHALLENGE	= 0x0005,	/* u16 n, server-first-message */
	WIRE_SCRAM_FINAL	= 0x0006,	/* u16 n, client-final-message */
	WIRE_SCRAM_OUTCOME	= 0x0007,	/* u16 n, server-final-message */
	WIRE_SIGNED_ON		= 0x0009,	/* u8 flags, u64 password expiry */
	WIRE_ADMIN		= 0x0010,	/* u16 n, command text */
	WIRE_ROWS		= 0x0011,	/* u16 ncols, cells (see protocol.md) */
	WIRE_QUERY_SESSION	= 0x0012,	/* empty */
	WIRE_SESSION		= 0x0013,	/* u16 n, facts text */
	WIRE_STANDBY_KEY	= 0x0021,	/* u16 n, cert; u16 m, signature */
	WIRE_SET_PASSWORD	= 0x0030,	/* a new verifier: u8 n, salt,
						   u32 count, 32 StoredKey,
						   32 ServerKey */
	WIRE_PASSWORD_SET	= 0x0031,	/* u64 the new expiry */
	/* backup and restore (docs/protocol.md, "Objects") */
	WIRE_BACKUP		= 0x0040,	/* path fs, path name, u8 type,
						   u32 mode, uid, gid, u64 mtime,
						   ctime, path link (0 unless LINK) */
	WIRE_OBJECT_OK		= 0x0041,	/* u64 version */
	WIRE_DATA		= 0x0042,	/* 1..WIRE_DATA_MAX bytes */
	WIRE_OBJECT_REFUSED	= 0x0043,	/* id8, text */
	WIRE_DATA_END		= 0x0044,	/* u64 size, sha256 */
	WIRE_ABANDON		= 0x0046,	/* empty: no answer */
	WIRE_DEACTIVATE		= 0x0048,	/* path fs, path name */
	WIRE_QUERY_BACKUP	= 0x004a,	/* path fs, path pattern, u8 flags */
	WIRE_OBJECTS		= 0x004b,	/* u8 more, u16 n, entries */
	WIRE_QUERY_FILESPACE	= 0x004c,	/* empty */
	WIRE_FILESPACES		= 0x004d,	/* u8 more, u16 n, entries */
	WIRE_RESTORE		= 0x004e,	/* u64 version */
	WIRE_RDATA		= 0x004f,	/* 1..WIRE_DATA_MAX bytes */
	WIRE_RDATA_END		= 0x0051,	/* u64 size, sha256 */
	WIRE_BYE		= 0x00fe,	/* empty: the client is done */
	WIRE_BYE_OK		= 0x00ff,	/* empty */
};

enum wire_role { WIRE_ROLE_NODE = 1, WIRE_ROLE_ADMIN = 2 };

/*
 * HELLO's flags. FIRST_USE: the client had no certificate for this server
 * and will pin the one it was shown if the sign-on succeeds; the server
 * refuses that hand-over to a node that is STRICT.
 */
#define WIRE_HELLO_FIRST_USE	0x01
#define WIRE_HELLO_FLAGS	WIRE_HELLO_FIRST_USE	/* every one known */
/* SIGNED_ON's flags. PASSWORD_EXPIRED: only SET_PASSWORD or BYE now. */
#define WIRE_SIGNED_PW_EXPIRED	0x01
/*
 * HELLO_OK's flags. STANDBY: the server has a standby key, and a
 * STANDBY_KEY frame follows a node's SIGNED_ON.
 */
#define WIRE_HELLO_OK_STANDBY	0x01
#define WIRE_HELLO_OK_FLAGS	WIRE_HELLO_OK_STANDBY

/* Objects: a path's bytes (a filespace, a name within it, a link's
 * target, a pattern), u16 length, 1..WIRE_PATH_MAX, no NUL. */
#define WIRE_PATH_MAX		4095
/* The object types, as the catalog's (enum cat_type). */
#define WIRE_OBJ_FILE		0
#define WIRE_OBJ_DIR		1
#define WIRE_OBJ_LINK		2
/* QUERY_BACKUP's flags */
#define WIRE_Q_INACTIVE		0x01	/* inactive versions too */
#define WIRE_Q_SUBDIR		0x02	/* the last part in every directory below */
#define WIRE_Q_FLAGS		(WIRE_Q_INACTIVE | WIRE_Q_SUBDIR)
/* OBJECTS' states */
#define WIRE_STATE_ACTIVE	1
#define WIRE_STATE_INACTIVE	2

/* The SCRAM frames' texts: RFC 5802 messages, as long as SCRAM allows. */
#define WIRE_SCRAM_TEXT_MAX	2048

/* Building a frame: a fixed buffer, every put bounds-checked. */
struct wire_out {
	uint8_t		buf[WIRE_HDR_LEN + WIRE_MAX_PAYLOAD];
	size_t		len;
	int		overflow;
};

void	wire_begin(struct wire_out *, uint16_t type);
void	wire_put(struct wire_out *, const void *, size_t);
void	wire_put_n8(struct wire_out *, uint8_t);
void	wire_put_n16(struct wire_out *, uint16_t);
void	wire_put_n32(struct wire_out *, uint32_t);
void	wire_put_n64(struct wire_out *, uint64_t);
/* u8 length + bytes, 1..WIRE_NAME_MAX */
void	wire_put_name(struct wire_out *, const char *);
/* u16 length + bytes, 0..max */
void	wire_put_text(struct wire_out *, const char *, size_t max);
/* u16 length + 1..WIRE_PATH_MAX bytes (any but NUL) */
void	wire_put_path(struct wire_out *, const char *);
/* Writes the length into the header; -1 when something did not fit. */
int	wire_finish(struct wire_out *);

/* Reading a frame's payload: typed getters, -1 past its end. */
struct wire_in {
	uint16_t	 type;
	const uint8_t	*p;
	size_t		 left;
};

/*
 * The header in hdr: the payload's length and the type, or -1 for a
 * frame no peer may send (flags set, a length past WIRE_MAX_PAYLOAD).
 */
int	wire_header(const uint8_t hdr[WIRE_HDR_LEN], uint16_t *type,
	    size_t *len);
void	wire_in_init(struct wire_in *, uint16_t type, const uint8_t *, size_t);
int	wire_get(struct wire_in *, void *, size_t);
int	wire_get_n8(struct wire_in *, uint8_t *);
int	wire_get_n16(struct wire_in *, uint16_t *);
int	wire_get_n32(struct wire_in *, uint32_t *);
int	wire_get_n64(struct wire_in *, uint64_t *);
/* A pointer into the payload, no copy. */
int	wire_ref(struct wire_in *, size_t, const uint8_t **);
/* u8 length + 1..WIRE_NAME_MAX printable ASCII bytes, NUL-terminated. */
int	wire_get_name(struct wire_in *, char out[WIRE_NAME_MAX + 1]);
/* u16 length + 0..max bytes with no NUL, NUL-terminated in out. */
int	wire_get_text(struct wire_in *, char *out, size_t max);
/* u16 length + 1..WIRE_PATH_MAX bytes, no NUL, NUL-terminated in out. */
int	wire_get_path(struct wire_in *, char out[WIRE_PATH_MAX + 1]);
/* The payload must be consumed exactly: trailing bytes are an error. */
int	wire_end(const struct wire_in *);
/* "HELLO" for WIRE_HELLO, "unknown" for any other value. */
const char *wire_type_name(uint16_t);

#endif
