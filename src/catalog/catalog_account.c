/*
 * Nodes and administrators: their names, SCRAM verifiers,
 * SESSIONSECURITY, password expiry, and the sign-on failure count with
 * its lock (docs/catalog.md, "The lock policy").
 */
#include <string.h>

#include "catalog_int.h"

static int
name_char(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-' ||
	    ch == '+' || ch == '&';
}

/*
 * The seed's node names, as the client's NODENAME takes them: no leading
 * '-', which an administrator's command line would read as an option.
 */
int
catalog_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '-')
		return 0;
	for (i = 0; name[i] != '\0'; i++)
		if (i >= CAT_NAME_MAX || !name_char((unsigned char)name[i]))
			return 0;
	return 1;
}

/*
 * Names are case-insensitive, as the seed's: stored upper case (ASCII
 * only, whatever the locale), so that the UNIQUE column is the rule.
 */
int
catalog_name_canon(const char *name, char out[CAT_NAME_MAX + 1])
{
	size_t i;

	if (!catalog_name_ok(name))
		return CAT_INVALID;
	for (i = 0; name[i] != '\0'; i++)
		out[i] = name[i] >= 'a' && name[i] <= 'z' ?
		    name[i] - 'a' + 'A' : name[i];
	out[i] = '\0';
	return CAT_OK;
}

int
catalog_verifier_ok(const struct scram_verifier *v)
{
	return v != NULL && v->p.salt_len >= SCRAM_SALT_MIN &&
	    v->p.salt_len <= SCRAM_SALT_MAX && v->p.iter >= SCRAM_ITER_FLOOR &&
	    v->p.iter <= SCRAM_ITER_MAX;
}

static int
kind_ok(enum cat_kind kind)
{
	return kind == CAT_NODE || kind == CAT_ADMIN;
}

static const char *
security_text(enum cat_security s)
{
	return s == CAT_STRICT ? "STRICT" : "TRANSITIONAL";
}

static int
security_ok(enum cat_security s)
{
	return s == CAT_STRICT || s == CAT_TRANSITIONAL;
}

/* Binds a verifier to ?first .. ?first+3: salt, count, StoredKey, ServerKey. */
static int
bind_verifier(struct catalog *c, sqlite3_stmt *st, int first,
    const struct scram_verifier *v)
{
	return cat_bound(c,
	    sqlite3_bind_blob(st, first, v->p.salt, (int)v->p.salt_len,
	    SQLITE_TRANSIENT) |
	    sqlite3_bind_int64(st, first + 1, v->p.iter) |
	    sqlite3_bind_blob(st, first + 2, v->stored_key, SCRAM_HASH_LEN,
	    SQLITE_TRANSIENT) |
	    sqlite3_bind_blob(st, first + 3, v->server_key, SCRAM_HASH_LEN,
	    SQLITE_TRANSIENT), "binding a verifier");
}

static int
bind_name(struct catalog *c, sqlite3_stmt *st, const char *canon)
{
	return cat_bound(c, sqlite3_bind_text(st, 1, canon, -1,
	    SQLITE_TRANSIENT), "binding a name");
}

/* Copies a blob column of exactly len bytes, or fails (a damaged row). */
static int
column_exact(sqlite3_stmt *st, int col, uint8_t *out, size_t len)
{
	const void *p = sqlite3_column_blob(st, col);

	if (p == NULL || (size_t)sqlite3_column_bytes(st, col) != len)
		return -1;
	memcpy(out, p, len);
	return 0;
}

/* A row of ACCT_COLS; the schema's CHECKs hold, but a reader checks too. */
static int
read_account(struct catalog *c, sqlite3_stmt *st, struct cat_account *a)
{
	const unsigned char *name = sqlite3_column_text(st, 0);
	const unsigned char *sec = sqlite3_column_text(st, 5);
	int saltlen = sqlite3_column_bytes(st, 1);
	int64_t iter = sqlite3_column_int64(st, 2);

	memset(a, 0, sizeof(*a));
	if (name == NULL || strlen((const char *)name) > CAT_NAME_MAX ||
	    sec == NULL || saltlen < SCRAM_SALT_MIN ||
	    saltlen > SCRAM_SALT_MAX || iter < 1 || iter > UINT32_MAX ||
	    column_exact(st, 1, a->verifier.p.salt, (size_t)saltlen) == -1 ||
	    column_exact(st, 3, a->verifier.stored_key, SCRAM_HASH_LEN) == -1 ||
	    column_exact(st, 4, a->verifier.server_key, SCRAM_HASH_LEN) == -1)
		return cat_fail(c, SQLITE_CORRUPT, "reading an account");
	memcpy(a->name, name, strlen((const char *)name) + 1);
	a->verifier.p.salt_len = (size_t)saltlen;
	a->verifier.p.iter = (uint32_t)iter;
	a->security = strcmp((const char *)sec, "STRICT") == 0 ? CAT_STRICT :
	    CAT_TRANSITIONAL;
	a->password_expires = sqlite3_column_int64(st, 6);
	a->failed_signons = sqlite3_column_int(st, 7);
	a->locked_until = sqlite3_column_int64(st, 8);
	a->last_signon = sqlite3_column_int64(st, 9);
	a->created = sqlite3_column_int64(st, 10);
	a->updated = sqlite3_column_int64(st, 11);
	return CAT_OK;
}

/* One account by its stored name: CAT_OK, CAT_NOTFOUND or CAT_ERROR. */
static int
get_canon(struct catalog *c, enum cat_kind kind, const char *canon,
    struct cat_account *a)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((st = cat_acct(c, S_ACCT_GET, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK)
		return CAT_ERROR;
	rc = cat_step(c, st, "reading an account");
	r = rc == SQLITE_ROW ? read_account(c, st, a) :
	    rc == SQLITE_DONE ? CAT_NOTFOUND : CAT_ERROR;
	sqlite3_reset(st);
	return r;
}

/* The arguments every account call checks first. */
static int
prologue(struct catalog *c, enum cat_kind kind, const char *name,
    char canon[CAT_NAME_MAX + 1])
{
	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (!kind_ok(kind))
		return CAT_INVALID;
	return catalog_name_canon(name, canon);
}

int
catalog_account_register(struct catalog *c, enum cat_kind kind,
    const char *name, const struct scram_verifier *v, enum cat_security sec,
    int64_t expires)
{
	char canon[CAT_NAME_MAX + 1];
	sqlite3_stmt *st;
	int r;

	if ((r = prologue(c, kind, name, canon)) != CAT_OK)
		return r;
	if (!catalog_verifier_ok(v) || !security_ok(sec) || expires < 0)
		return CAT_INVALID;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	if ((st = cat_acct(c, S_ACCT_INSERT, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK ||
	    bind_verifier(c, st, 2, v) != CAT_OK ||
	    cat_bound(c, sqlite3_bind_text(st, 6, security_text(sec), -1,
	    SQLITE_STATIC) | sqlite3_bind_int64(st, 7, expires) |
	    sqlite3_bind_int64(st, 8, cat_now(c)), "binding") != CAT_OK)
		return cat_end(c, CAT_ERROR, 0);
	r = cat_exec(c, st, "registering");
	return cat_end(c, r, 0);
}

/* One UPDATE of an account: ?1 the name, then the values the caller bound. */
static int
apply(struct catalog *c, sqlite3_stmt *st, const char *what)
{
	int r = cat_exec(c, st, what);

	if (r == CAT_OK && sqlite3_changes(c->db) != 1)
		r = CAT_NOTFOUND;
	return r;
}

static int
set_verifier(struct catalog *c, enum cat_kind kind, const char *canon,
    const struct scram_verifier *v, int64_t expires)
{
	sqlite3_stmt *st;

	if ((st = cat_acct(c, S_ACCT_SET_VERIFIER, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK ||
	    bind_verifier(c, st, 2, v) != CAT_OK ||
	    cat_bound(c, sqlite3_bind_int64(st, 6, expires) |
	    sqlite3_bind_int64(st, 7, cat_now(c)), "binding") != CAT_OK)
		return CAT_ERROR;
	return apply(c, st, "changing a verifier");
}

/* Statements of the form SET column = ?2, updated = ?3 WHERE name = ?1. */
static int
set_one(struct catalog *c, enum cat_stmt id, enum cat_kind kind,
    const char *canon, const char *text, int64_t value, const char *what)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = cat_acct(c, id, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK)
		return CAT_ERROR;
	rc = text != NULL ?
	    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC) :
	    sqlite3_bind_int64(st, 2, value);
	if (cat_bound(c, rc | sqlite3_bind_int64(st, 3, cat_now(c)),
	    "binding") != CAT_OK)
		return CAT_ERROR;
	return apply(c, st, what);
}

static int
unlock(struct catalog *c, enum cat_kind kind, const char *canon)
{
	sqlite3_stmt *st;

	if ((st = cat_acct(c, S_ACCT_UNLOCK, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK ||
	    cat_bound(c, sqlite3_bind_int64(st, 2, cat_now(c)),
	    "binding") != CAT_OK)
		return CAT_ERROR;
	return apply(c, st, "unlocking");
}

static int
update_ok(const struct cat_update *u)
{
	if (u == NULL || u->what == 0 || (u->what & ~(CAT_SET_VERIFIER |
	    CAT_SET_SECURITY | CAT_SET_EXPIRES | CAT_SET_UNLOCK)) != 0)
		return 0;
	if ((u->what & CAT_SET_VERIFIER) && !catalog_verifier_ok(u->verifier))
		return 0;
	if ((u->what & CAT_SET_SECURITY) && !security_ok(u->security))
		return 0;
	return u->password_expires >= 0;
}

/* Inside the transaction: each change in turn, all or none. */
static int
update_all(struct catalog *c, enum cat_kind kind, const char *canon,
    const struct cat_update *u)
{
	struct cat_account a;
	int64_t expires;
	int r;

	if ((r = get_canon(c, kind, canon, &a)) != CAT_OK)
		return r;
	expires = (u->what & CAT_SET_EXPIRES) ? u->password_expires :
	    a.password_expires;
	if ((u->what & CAT_SET_VERIFIER) && (r = set_verifier(c, kind, canon,
	    u->verifier, expires)) != CAT_OK)
		return r;
	if (cat_fault(c, "update") == -1)
		return CAT_ERROR;
	if ((u->what & CAT_SET_SECURITY) && (r = set_one(c,
	    S_ACCT_SET_SECURITY, kind, canon, security_text(u->security), 0,
	    "changing SESSIONSECURITY")) != CAT_OK)
		return r;
	if ((u->what & CAT_SET_EXPIRES) && !(u->what & CAT_SET_VERIFIER) &&
	    (r = set_one(c, S_ACCT_SET_EXPIRES, kind, canon, NULL, expires,
	    "changing the password expiry")) != CAT_OK)
		return r;
	if ((u->what & CAT_SET_UNLOCK) && (r = unlock(c, kind, canon)) != CAT_OK)
		return r;
	return CAT_OK;
}

int
catalog_account_update(struct catalog *c, enum cat_kind kind,
    const char *name, const struct cat_update *u)
{
	char canon[CAT_NAME_MAX + 1];
	int r;

	if ((r = prologue(c, kind, name, canon)) != CAT_OK)
		return r;
	if (!update_ok(u))
		return CAT_INVALID;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	return cat_end(c, update_all(c, kind, canon, u), 0);
}

int
catalog_account_set_verifier(struct catalog *c, enum cat_kind kind,
    const char *name, const struct scram_verifier *v, int64_t expires)
{
	struct cat_update u;

	memset(&u, 0, sizeof(u));
	u.what = CAT_SET_VERIFIER | CAT_SET_EXPIRES;
	u.verifier = v;
	u.password_expires = expires;
	return catalog_account_update(c, kind, name, &u);
}

int
catalog_account_set_security(struct catalog *c, enum cat_kind kind,
    const char *name, enum cat_security sec)
{
	struct cat_update u;

	memset(&u, 0, sizeof(u));
	u.what = CAT_SET_SECURITY;
	u.security = sec;
	return catalog_account_update(c, kind, name, &u);
}

int
catalog_account_remove(struct catalog *c, enum cat_kind kind,
    const char *name)
{
	char canon[CAT_NAME_MAX + 1];
	sqlite3_stmt *st;
	int r;

	if ((r = prologue(c, kind, name, canon)) != CAT_OK)
		return r;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	if ((st = cat_acct(c, S_ACCT_DELETE, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK)
		return cat_end(c, CAT_ERROR, 0);
	return cat_end(c, apply(c, st, "removing"), 0);
}

int
catalog_account_get(struct catalog *c, enum cat_kind kind, const char *name,
    struct cat_account *out)
{
	char canon[CAT_NAME_MAX + 1];
	int r;

	if ((r = prologue(c, kind, name, canon)) != CAT_OK)
		return r;
	return get_canon(c, kind, canon, out);
}

int
catalog_account_list(struct catalog *c, enum cat_kind kind,
    cat_account_cb *cb, void *arg)
{
	struct cat_account a;
	sqlite3_stmt *st;
	int rc, r = CAT_OK;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (!kind_ok(kind))
		return CAT_INVALID;
	if ((st = cat_acct(c, S_ACCT_LIST, kind)) == NULL)
		return CAT_ERROR;
	while ((rc = cat_step(c, st, "listing accounts")) == SQLITE_ROW) {
		if ((r = read_account(c, st, &a)) != CAT_OK)
			break;
		if ((r = cb(arg, &a)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r != CAT_OK)
		return r;
	return rc == SQLITE_DONE ? CAT_OK : CAT_ERROR;
}

static int
locked_now(const struct cat_account *a, int64_t now)
{
	return a->locked_until > now;
}

/* Inside the transaction. */
static int
success(struct catalog *c, enum cat_kind kind, const char *canon,
    int *became_strict)
{
	struct cat_account a;
	sqlite3_stmt *st;
	int64_t now = cat_now(c);
	int r;

	if ((r = get_canon(c, kind, canon, &a)) != CAT_OK)
		return r;
	if (locked_now(&a, now))
		return CAT_LOCKED;
	if ((st = cat_acct(c, S_ACCT_SUCCESS, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK ||
	    cat_bound(c, sqlite3_bind_int64(st, 2, now), "binding") != CAT_OK)
		return CAT_ERROR;
	if ((r = apply(c, st, "recording a sign-on")) != CAT_OK)
		return r;
	if (became_strict != NULL)
		*became_strict = a.security == CAT_TRANSITIONAL;
	return CAT_OK;
}

int
catalog_signon_success(struct catalog *c, enum cat_kind kind,
    const char *name, int *became_strict)
{
	char canon[CAT_NAME_MAX + 1];
	int r;

	if (became_strict != NULL)
		*became_strict = 0;
	if ((r = prologue(c, kind, name, canon)) != CAT_OK)
		return r;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	r = success(c, kind, canon, became_strict);
	if (r != CAT_OK && became_strict != NULL)
		*became_strict = 0;
	return cat_end(c, r, 0);
}

/*
 * Inside the transaction. Counts the failure; at the policy's count the
 * account locks. The count is kept through the lock and cleared only by
 * a success or an administrator, so once a lock has expired the next
 * failure locks again at once: a guesser gets one try per lock period.
 */
static int
failure(struct catalog *c, enum cat_kind kind, const char *canon,
    int64_t *until, int *keep)
{
	struct cat_account a;
	sqlite3_stmt *st;
	int64_t now = cat_now(c), lock = 0;
	int r, count;

	if ((r = get_canon(c, kind, canon, &a)) != CAT_OK)
		return r;
	if (locked_now(&a, now)) {
		*until = a.locked_until;
		return CAT_LOCKED;	/* changes nothing: rolled back */
	}
	count = a.failed_signons < c->lock_failures ? a.failed_signons + 1 :
	    c->lock_failures;
	if (count >= c->lock_failures)
		lock = now + c->lock_seconds;
	if ((st = cat_acct(c, S_ACCT_FAILURE, kind)) == NULL ||
	    bind_name(c, st, canon) != CAT_OK ||
	    cat_bound(c, sqlite3_bind_int(st, 2, count) |
	    sqlite3_bind_int64(st, 3, lock), "binding") != CAT_OK)
		return CAT_ERROR;
	if ((r = apply(c, st, "counting a failed sign-on")) != CAT_OK)
		return r;
	if (cat_fault(c, "failure") == -1)
		return CAT_ERROR;
	*until = lock;
	if (lock == 0)
		return CAT_OK;
	*keep = 1;		/* the lock is the change to commit */
	return CAT_LOCKED;
}

int
catalog_signon_failure(struct catalog *c, enum cat_kind kind,
    const char *name, int64_t *locked_until)
{
	char canon[CAT_NAME_MAX + 1];
	int64_t until = 0;
	int r, keep = 0;

	if (locked_until != NULL)
		*locked_until = 0;
	if ((r = prologue(c, kind, name, canon)) != CAT_OK)
		return r;
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	r = failure(c, kind, canon, &until, &keep);	/* sets keep first */
	r = cat_end(c, r, keep);
	if (locked_until != NULL && r == CAT_LOCKED)
		*locked_until = until;
	return r;
}

int
catalog_account_locked(struct catalog *c, enum cat_kind kind,
    const char *name, int *locked, int64_t *until)
{
	struct cat_account a;
	int r;

	*locked = 0;
	if (until != NULL)
		*until = 0;
	if ((r = catalog_account_get(c, kind, name, &a)) != CAT_OK)
		return r;
	if (locked_now(&a, cat_now(c))) {
		*locked = 1;
		if (until != NULL)
			*until = a.locked_until;
	}
	return CAT_OK;
}
