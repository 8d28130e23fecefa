/*
 * A node's objects against a real bulwarkd (docs/protocol.md, "Objects"):
 * backup, query, restore and deactivate, frame by frame, through the
 * library's own client session in a sandboxed child (srvfix.c's relay),
 * on loopback. Each test has its own instance with nodes N1 and N2 and
 * administrator BOSS. What the server stored is read back through the
 * protocol, and its data directory is looked at directly: nothing a
 * refused or abandoned backup began may stay there.
 */
#define _GNU_SOURCE	/* unshare */
#include <sys/mount.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/tls/objects.h"
#include "../src/tls/session.h"
#include "helpers.h"
#include "srvfix.h"

static void setup(void) { t_need_sandbox(); t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(objects, .init = setup, .fini = teardown, .timeout = 120);

#define FS		"/home"
#define N1_PW		"correct-horse-1"
#define N2_PW		"correct-horse-2"
#define BOSS_PW		"boss-password-1"
#define T_MTIME		1690000000123456789LL
#define T_CTIME		1690000001000000001LL

static struct wire_frame frame;
static struct wire_out out;

static void
console(const struct srv *v, const char *kind, const char *name,
    const char *pw)
{
	const char *argv[] = { "--instance", v->dir, kind, "register", name,
	    NULL };
	char line[128];
	struct run r;

	snprintf(line, sizeof(line), "%s\n", pw);
	t_run_input(&r, "bulwarkd", argv, line);
	cr_assert_eq(r.status, 0, "%s register %s: %s%s", kind, name, r.out,
	    r.err);
}

/* Set up, not started: the accounts; the caller may change data/ first. */
static void
objects_init(struct srv *v)
{
	srv_init(v, NULL);
	console(v, "node", "n1", N1_PW);
	console(v, "node", "n2", N2_PW);
	console(v, "admin", "boss", BOSS_PW);
}

/* Started, its certificate pinned for srv1. */
static void
objects_start(struct srv *v)
{
	struct run r;

	srv_start(v);
	srv_check(&r, v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
}

static void
objects_server(struct srv *v)
{
	objects_init(v);
	objects_start(v);
}

/*
 * A signed-on session of node n1 or n2. The key database holds one
 * node's password for a server, and the salt of its last sign-on, which
 * another node's would not match: both are the node's first.
 */
static void
node(struct relay *c, const struct srv *v, const char *name)
{
	struct run r;

	(void)t_cert_cmd(&r, "-delete", "-label", "scram@srv1", NULL);
	t_nodepw("srv1", name, strcmp(name, "n1") == 0 ? N1_PW : N2_PW);
	relay_start(c, v, name, NULL);
}

static void
put_backup(struct wire_out *w, const char *name, uint8_t type,
    uint32_t mode, const char *link)
{
	wire_begin(w, WIRE_BACKUP);
	wire_put_path(w, FS);
	wire_put_path(w, name);
	wire_put_n8(w, type);
	wire_put_n32(w, mode);
	wire_put_n32(w, 1000);
	wire_put_n32(w, 100);
	wire_put_n64(w, (uint64_t)T_MTIME);
	wire_put_n64(w, (uint64_t)T_CTIME);
	wire_put_text(w, link, WIRE_PATH_MAX);
}

/* BACKUP of a FILE and its bytes in DATA frames of chunk bytes. */
static void
send_file(struct relay *c, const char *name, const uint8_t *b, size_t n,
    size_t chunk)
{
	size_t off, k;

	put_backup(&out, name, WIRE_OBJ_FILE, 0640, "");
	relay_send(c, &out);
	for (off = 0; off < n; off += k) {
		k = n - off < chunk ? n - off : chunk;
		wire_begin(&out, WIRE_DATA);
		wire_put(&out, b + off, k);
		relay_send(c, &out);
	}
}

static void
send_end(struct relay *c, uint64_t size, const uint8_t sha[32])
{
	wire_begin(&out, WIRE_DATA_END);
	wire_put_n64(&out, size);
	wire_put(&out, sha, 32);
	relay_send(c, &out);
}

static void
send_empty(struct relay *c, uint16_t type)
{
	wire_begin(&out, type);
	relay_send(c, &out);
}

static void
recv_frame(struct relay *c, uint16_t type)
{
	char id[9];

	cr_assert_eq(relay_recv(c, &frame, id), 1, "the session ended (%s)",
	    id);
	cr_assert_eq(frame.type, type, "a %s frame where %s was due",
	    wire_type_name(frame.type), wire_type_name(type));
}

static int64_t
expect_ok(struct relay *c)
{
	uint64_t version;

	recv_frame(c, WIRE_OBJECT_OK);
	cr_assert_eq(wire_get_n64(&frame.in, &version), 0);
	cr_assert_eq(wire_end(&frame.in), 0);
	return (int64_t)version;
}

/* OBJECT_REFUSED with that ID; its text in text. */
static void
expect_refused(struct relay *c, const char *want, char text[WIRE_TEXT_MAX + 1])
{
	char id[9];

	if (relay_recv(c, &frame, id) != 1)
		cr_assert_fail("the session ended (%s)", id);
	cr_assert_eq(frame.type, WIRE_OBJECT_REFUSED, "a %s frame, not "
	    "OBJECT_REFUSED", wire_type_name(frame.type));
	cr_assert_eq(wire_get(&frame.in, id, 8), 0);
	id[8] = '\0';
	cr_assert_eq(wire_get_text(&frame.in, text, WIRE_TEXT_MAX), 0);
	cr_assert_eq(wire_end(&frame.in), 0);
	cr_assert_str_eq(id, want, "%s: %s", id, text);
}

/* ERROR with that ID, then the server's close. */
static void
expect_error(struct relay *c, const char *want)
{
	char id[9], text[WIRE_TEXT_MAX + 1];

	recv_frame(c, WIRE_ERROR);
	cr_assert_eq(wire_get(&frame.in, id, 8), 0);
	id[8] = '\0';
	cr_assert_eq(wire_get_text(&frame.in, text, WIRE_TEXT_MAX), 0);
	cr_assert_str_eq(id, want, "%s: %s", id, text);
	cr_assert_neq(relay_recv(c, &frame, NULL), 1, "a frame after ERROR");
}

static int64_t
backup_file(struct relay *c, const char *name, const uint8_t *b, size_t n)
{
	uint8_t sha[32];

	cr_assert_eq(wc_Sha256Hash(b, (word32)n, sha), 0);
	send_file(c, name, b, n, WIRE_DATA_MAX);
	send_end(c, n, sha);
	return expect_ok(c);
}

/*
 * QUERY_BACKUP's answer: every entry of every OBJECTS frame, read with
 * the client's codec; *frames counts them. Each frame but the last says
 * more is coming, and was filled until another entry might not fit.
 */
static size_t
query(struct relay *c, const char *pattern, uint8_t flags,
    struct wire_object *o, size_t max, int *frames)
{
	static struct wire_object scratch;
	uint8_t more = 1;
	uint16_t count, i;
	size_t n = 0;

	wire_begin(&out, WIRE_QUERY_BACKUP);
	wire_put_path(&out, FS);
	wire_put_path(&out, pattern);
	wire_put_n8(&out, flags);
	relay_send(c, &out);
	*frames = 0;
	while (more) {
		recv_frame(c, WIRE_OBJECTS);
		(*frames)++;
		cr_assert_eq(wire_get_n8(&frame.in, &more), 0);
		cr_assert_eq(wire_get_n16(&frame.in, &count), 0);
		cr_assert_leq(more, 1);
		for (i = 0; i < count; i++, n++)
			cr_assert_eq(wire_get_object(&frame.in, n < max ?
			    &o[n] : &scratch), 0, "entry %zu", n);
		cr_assert_eq(wire_end(&frame.in), 0);
		if (more)
			cr_assert_lt(WIRE_MAX_PAYLOAD - frame.len,
			    WIRE_OBJECT_MAX, "a frame sent before it was full");
	}
	return n;
}

/* RESTORE: the bytes of the RDATA frames, and RDATA_END's size and hash. */
static size_t
restore(struct relay *c, int64_t version, uint8_t *b, size_t max,
    uint64_t *size, uint8_t sha[32])
{
	size_t n = 0;

	wire_begin(&out, WIRE_RESTORE);
	wire_put_n64(&out, (uint64_t)version);
	relay_send(c, &out);
	for (;;) {
		cr_assert_eq(relay_recv(c, &frame, NULL), 1);
		if (frame.type != WIRE_RDATA)
			break;
		cr_assert(frame.len >= 1 && frame.len <= WIRE_DATA_MAX);
		cr_assert_leq(n + frame.len, max);
		memcpy(b + n, frame.payload, frame.len);
		n += frame.len;
	}
	cr_assert_eq(frame.type, WIRE_RDATA_END, "a %s frame",
	    wire_type_name(frame.type));
	cr_assert_eq(wire_get_n64(&frame.in, size), 0);
	cr_assert_eq(wire_get(&frame.in, sha, 32), 0);
	cr_assert_eq(wire_end(&frame.in), 0);
	return n;
}

static uint8_t *
pattern_bytes(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n + 1);
	size_t i;

	cr_assert_not_null(b);
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 131 + seed) ^ (i >> 8));
	return b;
}

static void
bye(struct relay *c)
{
	send_empty(c, WIRE_BYE);
	recv_frame(c, WIRE_BYE_OK);
	relay_stop(c);
}

Test(objects, file_in_frames_then_query_and_restore)
{
	static struct wire_object o[4];
	static uint8_t back[40000];
	const size_t n = 2 * WIRE_DATA_MAX + 1000;
	uint8_t *b = pattern_bytes(n, 7), sha[32], rsha[32];
	struct relay c;
	struct srv v;
	uint64_t size;
	int64_t version;
	int frames;

	objects_server(&v);
	node(&c, &v, "n1");
	cr_assert_eq(wc_Sha256Hash(b, (word32)n, sha), 0);
	send_file(&c, "/docs/a.txt", b, n, WIRE_DATA_MAX);
	send_end(&c, n, sha);
	version = expect_ok(&c);
	cr_assert_gt(version, 0);

	cr_assert_eq(query(&c, "/docs/a.txt", 0, o, 4, &frames), 1);
	cr_assert_eq(frames, 1);
	cr_assert_eq(o[0].version, (uint64_t)version);
	cr_assert_eq(o[0].state, WIRE_STATE_ACTIVE);
	cr_assert_eq(o[0].type, WIRE_OBJ_FILE);
	cr_assert_eq(o[0].size, n);
	cr_assert_eq(o[0].mode, 0640);
	cr_assert_eq(o[0].uid, 1000);
	cr_assert_eq(o[0].gid, 100);
	cr_assert_eq(o[0].mtime_ns, T_MTIME);
	cr_assert_eq(o[0].ctime_ns, T_CTIME);
	cr_assert_gt(o[0].committed, 0);
	cr_assert_eq(o[0].deactivated, 0);
	cr_assert_eq(memcmp(o[0].sha256, sha, 32), 0);
	cr_assert_str_eq(o[0].path, "/docs/a.txt");
	cr_assert_str_eq(o[0].link, "");

	cr_assert_eq(restore(&c, version, back, sizeof(back), &size, rsha), n);
	cr_assert_eq(size, n);
	cr_assert_eq(memcmp(back, b, n), 0, "the bytes restored are not the "
	    "ones backed up");
	cr_assert_eq(memcmp(rsha, sha, 32), 0);
	bye(&c);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1520I"), "node N1: objects "
	    "stored: 1 (33752 bytes); refused: 0; abandoned: 0; deactivated: 0; "
	    "queries: 1; versions restored: 1 (33752 bytes)"), "%s", srv_log(&v));
	free(b);
	t_peer_stop(&v.p);
}

/* Odd sizes: an empty file, and data frames of one byte. */
Test(objects, empty_file_and_one_byte_frames)
{
	static uint8_t back[64];
	uint8_t sha[32], rsha[32];
	const uint8_t *b = (const uint8_t *)"seventeen bytes!!";
	struct relay c;
	struct srv v;
	uint64_t size;
	int64_t e, f;

	objects_server(&v);
	node(&c, &v, "n1");
	e = backup_file(&c, "/empty", (const uint8_t *)"", 0);
	cr_assert_eq(wc_Sha256Hash(b, 17, sha), 0);
	send_file(&c, "/bytes", b, 17, 1);
	send_end(&c, 17, sha);
	f = expect_ok(&c);
	cr_assert_eq(restore(&c, e, back, sizeof(back), &size, rsha), 0);
	cr_assert_eq(size, 0);
	cr_assert_eq(restore(&c, f, back, sizeof(back), &size, rsha), 17);
	cr_assert_eq(memcmp(back, b, 17), 0);
	bye(&c);
	t_peer_stop(&v.p);
}

Test(objects, directory_and_link)
{
	static struct wire_object o[8];
	char text[WIRE_TEXT_MAX + 1];
	struct relay c;
	struct srv v;
	int64_t d, l;
	int frames;

	objects_server(&v);
	node(&c, &v, "n1");
	put_backup(&out, "/docs", WIRE_OBJ_DIR, 0755, "");
	relay_send(&c, &out);
	d = expect_ok(&c);
	put_backup(&out, "/docs/l", WIRE_OBJ_LINK, 0777, "../elsewhere/t");
	relay_send(&c, &out);
	l = expect_ok(&c);
	cr_assert_gt(l, d);

	cr_assert_eq(query(&c, "/*", WIRE_Q_SUBDIR, o, 8, &frames), 2);
	cr_assert_str_eq(o[0].path, "/docs");
	cr_assert_eq(o[0].type, WIRE_OBJ_DIR);
	cr_assert_eq(o[0].mode, 0755);
	cr_assert_eq(o[0].size, 0);
	cr_assert_str_eq(o[1].path, "/docs/l");
	cr_assert_eq(o[1].type, WIRE_OBJ_LINK);
	cr_assert_str_eq(o[1].link, "../elsewhere/t");
	cr_assert_eq(o[1].version, (uint64_t)l);
	/* without SUBDIR, the last part in /docs/ only */
	cr_assert_eq(query(&c, "/docs/", 0, o, 8, &frames), 1);
	cr_assert_str_eq(o[0].path, "/docs/l");
	/* a directory has nothing to restore */
	wire_begin(&out, WIRE_RESTORE);
	wire_put_n64(&out, (uint64_t)d);
	relay_send(&c, &out);
	expect_refused(&c, "BWK1511E", text);
	cr_assert(t_contains(text, "is a directory"), "%s", text);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 0);
	bye(&c);
	t_peer_stop(&v.p);
}

/*
 * A DATA_END whose size or hash is not what the server received: refused,
 * nothing of it visible or left in data/, and the previous version is
 * still the active one.
 */
Test(objects, wrong_hash_or_size_refused_previous_stays)
{
	static struct wire_object o[4];
	char text[WIRE_TEXT_MAX + 1];
	uint8_t *b = pattern_bytes(5000, 3), sha[32];
	struct relay c;
	struct srv v;
	int64_t v1;
	int frames;

	objects_server(&v);
	node(&c, &v, "n1");
	v1 = backup_file(&c, "/f", b, 5000);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 1);

	b[10] ^= 1;	/* the client hashed other bytes than it sent */
	cr_assert_eq(wc_Sha256Hash(b, 5000, sha), 0);
	b[10] ^= 1;
	send_file(&c, "/f", b, 5000, 1000);
	send_end(&c, 5000, sha);
	expect_refused(&c, "BWK1505E", text);
	cr_assert(t_contains(text, "\"/home/f\"") &&
	    t_contains(text, "not what the client said it sent"), "%s", text);

	cr_assert_eq(wc_Sha256Hash(b, 5000, sha), 0);
	send_file(&c, "/f", b, 5000, 1000);
	send_end(&c, 4999, sha);
	expect_refused(&c, "BWK1505E", text);

	cr_assert_eq(query(&c, "/f", WIRE_Q_INACTIVE, o, 4, &frames), 1);
	cr_assert_eq(o[0].version, (uint64_t)v1);
	cr_assert_eq(o[0].state, WIRE_STATE_ACTIVE);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 1, "a refused file's content "
	    "was left in data/");
	bye(&c);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1520I"), "objects stored: 1 "
	    "(5000 bytes); refused: 2;"), "%s", srv_log(&v));
	free(b);
	t_peer_stop(&v.p);
}

/* ABANDON: nothing is stored, nothing answers it, the next request works. */
Test(objects, abandon_stores_nothing_and_is_not_answered)
{
	static struct wire_object o[4];
	uint8_t *b = pattern_bytes(20000, 9);
	struct relay c;
	struct srv v;
	int frames;

	objects_server(&v);
	node(&c, &v, "n1");
	send_file(&c, "/changing", b, 20000, WIRE_DATA_MAX);
	send_empty(&c, WIRE_ABANDON);
	/* the first frame after it answers the query */
	cr_assert_eq(query(&c, "/*", WIRE_Q_INACTIVE | WIRE_Q_SUBDIR, o, 4,
	    &frames), 0);
	cr_assert_eq(frames, 1);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 0);
	backup_file(&c, "/changing", b, 100);
	bye(&c);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1520I"), "abandoned: 1;"), "%s",
	    srv_log(&v));
	free(b);
	t_peer_stop(&v.p);
}

/*
 * A name the catalog will not store: a FILE's data is still read to its
 * DATA_END, which the refusal answers; a DIR is refused at once; the
 * session goes on.
 */
Test(objects, dotdot_refused_and_the_session_goes_on)
{
	static struct wire_object o[4];
	char text[WIRE_TEXT_MAX + 1];
	uint8_t *b = pattern_bytes(3000, 1), sha[32];
	struct relay c;
	struct srv v;
	int frames;

	objects_server(&v);
	node(&c, &v, "n1");
	cr_assert_eq(wc_Sha256Hash(b, 3000, sha), 0);
	send_file(&c, "/a/../../etc/passwd", b, 3000, 1000);
	send_end(&c, 3000, sha);
	expect_refused(&c, "BWK1502E", text);
	cr_assert(t_contains(text, "\"/home/a/../../etc/passwd\": not a name "
	    "the server stores"), "%s", text);
	put_backup(&out, "/x/./y", WIRE_OBJ_DIR, 0755, "");
	relay_send(&c, &out);
	expect_refused(&c, "BWK1502E", text);
	/* a name that would forge a log line is shown escaped */
	put_backup(&out, "/x/\n/y", WIRE_OBJ_DIR, 0755, "");
	relay_send(&c, &out);
	expect_ok(&c);
	put_backup(&out, "/x//y\n", WIRE_OBJ_DIR, 0755, "");
	relay_send(&c, &out);
	expect_refused(&c, "BWK1502E", text);
	cr_assert(t_contains(text, "\"/home/x//y\\x0a\""), "%s", text);
	/* refused while its data was still coming, then abandoned */
	send_file(&c, "/trailing/", b, 3000, 1000);
	send_empty(&c, WIRE_ABANDON);
	backup_file(&c, "/ok", b, 3000);
	cr_assert_eq(query(&c, "/*", WIRE_Q_SUBDIR, o, 4, &frames), 2);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 1);
	bye(&c);
	cr_assert(t_contains(srv_log(&v), "BWK1502E"), "%s", srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), "x/\n"), "a raw newline of a name "
	    "in the log");
	free(b);
	t_peer_stop(&v.p);
}

Test(objects, deactivate_then_query_inactive)
{
	static struct wire_object o[4];
	char text[WIRE_TEXT_MAX + 1];
	struct relay c;
	struct srv v;
	int64_t v1;
	uint64_t dv;
	int frames;

	objects_server(&v);
	node(&c, &v, "n1");
	v1 = backup_file(&c, "/gone", (const uint8_t *)"bytes", 5);
	wire_begin(&out, WIRE_DEACTIVATE);
	wire_put_path(&out, FS);
	wire_put_path(&out, "/gone");
	relay_send(&c, &out);
	recv_frame(&c, WIRE_OBJECT_OK);
	cr_assert_eq(wire_get_n64(&frame.in, &dv), 0);
	cr_assert_eq(dv, (uint64_t)v1, "OBJECT_OK names another version");
	cr_assert_eq(query(&c, "/gone", 0, o, 4, &frames), 0);
	cr_assert_eq(query(&c, "/gone", WIRE_Q_INACTIVE, o, 4, &frames), 1);
	cr_assert_eq(o[0].version, (uint64_t)v1);
	cr_assert_eq(o[0].state, WIRE_STATE_INACTIVE);
	cr_assert_gt(o[0].deactivated, 0);
	/* an inactive version restores as any */
	{
		static uint8_t back[16];
		uint8_t sha[32];
		uint64_t size;

		cr_assert_eq(restore(&c, v1, back, sizeof(back), &size, sha),
		    5);
	}
	wire_begin(&out, WIRE_DEACTIVATE);
	wire_put_path(&out, FS);
	wire_put_path(&out, "/gone");
	relay_send(&c, &out);
	expect_refused(&c, "BWK1508E", text);
	cr_assert(t_contains(text, "\"/home/gone\": there is no active "
	    "version"), "%s", text);
	bye(&c);
	t_peer_stop(&v.p);
}

/*
 * Node N2 cannot restore, query or deactivate N1's objects, and the
 * refusal of N1's version is the refusal of one that does not exist.
 */
Test(objects, another_nodes_version_is_no_such_version)
{
	static struct wire_object o[4];
	char text[WIRE_TEXT_MAX + 1], other[WIRE_TEXT_MAX + 1], want[128];
	struct relay c1, c2;
	struct srv v;
	int64_t v1;
	int frames;

	objects_server(&v);
	node(&c1, &v, "n1");
	v1 = backup_file(&c1, "/secret", (const uint8_t *)"n1's data", 9);
	bye(&c1);
	node(&c2, &v, "n2");
	wire_begin(&out, WIRE_RESTORE);
	wire_put_n64(&out, (uint64_t)v1);
	relay_send(&c2, &out);
	expect_refused(&c2, "BWK1511E", text);
	snprintf(want, sizeof(want), "version %lld: node N2 has no such version",
	    (long long)v1);
	cr_assert_str_eq(text, want);
	wire_begin(&out, WIRE_RESTORE);
	wire_put_n64(&out, (uint64_t)v1 + 1000);
	relay_send(&c2, &out);
	expect_refused(&c2, "BWK1511E", other);
	cr_assert(t_contains(other, "no such version"), "%s", other);
	cr_assert_eq(query(&c2, "/*", WIRE_Q_INACTIVE | WIRE_Q_SUBDIR, o, 4,
	    &frames), 0);
	wire_begin(&out, WIRE_DEACTIVATE);
	wire_put_path(&out, FS);
	wire_put_path(&out, "/secret");
	relay_send(&c2, &out);
	expect_refused(&c2, "BWK1508E", text);
	bye(&c2);
	t_peer_stop(&v.p);
}

/* The version's content file, overwritten, cut or gone on the server. */
static void
damage_case(int how)
{
	char path[1200], text[WIRE_TEXT_MAX + 1], vs[32];
	static uint8_t back[70000];
	uint8_t *b = pattern_bytes(50000, 5);
	struct relay c;
	struct srv v;
	int64_t v1;
	int fd, got = 0;

	objects_server(&v);
	node(&c, &v, "n1");
	v1 = backup_file(&c, "/precious", b, 50000);
	cr_assert_eq(srv_content_files(&v, path, sizeof(path)), 1);
	if (how == 0) {
		cr_assert_neq(fd = open(path, O_WRONLY), -1);
		cr_assert_eq(pwrite(fd, "X", 1, 40000), 1);
		close(fd);
	} else if (how == 1)
		cr_assert_eq(truncate(path, 20000), 0);
	else
		cr_assert_eq(unlink(path), 0);
	wire_begin(&out, WIRE_RESTORE);
	wire_put_n64(&out, (uint64_t)v1);
	relay_send(&c, &out);
	while (relay_recv(&c, &frame, NULL) == 1 && frame.type == WIRE_RDATA) {
		memcpy(back + got, frame.payload, frame.len);
		got += (int)frame.len;
	}
	cr_assert_eq(frame.type, WIRE_OBJECT_REFUSED, "%s",
	    wire_type_name(frame.type));
	cr_assert_eq(wire_get(&frame.in, vs, 8), 0);
	vs[8] = '\0';
	cr_assert_str_eq(vs, how == 2 ? "BWK1512E" : "BWK1513E");
	cr_assert_eq(wire_get_text(&frame.in, text, WIRE_TEXT_MAX), 0);
	snprintf(vs, sizeof(vs), "version %lld:", (long long)v1);
	cr_assert(t_contains(text, vs), "%s", text);
	if (how == 2)
		cr_assert_eq(got, 0, "RDATA for a content file that is gone");
	else
		cr_assert_leq(got, 50000);
	/* the session goes on */
	backup_file(&c, "/next", b, 10);
	bye(&c);
	/* the log names the version and its file */
	cr_assert(t_contains(srv_log(&v), strrchr(path, '/') + 1) &&
	    t_contains(srv_log(&v), how == 2 ? "BWK1512E" : "BWK1513E"), "%s",
	    srv_log(&v));
	free(b);
	t_peer_stop(&v.p);
}

Test(objects, damaged_content_is_refused) { damage_case(0); }
Test(objects, truncated_content_is_refused) { damage_case(1); }
Test(objects, missing_content_sends_no_data) { damage_case(2); }

Test(objects, an_administrator_gets_error)
{
	struct relay c;
	struct srv v;

	objects_server(&v);
	relay_start(&c, &v, "boss", BOSS_PW);
	put_backup(&out, "/f", WIRE_OBJ_DIR, 0755, "");
	relay_send(&c, &out);
	expect_error(&c, "BWK1500E");
	relay_stop(&c);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1500E"), "administrator BOSS "
	    "is signed on, and only a node"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

Test(objects, data_outside_a_backup_ends_the_session)
{
	struct relay c;
	struct srv v;

	objects_server(&v);
	node(&c, &v, "n1");
	wire_begin(&out, WIRE_DATA);
	wire_put(&out, "stray", 5);
	relay_send(&c, &out);
	expect_error(&c, "BWK1067E");
	relay_stop(&c);
	t_peer_stop(&v.p);
}

/* A frame that is not what its type defines ends the session. */
struct malformed {
	char	name[24];
	uint8_t	type;
	uint32_t mode;
	char	link[16];
};

static struct malformed malformed_cases[] = {
	{ "mode", WIRE_OBJ_FILE, 010000, "" },
	{ "type", 3, 0644, "" },
	{ "link-on-a-file", WIRE_OBJ_FILE, 0644, "x" },
	{ "link-without-target", WIRE_OBJ_LINK, 0777, "" },
};

ParameterizedTestParameters(objects, malformed_backup_ends_the_session)
{
	return cr_make_param_array(struct malformed, malformed_cases,
	    sizeof(malformed_cases) / sizeof(malformed_cases[0]));
}

ParameterizedTest(struct malformed *m, objects,
    malformed_backup_ends_the_session)
{
	struct relay c;
	struct srv v;

	objects_server(&v);
	node(&c, &v, "n1");
	put_backup(&out, "/f", m->type, m->mode, m->link);
	relay_send(&c, &out);
	expect_error(&c, "BWK1501E");
	relay_stop(&c);
	/* nothing began */
	node(&c, &v, "n1");
	cr_assert_eq(srv_content_files(&v, NULL, 0), 0);
	bye(&c);
	t_peer_stop(&v.p);
}

/* Many entries: OBJECTS frames filled one after another, more on each. */
Test(objects, long_answer_in_full_frames)
{
	static struct wire_object o[40];
	static char name[3100];
	struct relay c;
	struct srv v;
	int frames, i;

	objects_server(&v);
	node(&c, &v, "n1");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/d%02d-", i);
		memset(name + 5, 'x', 3000);
		name[3005] = '\0';
		put_backup(&out, name, WIRE_OBJ_DIR, 0700, "");
		relay_send(&c, &out);
		expect_ok(&c);
	}
	cr_assert_eq(query(&c, "/*", 0, o, 40, &frames), 40);
	cr_assert_geq(frames, 3, "%d frames", frames);
	for (i = 0; i < 40; i++)
		cr_assert_eq(strncmp(o[i].path + 1, "d", 1), 0);
	/* the filespaces: one, in one frame */
	send_empty(&c, WIRE_QUERY_FILESPACE);
	recv_frame(&c, WIRE_FILESPACES);
	{
		char fs[WIRE_PATH_MAX + 1];
		uint8_t more;
		uint16_t n;
		int64_t created;

		cr_assert_eq(wire_get_n8(&frame.in, &more), 0);
		cr_assert_eq(wire_get_n16(&frame.in, &n), 0);
		cr_assert_eq(more, 0);
		cr_assert_eq(n, 1);
		cr_assert_eq(wire_get_filespace(&frame.in, fs, &created), 0);
		cr_assert_str_eq(fs, FS);
		cr_assert_gt(created, 0);
		cr_assert_eq(wire_end(&frame.in), 0);
	}
	bye(&c);
	t_peer_stop(&v.p);
}

/*
 * A full disk: data/ on a small tmpfs, in a mount namespace of this test
 * (and of the server it starts) alone. The refusal names the file and
 * says why, the log names its content file, and the catalog still shows
 * the version stored before.
 */
Test(objects, full_disk_refused_clearly_catalog_unchanged)
{
	static struct wire_object o[4];
	char path[700], text[WIRE_TEXT_MAX + 1];
	uint8_t *b = pattern_bytes(2 << 20, 2), sha[32];
	struct relay c;
	struct srv v;
	int64_t v1;
	int frames;

	objects_init(&v);
	snprintf(path, sizeof(path), "%s/data", v.dir);
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "size=1m,mode=0700") == -1)
		cr_skip_test("no mount namespace with a tmpfs here: %s",
		    strerror(errno));
	objects_start(&v);
	node(&c, &v, "n1");
	v1 = backup_file(&c, "/big", b, 1000);
	cr_assert_eq(wc_Sha256Hash(b, 2 << 20, sha), 0);
	send_file(&c, "/big", b, 2 << 20, WIRE_DATA_MAX);
	send_end(&c, 2 << 20, sha);
	expect_refused(&c, "BWK1504E", text);
	cr_assert(t_contains(text, "\"/home/big\": the server could not write "
	    "its content: the server's data directory is full"), "%s", text);
	cr_assert_eq(query(&c, "/big", WIRE_Q_INACTIVE, o, 4, &frames), 1);
	cr_assert_eq(o[0].version, (uint64_t)v1);
	cr_assert_eq(o[0].size, 1000);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 1, "the partial file stayed");
	/* and once there is room, the session goes on */
	backup_file(&c, "/small", b, 100);
	bye(&c);
	cr_assert(t_contains(srv_log(&v), "BWK1504E") &&
	    t_contains(srv_log(&v), "\"/home/big\": the content file data/"),
	    "%s", srv_log(&v));
	t_peer_stop(&v.p);
	(void)umount2(path, MNT_DETACH);
	free(b);
}
