/*
 * Backup objects: filespaces, objects (a path in a filespace) and their
 * versions. A version is PENDING while its content file is written,
 * becomes ACTIVE in the transaction that also makes the previous one
 * INACTIVE, and is removed in two steps (DELETING, then its file, then
 * its row), so that no crash shows a half object or loses track of a
 * file (docs/catalog.md, "A version's life").
 */
#include <string.h>

#include "../lib/msg.h"
#include "../lib/names.h"
#include "catalog_int.h"

#define REAP_BATCH	64

/*
 * A path as the catalog keeps it: absolute within its filespace, no
 * empty, "." or ".." component, no trailing '/' but for "/" itself. The
 * client re-checks every name it restores; the server refuses to store
 * what it could never safely hand back.
 */
static int
path_ok(const char *p)
{
	const char *c;
	size_t n;

	if (p == NULL || p[0] != '/' || (n = strlen(p)) > CAT_PATH_MAX)
		return 0;
	if (n == 1)
		return 1;
	for (c = p; *c != '\0'; ) {
		const char *e = strchr(c + 1, '/');
		size_t len = (e != NULL ? (size_t)(e - c) : strlen(c)) - 1;

		/* c points at a '/', the component is c + 1 .. len bytes */
		if (len == 0 || (len == 1 && c[1] == '.') ||
		    (len == 2 && c[1] == '.' && c[2] == '.'))
			return 0;
		if (e == NULL)
			break;
		c = e;
	}
	return 1;
}

/* The directory part (through the last '/') and the last component. */
static void
split(const char *path, size_t *dirlen, const char **name)
{
	const char *slash = strrchr(path, '/');

	*dirlen = (size_t)(slash - path) + 1;
	*name = slash + 1;
}

static const char *
type_text(enum cat_type t)
{
	return t == CAT_FILE ? "FILE" : t == CAT_DIR ? "DIR" : "LINK";
}

static int
meta_ok(const struct cat_meta *m)
{
	size_t n;

	if (m == NULL || (m->type != CAT_FILE && m->type != CAT_DIR &&
	    m->type != CAT_LINK) || m->mode > 07777)
		return 0;
	/* a DIR has no link; a FILE may name an earlier name of itself (a
	 * hard link); a LINK has its target */
	if (m->type == CAT_DIR)
		return m->link == NULL;
	if (m->link == NULL)
		return m->type == CAT_FILE;
	n = strlen(m->link);
	return n > 0 && n <= CAT_PATH_MAX &&
	    (m->type == CAT_LINK || m->link[0] == '/');
}

static int
hex_char(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

/*
 * Content names are the catalog's own ("ab/" and 32 hex digits). A row
 * with another name is damage or tampering: never a path to open or
 * remove, or "../" in the catalog would reach outside the data.
 */
static int
content_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 35 || s[2] != '/' || s[0] != s[3] ||
	    s[1] != s[4])
		return 0;
	for (i = 0; i < 35; i++)
		if (i != 2 && !hex_char((unsigned char)s[i]))
			return 0;
	return 1;
}

int
catalog_content_ok(const char *s)
{
	return content_ok(s);
}

static int
bind_path(struct catalog *c, sqlite3_stmt *st, int i, const char *p,
    size_t n)
{
	return cat_bound(c, sqlite3_bind_blob(st, i, p, (int)n,
	    SQLITE_TRANSIENT), "binding a path");
}

/*
 * A constraint that the transaction's own reads rule out (a name taken
 * between our look-up and our insert, under BEGIN IMMEDIATE) is a bug or
 * damage, never an answer for the caller: reported.
 */
static int
unexpected(struct catalog *c, int r, const char *what)
{
	if (r == CAT_EXISTS || r == CAT_HASDATA)
		return cat_fail(c, SQLITE_CONSTRAINT, what);
	return r;
}

/* A statement that returns one id: CAT_OK with *id, CAT_NOTFOUND, CAT_ERROR. */
static int
one_id(struct catalog *c, sqlite3_stmt *st, const char *what, int64_t *id)
{
	int rc = cat_step(c, st, what), r;

	r = rc == SQLITE_ROW ? CAT_OK : rc == SQLITE_DONE ? CAT_NOTFOUND :
	    CAT_ERROR;
	if (r == CAT_OK)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

static int
node_id(struct catalog *c, const char *canon, int64_t *id)
{
	sqlite3_stmt *st;

	if ((st = cat_stmt(c, S_NODE_ID)) == NULL ||
	    cat_bound(c, sqlite3_bind_text(st, 1, canon, -1, SQLITE_TRANSIENT),
	    "binding a name") != CAT_OK)
		return CAT_ERROR;
	return one_id(c, st, "finding a node", id);
}

/* The filespace's id, made with the node's first object in it. */
static int
filespace_id(struct catalog *c, int64_t node, const char *fs, int64_t *id)
{
	sqlite3_stmt *st;
	int r;

	if ((st = cat_stmt(c, S_FS_ID)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, node), "binding") != CAT_OK ||
	    bind_path(c, st, 2, fs, strlen(fs)) != CAT_OK)
		return CAT_ERROR;
	if ((r = one_id(c, st, "finding a filespace", id)) != CAT_NOTFOUND)
		return r;
	if ((st = cat_stmt(c, S_FS_INSERT)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, node) |
	    sqlite3_bind_int64(st, 3, cat_now(c)), "binding") != CAT_OK ||
	    bind_path(c, st, 2, fs, strlen(fs)) != CAT_OK)
		return CAT_ERROR;
	if ((r = cat_exec(c, st, "adding a filespace")) != CAT_OK)
		return unexpected(c, r, "adding a filespace");
	*id = sqlite3_last_insert_rowid(c->db);
	return CAT_OK;
}

/* The object's id; made with its first version when create is set. */
static int
object_id(struct catalog *c, int64_t fs, const char *path, int create,
    int64_t *id)
{
	sqlite3_stmt *st;
	const char *name;
	size_t dirlen;
	int r;

	split(path, &dirlen, &name);
	if ((st = cat_stmt(c, S_OBJ_ID)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, fs), "binding") != CAT_OK ||
	    bind_path(c, st, 2, path, dirlen) != CAT_OK ||
	    bind_path(c, st, 3, name, strlen(name)) != CAT_OK)
		return CAT_ERROR;
	if ((r = one_id(c, st, "finding an object", id)) != CAT_NOTFOUND ||
	    !create)
		return r;
	if ((st = cat_stmt(c, S_OBJ_INSERT)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, fs), "binding") != CAT_OK ||
	    bind_path(c, st, 2, path, dirlen) != CAT_OK ||
	    bind_path(c, st, 3, name, strlen(name)) != CAT_OK)
		return CAT_ERROR;
	if ((r = cat_exec(c, st, "adding an object")) != CAT_OK)
		return unexpected(c, r, "adding an object");
	*id = sqlite3_last_insert_rowid(c->db);
	return CAT_OK;
}

/* Inside the transaction: the pending version, with its content name. */
static int
insert_version(struct catalog *c, int64_t object, const struct cat_meta *m,
    struct cat_pending *out)
{
	sqlite3_stmt *st;
	const unsigned char *content;
	int rc, r = CAT_ERROR;

	if ((st = cat_stmt(c, S_VER_INSERT)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, object) |
	    sqlite3_bind_text(st, 2, type_text(m->type), -1, SQLITE_STATIC) |
	    sqlite3_bind_int64(st, 3, m->mode) |
	    sqlite3_bind_int64(st, 4, m->uid) |
	    sqlite3_bind_int64(st, 5, m->gid) |
	    sqlite3_bind_int64(st, 6, m->mtime_ns) |
	    sqlite3_bind_int64(st, 7, m->ctime_ns) |
	    sqlite3_bind_int64(st, 9, cat_now(c)), "binding") != CAT_OK)
		return CAT_ERROR;
	if (m->link != NULL && bind_path(c, st, 8, m->link,
	    strlen(m->link)) != CAT_OK)
		return CAT_ERROR;
	if ((rc = cat_step(c, st, "adding a version")) == SQLITE_ROW) {
		out->version = sqlite3_column_int64(st, 0);
		content = sqlite3_column_text(st, 1);
		out->content[0] = '\0';
		if (m->type != CAT_FILE)
			r = CAT_OK;
		else if (content_ok((const char *)content)) {
			memcpy(out->content, content, 36);
			r = CAT_OK;
		}
		rc = cat_step(c, st, "adding a version");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc == CAT_ERROR ? CAT_ERROR :
		    cat_fail(c, SQLITE_CONSTRAINT, "adding a version");
	if (r != CAT_OK)
		return cat_fail(c, SQLITE_CORRUPT, "naming a content file");
	return CAT_OK;
}

/* The arguments of the calls that name a node's object. */
static int
object_args(struct catalog *c, const char *node, const char *fs,
    const char *path, char canon[CAT_NAME_MAX + 1])
{
	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (catalog_name_canon(node, canon) != CAT_OK || !path_ok(fs) ||
	    !path_ok(path))
		return CAT_INVALID;
	return CAT_OK;
}

static int
begin_in(struct catalog *c, const char *canon, const char *fs,
    const char *path, const struct cat_meta *m, struct cat_pending *out)
{
	int64_t node = 0, fsid = 0, obj = 0;
	int r;

	if ((r = node_id(c, canon, &node)) != CAT_OK ||
	    (r = filespace_id(c, node, fs, &fsid)) != CAT_OK ||
	    (r = object_id(c, fsid, path, 1, &obj)) != CAT_OK)
		return r;
	if (cat_fault(c, "begin") == -1)
		return CAT_ERROR;
	return insert_version(c, obj, m, out);
}

int
catalog_object_begin(struct catalog *c, const char *node, const char *fs,
    const char *path, const struct cat_meta *m, struct cat_pending *out)
{
	char canon[CAT_NAME_MAX + 1];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = object_args(c, node, fs, path, canon)) != CAT_OK)
		return r;
	if (!meta_ok(m))
		return CAT_INVALID;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	if ((r = cat_end(c, begin_in(c, canon, fs, path, m, out), 0)) != CAT_OK)
		memset(out, 0, sizeof(*out));
	return r;
}

/* A version of NODE's: its state, type and object; CAT_NOTFOUND if not. */
static int
owned(struct catalog *c, const char *canon, int64_t version,
    enum cat_state *state, enum cat_type *type, int64_t *object)
{
	static const char *const states[] = { "PENDING", "ACTIVE",
	    "INACTIVE", "DELETING" };
	sqlite3_stmt *st;
	const unsigned char *s, *t;
	int rc, r = CAT_NOTFOUND, i;

	if ((st = cat_stmt(c, S_VER_OWNED)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, version) |
	    sqlite3_bind_text(st, 2, canon, -1, SQLITE_TRANSIENT),
	    "binding") != CAT_OK)
		return CAT_ERROR;
	if ((rc = cat_step(c, st, "finding a version")) == SQLITE_ROW) {
		s = sqlite3_column_text(st, 0);
		t = sqlite3_column_text(st, 1);
		*object = sqlite3_column_int64(st, 2);
		r = CAT_ERROR;
		for (i = 0; s != NULL && t != NULL && i < 4; i++) {
			if (strcmp((const char *)s, states[i]) == 0) {
				*state = (enum cat_state)i;
				r = CAT_OK;
			}
		}
		if (r == CAT_OK)
			*type = strcmp((const char *)t, "FILE") == 0 ? CAT_FILE :
			    strcmp((const char *)t, "DIR") == 0 ? CAT_DIR :
			    CAT_LINK;
		else
			r = cat_fail(c, SQLITE_CORRUPT, "reading a version");
	} else if (rc != SQLITE_DONE)
		r = CAT_ERROR;
	sqlite3_reset(st);
	return r;
}

static int
activate(struct catalog *c, int64_t version, uint64_t size,
    const uint8_t sha256[32])
{
	sqlite3_stmt *st;
	int r;

	if ((st = cat_stmt(c, S_VER_ACTIVATE)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, version) |
	    sqlite3_bind_int64(st, 2, (int64_t)size) |
	    (sha256 != NULL ? sqlite3_bind_blob(st, 3, sha256, 32,
	    SQLITE_TRANSIENT) : sqlite3_bind_null(st, 3)) |
	    sqlite3_bind_int64(st, 4, cat_now(c)), "binding") != CAT_OK)
		return CAT_ERROR;
	if ((r = cat_exec(c, st, "activating a version")) != CAT_OK)
		return unexpected(c, r, "activating a version");
	return sqlite3_changes(c->db) == 1 ? CAT_OK : CAT_STATE;
}

/* Statements of the form WHERE object_id = ?1 with one more value, ?2. */
static int
on_object(struct catalog *c, enum cat_stmt id, int64_t object, int64_t v,
    const char *what)
{
	sqlite3_stmt *st;

	if ((st = cat_stmt(c, id)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, object) |
	    sqlite3_bind_int64(st, 2, v), "binding") != CAT_OK)
		return CAT_ERROR;
	return cat_exec(c, st, what);
}

/*
 * Inside the transaction, in this order: the old active version steps
 * down (the schema allows one active version per object), the new one
 * steps up, and retention trims the oldest inactive ones.
 */
static int
commit_in(struct catalog *c, const char *canon, int64_t version,
    uint64_t size, const uint8_t sha256[32])
{
	enum cat_state state = CAT_DELETING;
	enum cat_type type = CAT_DIR;
	int64_t object = 0;
	int r;

	if ((r = owned(c, canon, version, &state, &type, &object)) != CAT_OK)
		return r;
	if (state != CAT_PENDING)
		return CAT_STATE;
	if (type == CAT_FILE && sha256 == NULL)
		return CAT_INVALID;
	if ((r = on_object(c, S_VER_DEACTIVATE, object, cat_now(c),
	    "deactivating the previous version")) != CAT_OK)
		return r;
	if (cat_fault(c, "commit-deactivated") == -1)
		return CAT_ERROR;
	if ((r = activate(c, version, size, sha256)) != CAT_OK)
		return r;
	return on_object(c, S_VER_TRIM, object, c->keep_versions,
	    "applying retention");
}

int
catalog_object_commit(struct catalog *c, const char *node, int64_t version,
    uint64_t size, const uint8_t sha256[32])
{
	char canon[CAT_NAME_MAX + 1];

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (catalog_name_canon(node, canon) != CAT_OK || size > INT64_MAX)
		return CAT_INVALID;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	return cat_end(c, commit_in(c, canon, version, size, sha256), 0);
}

static int
abort_in(struct catalog *c, const char *canon, int64_t version)
{
	enum cat_state state = CAT_DELETING;
	enum cat_type type = CAT_DIR;
	int64_t object = 0;
	sqlite3_stmt *st;
	int r;

	if ((r = owned(c, canon, version, &state, &type, &object)) != CAT_OK)
		return r;
	if (state != CAT_PENDING)
		return CAT_STATE;
	if ((st = cat_stmt(c, S_VER_ABORT)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, version), "binding") !=
	    CAT_OK)
		return CAT_ERROR;
	return cat_exec(c, st, "abandoning a version");
}

int
catalog_object_abort(struct catalog *c, const char *node, int64_t version)
{
	char canon[CAT_NAME_MAX + 1];

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (catalog_name_canon(node, canon) != CAT_OK)
		return CAT_INVALID;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	return cat_end(c, abort_in(c, canon, version), 0);
}

static int
deactivate_in(struct catalog *c, const char *canon, const char *fs,
    const char *path, int64_t *version)
{
	sqlite3_stmt *st;
	const char *name;
	size_t dirlen;
	int64_t object = 0;
	int r;

	split(path, &dirlen, &name);
	if ((st = cat_stmt(c, S_OBJ_LOOKUP)) == NULL ||
	    cat_bound(c, sqlite3_bind_text(st, 1, canon, -1,
	    SQLITE_TRANSIENT), "binding") != CAT_OK ||
	    bind_path(c, st, 2, fs, strlen(fs)) != CAT_OK ||
	    bind_path(c, st, 3, path, dirlen) != CAT_OK ||
	    bind_path(c, st, 4, name, strlen(name)) != CAT_OK)
		return CAT_ERROR;
	if ((r = one_id(c, st, "finding an object", &object)) != CAT_OK)
		return r;
	/* RETURNING: the update is done by the first step, with its row */
	if ((st = cat_stmt(c, S_VER_DEACTIVATE_ONE)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, object) |
	    sqlite3_bind_int64(st, 2, cat_now(c)), "binding") != CAT_OK)
		return CAT_ERROR;
	return one_id(c, st, "deactivating a version", version);
}

int
catalog_object_deactivate(struct catalog *c, const char *node,
    const char *fs, const char *path, int64_t *version)
{
	char canon[CAT_NAME_MAX + 1];
	int64_t id = 0;
	int r;

	if (version != NULL)
		*version = 0;
	if ((r = object_args(c, node, fs, path, canon)) != CAT_OK)
		return r;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	r = cat_end(c, deactivate_in(c, canon, fs, path, &id), 0);
	if (r == CAT_OK && version != NULL)
		*version = id;
	return r;
}

/*
 * A pattern: a literal directory (no wildcard: it is an index lookup,
 * and the seed allows wildcards only in the last component) and a name
 * pattern; "/dir/" means "/dir/ *".
 */
static int
pattern_split(const char *pat, char dir[CAT_PATH_MAX + 2], size_t *dirlen,
    const char **name)
{
	char check[CAT_PATH_MAX + 1];

	if (pat == NULL || pat[0] != '/' || strlen(pat) > CAT_PATH_MAX)
		return CAT_INVALID;
	split(pat, dirlen, name);
	if (memchr(pat, '*', *dirlen) != NULL ||
	    memchr(pat, '?', *dirlen) != NULL ||
	    strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0)
		return CAT_INVALID;
	/* the directory part is a valid path, with its '/' added back */
	memcpy(check, pat, *dirlen);
	check[*dirlen > 1 ? *dirlen - 1 : 1] = '\0';
	if (!path_ok(check))
		return CAT_INVALID;
	memcpy(dir, pat, *dirlen);
	dir[*dirlen] = '\0';
	if ((*name)[0] == '\0')
		*name = "*";
	return CAT_OK;
}

static enum cat_state
state_of(const unsigned char *s)
{
	return s == NULL ? CAT_DELETING :
	    strcmp((const char *)s, "ACTIVE") == 0 ? CAT_ACTIVE :
	    strcmp((const char *)s, "INACTIVE") == 0 ? CAT_INACTIVE :
	    strcmp((const char *)s, "PENDING") == 0 ? CAT_PENDING :
	    CAT_DELETING;
}

static enum cat_type
type_of(const unsigned char *t)
{
	return t == NULL ? CAT_DIR : strcmp((const char *)t, "FILE") == 0 ?
	    CAT_FILE : strcmp((const char *)t, "LINK") == 0 ? CAT_LINK :
	    CAT_DIR;
}

/* A row of VERSION_COLS; 0, or -1 for a row that is not as written. */
static int
read_version(sqlite3_stmt *st, struct cat_version *v)
{
	const void *sha;

	v->version = sqlite3_column_int64(st, 0);
	v->dir = (const char *)sqlite3_column_text(st, 1);
	v->name = (const char *)sqlite3_column_text(st, 2);
	v->state = state_of(sqlite3_column_text(st, 3));
	v->type = type_of(sqlite3_column_text(st, 4));
	v->size = (uint64_t)sqlite3_column_int64(st, 5);
	v->mode = (uint32_t)sqlite3_column_int64(st, 6);
	v->uid = (uint32_t)sqlite3_column_int64(st, 7);
	v->gid = (uint32_t)sqlite3_column_int64(st, 8);
	v->mtime_ns = sqlite3_column_int64(st, 9);
	v->ctime_ns = sqlite3_column_int64(st, 10);
	v->link = (const char *)sqlite3_column_text(st, 11);
	memset(v->sha256, 0, sizeof(v->sha256));
	if ((sha = sqlite3_column_blob(st, 12)) != NULL &&
	    sqlite3_column_bytes(st, 12) == 32)
		memcpy(v->sha256, sha, 32);
	v->content = (const char *)sqlite3_column_text(st, 13);
	v->inserted = sqlite3_column_int64(st, 14);
	v->committed = sqlite3_column_int64(st, 15);
	v->deactivated = sqlite3_column_int64(st, 16);
	if (v->dir == NULL || v->name == NULL ||
	    (v->type == CAT_FILE) != content_ok(v->content) ||
	    (v->type == CAT_LINK && v->link == NULL) ||
	    (v->type == CAT_DIR && v->link != NULL))
		return -1;
	return 0;
}

/* The query's statement with every value bound. */
static sqlite3_stmt *
query_stmt(struct catalog *c, const char *canon, const char *fs,
    char *dir, size_t dirlen, int flags)
{
	sqlite3_stmt *st;
	int tree = (flags & CAT_Q_SUBDIR) != 0;

	if ((st = cat_stmt(c, tree ? S_QUERY_TREE : S_QUERY_DIR)) == NULL ||
	    cat_bound(c, sqlite3_bind_text(st, 1, canon, -1,
	    SQLITE_TRANSIENT) | sqlite3_bind_int(st, 3,
	    (flags & CAT_Q_INACTIVE) != 0), "binding") != CAT_OK ||
	    bind_path(c, st, 2, fs, strlen(fs)) != CAT_OK ||
	    bind_path(c, st, 4, dir, dirlen) != CAT_OK)
		return NULL;
	if (!tree)
		return st;
	/* every dir that starts with "DIR/" sorts before "DIR0" */
	dir[dirlen - 1] = '0';
	if (bind_path(c, st, 5, dir, dirlen) != CAT_OK)
		return NULL;
	return st;
}

int
cat_read_version(sqlite3_stmt *st, struct cat_version *v)
{
	return read_version(st, v);
}

/* One snapshot: a single SELECT reads one state of the catalog. */
static int
query_rows(struct catalog *c, sqlite3_stmt *st, const char *name,
    const char *canon, const char *fs, cat_version_cb *cb, void *arg)
{
	struct cat_version v;
	int rc, r = 0;

	memset(&v, 0, sizeof(v));
	v.node = canon;
	v.filespace = fs;
	while ((rc = cat_step(c, st, "querying")) == SQLITE_ROW) {
		if (read_version(st, &v) == -1) {
			bwk_msg("BWK1211E", "%s: version %lld is damaged; "
			    "skipping it. Stop the server and run its catalog "
			    "check", c->path, (long long)v.version);
			continue;
		}
		if (!bwk_name_match(name, v.name))
			continue;
		if ((r = cb(arg, &v)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r != 0)
		return r;
	return rc == SQLITE_DONE ? CAT_OK : CAT_ERROR;
}

int
catalog_object_query(struct catalog *c, const char *node, const char *fs,
    const char *pattern, int flags, cat_version_cb *cb, void *arg)
{
	char canon[CAT_NAME_MAX + 1], dir[CAT_PATH_MAX + 2];
	const char *name;
	sqlite3_stmt *st;
	size_t dirlen;
	int64_t id = 0;
	int r;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (catalog_name_canon(node, canon) != CAT_OK || !path_ok(fs) ||
	    (flags & ~(CAT_Q_INACTIVE | CAT_Q_SUBDIR)) != 0 ||
	    pattern_split(pattern, dir, &dirlen, &name) != CAT_OK)
		return CAT_INVALID;
	if ((r = node_id(c, canon, &id)) != CAT_OK)
		return r;
	if ((st = query_stmt(c, canon, fs, dir, dirlen, flags)) == NULL)
		return CAT_ERROR;
	return query_rows(c, st, name, canon, fs, cb, arg);
}

int
catalog_version_get(struct catalog *c, const char *node, int64_t version,
    cat_version_cb *cb, void *arg)
{
	char canon[CAT_NAME_MAX + 1];
	struct cat_version v;
	sqlite3_stmt *st;
	int rc, r = CAT_NOTFOUND;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (catalog_name_canon(node, canon) != CAT_OK)
		return CAT_INVALID;
	if (version <= 0)
		return CAT_NOTFOUND;
	if ((st = cat_stmt(c, S_VER_GET)) == NULL ||
	    cat_bound(c, sqlite3_bind_text(st, 1, canon, -1,
	    SQLITE_TRANSIENT) | sqlite3_bind_int64(st, 2, version),
	    "binding") != CAT_OK)
		return CAT_ERROR;
	memset(&v, 0, sizeof(v));
	v.node = canon;
	if ((rc = cat_step(c, st, "finding a version")) == SQLITE_ROW) {
		v.filespace = (const char *)sqlite3_column_text(st, 17);
		/* a damaged row is never handed out, as a query skips it */
		if (read_version(st, &v) == -1 || v.filespace == NULL)
			bwk_msg("BWK1211E", "%s: version %lld is damaged; "
			    "skipping it. Stop the server and run its catalog "
			    "check", c->path, (long long)version);
		else
			r = cb(arg, &v);
	} else if (rc != SQLITE_DONE)
		r = CAT_ERROR;
	sqlite3_reset(st);
	return r;
}

int
catalog_filespace_list(struct catalog *c, const char *node,
    cat_filespace_cb *cb, void *arg)
{
	char canon[CAT_NAME_MAX + 1];
	sqlite3_stmt *st;
	const char *name;
	int64_t id = 0;
	int rc, r = 0;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (catalog_name_canon(node, canon) != CAT_OK)
		return CAT_INVALID;
	if ((r = node_id(c, canon, &id)) != CAT_OK)
		return r;
	if ((st = cat_stmt(c, S_FS_LIST)) == NULL ||
	    cat_bound(c, sqlite3_bind_text(st, 1, canon, -1,
	    SQLITE_TRANSIENT), "binding") != CAT_OK)
		return CAT_ERROR;
	while ((rc = cat_step(c, st, "listing filespaces")) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		if (name != NULL &&
		    (r = cb(arg, name, sqlite3_column_int64(st, 1))) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r != 0)
		return r;
	return rc == SQLITE_DONE ? CAT_OK : CAT_ERROR;
}

/* Runs an UPDATE with one value, ?1; adds the rows it changed to *count. */
static int
mark(struct catalog *c, enum cat_stmt id, int64_t v, int *count,
    const char *what)
{
	sqlite3_stmt *st;
	int r;

	if ((st = cat_stmt(c, id)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, v), "binding") != CAT_OK)
		return CAT_ERROR;
	if ((r = cat_exec(c, st, what)) == CAT_OK)
		*count += sqlite3_changes(c->db);
	return r;
}

/* Runs an UPDATE with two values, ?1 and ?2; adds what it changed. */
static int
mark2(struct catalog *c, enum cat_stmt id, int64_t v1, int64_t v2,
    int *count, const char *what)
{
	sqlite3_stmt *st;
	int r;

	if ((st = cat_stmt(c, id)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, v1) |
	    sqlite3_bind_int64(st, 2, v2), "binding") != CAT_OK)
		return CAT_ERROR;
	if ((r = cat_exec(c, st, what)) == CAT_OK)
		*count += sqlite3_changes(c->db);
	return r;
}

static int
expire_in(struct catalog *c, int *count)
{
	int64_t now = cat_now(c);
	int r;

	if ((r = mark2(c, S_EXPIRE_AGE, now - (int64_t)c->keep_days * 86400,
	    now - (int64_t)c->keep_only_days * 86400, count,
	    "expiring old versions")) != CAT_OK)
		return r;
	return mark2(c, S_EXPIRE_COUNT, c->keep_versions, c->keep_deleted,
	    count, "expiring extra versions");
}

int
catalog_expire(struct catalog *c, int *count)
{
	int n = 0, r;

	if (count != NULL)
		*count = 0;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	r = cat_end(c, expire_in(c, &n), 0);
	if (r == CAT_OK && count != NULL)
		*count = n;
	return r;
}

struct reaped {
	int64_t	version;
	int64_t	object;
	int64_t	filespace;
	char	content[CAT_CONTENT_MAX];
	int	removed;
};

/* The next batch of DELETING versions after id `after`; -1 on error. */
static int
reap_batch(struct catalog *c, int64_t after, struct reaped *b)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc = SQLITE_DONE, n = 0;

	if ((st = cat_stmt(c, S_REAP_LIST)) == NULL ||
	    cat_bound(c, sqlite3_bind_int64(st, 1, after) |
	    sqlite3_bind_int(st, 2, REAP_BATCH), "binding") != CAT_OK)
		return -1;
	while (n < REAP_BATCH &&
	    (rc = cat_step(c, st, "listing expired versions")) == SQLITE_ROW) {
		memset(&b[n], 0, sizeof(b[n]));
		b[n].version = sqlite3_column_int64(st, 0);
		b[n].object = sqlite3_column_int64(st, 1);
		b[n].filespace = sqlite3_column_int64(st, 2);
		t = sqlite3_column_text(st, 3);
		if (t != NULL && !content_ok((const char *)t)) {
			bwk_msg("BWK1211E", "%s: version %lld names the content "
			    "file \"%.64s\", which the catalog never makes; "
			    "not removing it. Stop the server and restore the "
			    "catalog from its backup", c->path,
			    (long long)b[n].version, (const char *)t);
			b[n].removed = -1;
		} else if (t != NULL)
			memcpy(b[n].content, t, 36);
		n++;
	}
	sqlite3_reset(st);
	return n == REAP_BATCH || rc == SQLITE_DONE ? n : -1;
}

/* Inside the transaction: the rows of the versions whose files are gone. */
static int
reap_rows(struct catalog *c, const struct reaped *b, int n, int *count)
{
	int i, r, gone;

	for (i = 0; i < n; i++) {
		if (b[i].removed != 1)
			continue;
		gone = 0;
		if ((r = mark(c, S_REAP_VERSION, b[i].version, &gone,
		    "removing a version")) != CAT_OK ||
		    (r = mark(c, S_REAP_OBJECT, b[i].object, &gone,
		    "removing an object")) != CAT_OK ||
		    (r = mark(c, S_REAP_FILESPACE, b[i].filespace, &gone,
		    "removing a filespace")) != CAT_OK)
			return r;
		*count += 1;
	}
	return CAT_OK;
}

/* Removes the files of a batch through rm; the number that failed. */
static int
reap_files(struct reaped *b, int n, cat_remove_cb *rm, void *arg)
{
	int i, failed = 0;

	for (i = 0; i < n; i++) {
		if (b[i].removed == -1)
			failed++;
		else if (b[i].content[0] == '\0' || rm(arg, b[i].content) == 0)
			b[i].removed = 1;
		else
			failed++;
	}
	return failed;
}

int
catalog_reap(struct catalog *c, int64_t pending_before, cat_remove_cb *rm,
    void *arg, int *count)
{
	struct reaped b[REAP_BATCH];
	int64_t after = 0;
	int n, done = 0, failed = 0, ignore = 0, r;

	if (count != NULL)
		*count = 0;
	if (pending_before > 0) {
		/* first DELETING, so a late commit fails instead of racing rm */
		if (cat_begin(c) != CAT_OK)
			return CAT_ERROR;
		if (cat_end(c, mark(c, S_REAP_PENDING, pending_before, &ignore,
		    "abandoning old pending versions"), 0) != CAT_OK)
			return CAT_ERROR;
	} else if (cat_usable(c) == -1)
		return CAT_ERROR;
	while ((n = reap_batch(c, after, b)) > 0) {
		after = b[n - 1].version;
		failed += reap_files(b, n, rm, arg);
		if (cat_fault(c, "reap") == -1 || cat_begin(c) != CAT_OK)
			return CAT_ERROR;
		if ((r = cat_end(c, reap_rows(c, b, n, &done), 0)) != CAT_OK)
			return CAT_ERROR;
		if (count != NULL)
			*count = done;
	}
	if (n < 0)
		return CAT_ERROR;
	return failed ? CAT_ERROR : CAT_OK;
}
