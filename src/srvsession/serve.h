/* The session protocol, server side (docs/protocol.md). */
#ifndef BWK_SERVE_H
#define BWK_SERVE_H

#include "../catalog/catalog.h"
#include "../lib/scram.h"
#include "../server/srvopts.h"
#include "../tls/session.h"
#include "content.h"

/*
 * A certificate of the server, as query certificate shows it: those the
 * session process can read before its sandbox (certs.c), the one its key
 * helper serves and the default (cert256.arm), not the key database.
 */
#define SERVE_CERTS_MAX	2
struct serve_cert {
	char	label[33];
	char	key[24];		/* "EC P-256", "RSA 3072" */
	char	expires[32];
	char	sha256[BWK_FPR_STRLEN];
	int	is_default;		/* cert256.arm, tls-default's label */
	int	in_use;			/* this session's handshake */
};

/* The listener's sessions a new one is told of (MAXSESSIONS's bound). */
#define SESSIONS_LIVE_MAX	1032

/* What a session's process holds for it, opened before the sandbox. */
struct serve_env {
	const struct srv_options *o;
	struct catalog		*cat;		/* the instance's catalog */
	int			 datafd;	/* its data/: the contents */
	uint8_t			 fake_key[SCRAM_HASH_LEN];	/* signon.key */
	int			 roles;		/* ROLE_NODE, ROLE_ADMIN here */
	int			 busy;		/* MAXSESSIONS reached */
	/* for query session and query certificate (admin.c) */
	long			 session_id;
	int64_t			 run;		/* the listener's, for sessions */
	const char		*peer;
	int64_t			 started;
	struct serve_cert	 certs[SERVE_CERTS_MAX];
	size_t			 ncerts;
	const char		*forge;		/* test builds' forged standby */
};

enum serve_state {
	SV_START,	/* before HELLO */
	SV_HELLO,	/* after HELLO: sign-on, QUERY_SESSION, BYE */
	SV_CHALLENGED,	/* SCRAM_CHALLENGE sent; SCRAM_FINAL is due */
	SV_SIGNED,	/* signed on: the session's work */
	SV_EXPIRED,	/* signed on with an expired password: SET_PASSWORD */
	SV_HOLDING,	/* a FILE's BACKUP, its DATA held (group.c) */
	SV_RECEIVING,	/* a FILE's BACKUP: DATA, DATA_END, ABANDON */
	SV_DISCARDING,	/* the same, refused: its DATA read and dropped */
	SV_DONE,
};

/*
 * Objects held and stored together (group.c): at most GROUP_MAX, their
 * names and contents at most GROUP_BYTES, a FILE held only while it has
 * at most GROUP_HELD bytes (a larger one is written as it comes).
 */
#define GROUP_MAX	256
#define GROUP_BYTES	(2 * 1024 * 1024)
#define GROUP_HELD	(64 * 1024)

/*
 * A FILE being backed up (backup.c): its bytes so far while SV_HOLDING;
 * its pending version and content file while SV_RECEIVING; in
 * SV_DISCARDING, the refusal that answers its DATA_END.
 */
struct obj_pending {
	struct cat_meta		 m;		/* BACKUP's; m.link is link */
	char			 link[WIRE_PATH_MAX + 1];
	uint8_t			 held[GROUP_HELD];
	size_t			 held_len;
	int			 open;		/* version and file to drop */
	int64_t			 version;
	struct content_w	 w;
	char			 fs[WIRE_PATH_MAX + 1];
	char			 name[WIRE_PATH_MAX + 1];
	char			 id[9];		/* the refusal due */
	char			 text[WIRE_TEXT_MAX + 1];
};

/* What a node's object requests did, for the line at the session's end. */
struct obj_counts {
	uint64_t	frames;		/* any object frame at all */
	uint64_t	stored, stored_bytes;
	uint64_t	refused, abandoned, deactivated, queries;
	uint64_t	restored, restored_bytes;
};

/* One session's state; the sign-on's part is secret-free. */
struct served {
	struct session		*s;
	const struct serve_env	*env;
	enum serve_state	 state;
	uint8_t			 role;		/* WIRE_ROLE_* */
	uint8_t			 hello_flags;	/* WIRE_HELLO_* */
	char			 name[WIRE_NAME_MAX + 1];	/* HELLO's */
	/* sign-on (signon.c) */
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_verifier	 v;	/* the account's, or a fake */
	int			 known;	/* the name is an account */
	int			 strict;	/* its SESSIONSECURITY */
	int64_t			 pw_expires;	/* 0 never */
	char			 account[WIRE_NAME_MAX + 1];	/* stored form */
	/* a node's objects (objreq.c, backup.c, restore.c) */
	struct obj_pending	 obj;
	struct obj_counts	 counts;
};

/* Runs one established session to its end; the process's exit status. */
int	serve_session(struct session *, const struct serve_env *);

/* serve.c's: an ERROR frame with the ID and text, and the log line. */
int	serve_refuse(struct served *, const char *id, const char *text);
/* ERROR BWK1067E: the frame is not allowed in this state. */
int	serve_not_allowed(struct served *, const struct wire_frame *);

/*
 * objreq.c: a node's object frames (docs/protocol.md, "Objects"). Every
 * request has one answer, OBJECT_OK, OBJECT_REFUSED or its data, except
 * ABANDON, which has none. 0 go on, -1 the session ends.
 */
int	objreq_frame(uint16_t type);	/* one of the client's object frames */
int	objreq_dispatch(struct served *, struct wire_frame *);
/* The session ends: a FILE still pending is dropped; the summary line. */
void	objreq_close(struct served *);
/* OBJECT_OK with the version, OBJECT_REFUSED with its ID and text. */
int	objreq_ok(struct served *, int64_t version);
int	objreq_refused(struct served *, const char *id, const char *text);
/* The same refusal, logged as "CLIENT: node NAME: TEXT" first. */
int	objreq_refuse(struct served *, const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* ERROR BWK1501E: a frame that is not what its type defines. */
int	objreq_malformed(struct served *, const char *what);
/*
 * An object's name for messages, quoted, every byte outside printable
 * ASCII as \xNN (a name may hold any byte but NUL, newlines too, and
 * must not forge a log line), and cut to a bound.
 */
#define OBJ_QUOTED_MAX	300
void	objreq_quote(const char *fs, const char *name,
	    char out[OBJ_QUOTED_MAX]);
/* A SHA-256 in hexadecimal, for the log. */
void	objreq_hex(const uint8_t b[32], char out[65]);

/* backup.c: BACKUP and its DATA, DATA_END or ABANDON; DEACTIVATE. */
int	backup_begin(struct served *, struct wire_in *);
int	backup_data(struct served *, struct wire_in *);
int	backup_end(struct served *, struct wire_in *);
int	backup_abandon(struct served *, struct wire_in *);
int	backup_deactivate(struct served *, struct wire_in *);
/* A FILE still pending when the session ends: its version and file go. */
void	backup_drop(struct served *);

/*
 * backup.c's refusals, for group.c: the ID, and the client's text into
 * text, for the catalog's refusal r, a content file that could not be
 * written (errno e; logged here), and bytes that are not the client's
 * (quoted: the object's name, objreq_quote). backup_remove: a content
 * file that will not be committed goes, or the log says why not.
 */
const char *backup_why_catalog(int r, const char *quoted, const char *node,
	    char *text, size_t n);
const char *backup_why_write(struct served *, const char *quoted,
	    const char *content, int e, char *text, size_t n);
const char *backup_why_mismatch(const char *quoted, uint64_t size,
	    const uint8_t sha256[32], uint64_t said_size,
	    const uint8_t said_sha256[32], char *text, size_t n);
void	backup_remove(struct served *, const char *quoted,
	    const char *content);

/*
 * group.c: the objects held, stored and answered together. group_room:
 * another object with o's names fits; group_add: o (its content data,
 * the size and SHA-256 the client said, NULL for a DIR or LINK) joins;
 * group_flush: every object held is stored (or refused) and answered, in
 * order, 0 or -1 when the session ends; group_drop: the session ended,
 * and what was held is not stored (logged).
 */
void	group_reset(void);
int	group_room(const struct obj_pending *);
int	group_full(void);
int	group_pending(void);
void	group_add(struct served *, const uint8_t *data, uint64_t size,
	    const uint8_t sha256[32]);
int	group_flush(struct served *);
void	group_drop(struct served *);

/* query.c: QUERY_BACKUP and QUERY_FILESPACE, answered in frames. */
int	query_backup(struct served *, struct wire_in *);
int	query_filespace(struct served *, struct wire_in *);
/* restore.c: RESTORE, answered with RDATA and RDATA_END. */
int	restore_version(struct served *, struct wire_in *);

/* signon.c: the SCRAM frames. 0 go on, -1 the session ends. */
int	signon_first(struct served *, struct wire_in *);
int	signon_final(struct served *, struct wire_in *);
/* A new verifier from a signed-on client: its password changed. */
int	signon_set_password(struct served *, struct wire_in *);

/* The role's name for log lines: "node" or "administrator". */
const char *signon_role(const struct served *);

/* admin.c: an ADMIN frame of a signed-on session, answered with ROWS. */
int	admin_command(struct served *, struct wire_in *);
/*
 * certs.c, before the sandbox: the certificate the helper serves under
 * label (der), and the instance's default, into env. -1 with a message
 * when the default cannot be read; nothing else depends on it.
 */
int	serve_certs_load(struct serve_env *, const char *instance,
	    const char *label, const uint8_t *der, size_t len);
/*
 * standby.c: does this session announce a standby key (HELLO_OK says so),
 * and the announcement itself, after a node's successful sign-on: 0 go
 * on (nothing to announce included), -1 the session ends.
 */
int	standby_due(const struct served *);
int	standby_announce(struct served *);

#endif
