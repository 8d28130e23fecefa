/*
 * The channel between the client's two processes (docs/architecture.md):
 * the file side (the caller of libbulwark, which reads and writes the
 * user's files) and the network process it forks (sandboxed, which runs
 * the TLS session and parses every byte the server sends).
 *
 * A SOCK_SEQPACKET socketpair; each message is one session-protocol
 * frame (wire.h's header and codec), with at most one descriptor beside
 * it (SCM_RIGHTS, src/lib/fdpass.c): the file to send, or the temporary
 * file to restore into. The network process opens nothing: it reads and
 * writes only the descriptors it is handed.
 *
 * Trust: the file side may hold root's view of every file; the network
 * process may be a hostile server's by now. So the file side reads the
 * network process's messages as it reads a peer's, exactly and with every
 * bound checked, and re-validates what they name (restore_path.c); it
 * never sends the network process anything but descriptors of the files
 * the user asked for.
 */
#ifndef BWK_NETCHAN_H
#define BWK_NETCHAN_H

#include <stdint.h>

#include "wire.h"

/* The file side's requests are even, the network process's answers odd. */
enum netchan_type {
	NC_READY	= 0x0101,	/* u8 ok, u8 failure, id8, text */
	NC_BACKUP	= 0x0102,	/* u64 size at stat, BACKUP's payload;
					   a FILE's descriptor */
	NC_RESULT	= 0x0103,	/* u8 status, u64 version, u64 size,
					   sha256, id8, text */
	NC_DEACTIVATE	= 0x0104,	/* DEACTIVATE's payload */
	NC_OBJECT	= 0x0105,	/* one OBJECTS entry (objects.h) */
	NC_QUERY	= 0x0106,	/* QUERY_BACKUP's payload */
	NC_FILESPACE	= 0x0107,	/* one FILESPACES entry */
	NC_FILESPACES	= 0x0108,	/* empty */
	NC_RESTORE	= 0x010a,	/* u64 version, u64 size, sha256;
					   the temporary file's descriptor */
	NC_PROGRESS	= 0x010b,	/* u64 bytes of the object so far,
					   before a BACKUP's or RESTORE's
					   NC_RESULT, every NC_PROGRESS_STEP */
	NC_SEND		= 0x010c,	/* NC_BACKUP's, its answer later: an
					   NC_RESULT at once, NC_QUEUED
					   unless the file changed */
	NC_ANSWER	= 0x010d,	/* NC_RESULT's: the answer to the
					   oldest object sent, before any
					   NC_RESULT */
	NC_FLUSH	= 0x010e,	/* empty: every answer, then NC_RESULT */
	NC_BYE		= 0x01fe,	/* empty: BYE, then the process ends */
};

/* How often a large object's progress is told: 16 MiB, about a hundred
 * times a second at the session's speed, one message each. */
#define NC_PROGRESS_STEP	(16u << 20)

/* NC_RESULT's status. */
enum netchan_status {
	NC_OK		= 0,	/* done (a query's end) */
	NC_REFUSED	= 1,	/* the server refused this object: id, text */
	NC_CHANGED	= 2,	/* the file changed while it was read */
	NC_READ_ERROR	= 3,	/* the file could not be read: text */
	NC_MISMATCH	= 4,	/* restored bytes differ from the catalog's */
	NC_WRITE_ERROR	= 5,	/* the restored file could not be written */
	NC_FAILED	= 6,	/* the session failed and ends: id, text */
	NC_QUEUED	= 7,	/* NC_SEND's: sent, its NC_ANSWER to come */
};
#define NC_STATUS_MAX	NC_QUEUED
/*
 * Objects sent and not yet answered, at most: the server holds about as
 * many in one group (serve.h's GROUP_MAX), and the file side keeps a
 * name for each to report its answer by.
 */
#define NC_SEND_WINDOW	256

struct netchan_msg {
	uint8_t		buf[WIRE_HDR_LEN + WIRE_MAX_PAYLOAD];
	uint16_t	type;
	struct wire_in	in;		/* the payload */
	int		fd;		/* -1 when none came */
};

/* What NC_RESULT carries. */
struct netchan_result {
	uint8_t		status;		/* enum netchan_status */
	uint64_t	version;
	uint64_t	size;
	uint8_t		sha256[32];
	char		id[9];
	char		text[WIRE_TEXT_MAX + 1];
};

/* Sends w (finished here) with fd (-1: none). 0, or -1 with errno. */
int	netchan_send(int sock, struct wire_out *w, int fd);
/*
 * One message: 1 with it in m (its header checked: no flags, a length
 * that is the message's), 0 at the peer's close, -1 with errno (EPROTO:
 * a malformed message; any descriptor that came with it is closed).
 */
int	netchan_recv(int sock, struct netchan_msg *m);

void	netchan_put_result(struct wire_out *, const struct netchan_result *);
/* -1 when the payload is not exactly a result with a known status. */
int	netchan_get_result(struct wire_in *, struct netchan_result *);

#endif
