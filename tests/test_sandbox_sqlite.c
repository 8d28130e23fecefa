/*
 * bulwarkd's session process profile, proven with the real Debian
 * libsqlite3: a forked child applies the profile for a temporary instance
 * and then does what the session will do with the catalog (WAL mode,
 * synchronous=FULL, foreign keys, BEGIN IMMEDIATE transactions, a
 * checkpoint) and with the objects' contents (temporary file, fsync,
 * rename into place, removal). Then what it must not do: every other file
 * of the instance and of the system, exec, sockets, executable memory.
 * Each refusal has its control, the same call made without the sandbox,
 * so that a test that cannot fail does not pass.
 *
 * The profile's file calls were found by running these children under
 * strace -f: SQLite 3.40 stats paths (newfstatat on each component, on the
 * database and on -wal and -journal), locks with fcntl F_SETLK and
 * F_GETLK, reads and writes pages with pread64 and pwrite64, maps the
 * -shm file MAP_SHARED, syncs with fdatasync and opens the directory to
 * sync it, truncates the -wal at a checkpoint, unlinks -journal, -wal and
 * -shm, reads /dev/urandom once for its generator, and as uid 0 calls
 * fchown on each new -wal and -shm (refused, EPERM: ignored by SQLite).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* renameat2, AT_EMPTY_PATH */
#endif
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/securebits.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../sandbox/sandbox.h"
#include "../sandbox/sandbox_int.h"
#include "../src/lib/msg.h"
#include "../src/srvsession/content.h"
#include "helpers.h"

/* Child exit codes besides an errno value (all errnos used are < 100). */
#define X_OK_		0
#define X_APPLY		100	/* the profile could not be applied */
#define X_WRONG		101	/* an unexpected result */
#define X_SETUP		102

static struct {
	char	inst[512];		/* the instance */
	char	catdir[600];		/* inst/catalog */
	char	data[600];		/* inst/data */
	char	kdb[600];		/* inst/kdb/bulwark.kdb: a secret */
	char	opt[600];		/* inst/bulwarkd.opt */
	char	sibling[512];		/* a directory beside the instance */
	struct sb_srvsession_policy pol;
	int	lfd;			/* a listener on 127.0.0.1 */
	uint16_t port;
} g;

static void
mkdir_ok(const char *path)
{
	cr_assert_eq(mkdir(path, 0700), 0, "mkdir %s: %s", path,
	    strerror(errno));
}

static void
write_ok(const char *path, const char *text)
{
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0600),
	    0, "%s", path);
}

static int
listener(uint16_t *port)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int fd;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_neq(fd, -1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* The instance as bulwarkd init makes it, with a key database to guard. */
static void
setup(void)
{
	char dir[600];

	memset(&g, 0, sizeof(g));
	snprintf(g.inst, sizeof(g.inst), "%s", t_path("inst"));
	snprintf(g.sibling, sizeof(g.sibling), "%s", t_path("sibling"));
	snprintf(g.catdir, sizeof(g.catdir), "%s/catalog", g.inst);
	snprintf(g.data, sizeof(g.data), "%s/data", g.inst);
	snprintf(g.kdb, sizeof(g.kdb), "%s/kdb/bulwark.kdb", g.inst);
	snprintf(g.opt, sizeof(g.opt), "%s/bulwarkd.opt", g.inst);
	snprintf(dir, sizeof(dir), "%s/kdb", g.inst);
	mkdir_ok(g.inst);
	mkdir_ok(g.catdir);
	mkdir_ok(g.data);
	mkdir_ok(dir);
	mkdir_ok(g.sibling);
	write_ok(g.kdb, "the server's keys\n");
	write_ok(g.opt, "TCPPORT 1500\n");
	g.pol.catalog_dir = g.catdir;
	g.pol.data_dir = g.data;
	g.lfd = listener(&g.port);
}

static void
teardown(void)
{
	close(g.lfd);
	t_cleanup();
}

TestSuite(sandbox_sqlite, .init = setup, .fini = teardown, .timeout = 60);

/* ---- running a child ---- */

typedef int (*apply_fn)(void);
typedef int (*act_fn)(void);

static int ap_srv(void) { return sb_apply_srvsession(&g.pol, 0); }

/* The network process's profile: no file at all, for the control. */
static int ap_net(void) { return sb_apply_net(&(struct sb_net_policy){
    .nports = 0 }, 0); }

/* Landlock alone (seccomp would kill first). */
static int
ap_ll_srv(void)
{
	static const struct sb_net_policy none;
	struct sb_spec sp = { SB_SRVSESSION, NULL, &none, &g.pol };
	struct sb_status s;

	sb_probe(&s);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return sb_ll_apply(&sp, s.landlock_abi);
}

static int
run(apply_fn apply, act_fn act)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		alarm(20);
		if (apply != NULL && apply() != 0)
			_exit(X_APPLY);
		_exit(act());
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static const char *
how(int st)
{
	static char buf[64];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d%s", WEXITSTATUS(st),
		    WEXITSTATUS(st) == X_APPLY ? " (apply failed)" :
		    WEXITSTATUS(st) == X_WRONG ? " (unexpected result)" : "");
	else
		snprintf(buf, sizeof(buf), "status %#x", st);
	return buf;
}

#define assert_killed(expr) do {					\
	int st_ = (expr);						\
	cr_assert(WIFSIGNALED(st_) && WTERMSIG(st_) == SIGSYS,		\
	    "want death by SIGSYS, got %s", how(st_));			\
} while (0)
#define assert_exit(expr, code) do {					\
	int st_ = (expr);						\
	cr_assert(WIFEXITED(st_) && WEXITSTATUS(st_) == (code),	\
	    "want exit %d, got %s", (code), how(st_));			\
} while (0)

static void
need_sandbox(void)
{
	t_need_sandbox();
}

static int
errno_of(int r)
{
	return r == -1 ? errno : X_OK_;
}

/* ---- the catalog: SQLite in WAL mode ---- */

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
	sqlite3_free(err);
	return -1;
}

/* One value of a query, as an integer; -1 on error. */
static long
query_long(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* What the catalog code does with every connection. */
static sqlite3 *
catalog_open(void)
{
	char path[700];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/catalog.db", g.catdir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite: open %s: %s\n", path,
		    db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	if (exec_sql(db, "PRAGMA journal_mode=WAL") != 0 ||
	    exec_sql(db, "PRAGMA synchronous=FULL") != 0 ||
	    exec_sql(db, "PRAGMA foreign_keys=ON") != 0 ||
	    exec_sql(db, "PRAGMA temp_store=MEMORY") != 0 ||
	    query_long(db, "PRAGMA foreign_keys") != 1) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS nodes(id INTEGER PRIMARY KEY, "
    "name TEXT UNIQUE NOT NULL);"
    "CREATE TABLE IF NOT EXISTS objects(id INTEGER PRIMARY KEY, "
    "node INTEGER NOT NULL REFERENCES nodes(id), path TEXT NOT NULL, "
    "content TEXT);"
    "INSERT OR IGNORE INTO nodes(id, name) VALUES (1, 'node1');";

/* n write transactions, each BEGIN IMMEDIATE, one object each. */
static int
insert_objects(sqlite3 *db, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (exec_sql(db, "BEGIN IMMEDIATE") != 0 ||
		    exec_sql(db, "INSERT INTO objects(node, path, content) "
		    "VALUES (1, '/etc/hosts', 'ab/0123')") != 0 ||
		    exec_sql(db, "COMMIT") != 0)
			return -1;
	return 0;
}

static long
wal_size(void)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s/catalog.db-wal", g.catdir);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int
do_catalog(void)
{
	sqlite3 *db;

	if ((db = catalog_open()) == NULL)
		return 60;
	if (query_long(db, "PRAGMA journal_mode=WAL") != -1 &&
	    exec_sql(db, schema) != 0)
		return 61;
	if (insert_objects(db, 20) != 0)
		return 62;
	/* a foreign key the catalog refuses: the pragma is in force */
	if (sqlite3_exec(db, "INSERT INTO objects(node, path) VALUES (9, 'x')",
	    NULL, NULL, NULL) != SQLITE_CONSTRAINT)
		return 63;
	if (query_long(db, "SELECT count(*) FROM objects") != 20)
		return 64;
	if (wal_size() <= 0)
		return 65;
	/* TRUNCATE: every frame copied back, then the -wal truncated */
	if (exec_sql(db, "PRAGMA wal_checkpoint(TRUNCATE)") != 0 ||
	    wal_size() != 0)
		return 66;
	if (sqlite3_close(db) != SQLITE_OK)
		return 67;
	/* a second connection finds it all again, after the -wal and -shm
	 * were removed at the first one's close */
	if ((db = catalog_open()) == NULL)
		return 68;
	if (query_long(db, "SELECT count(*) FROM objects") != 20 ||
	    insert_objects(db, 1) != 0 || sqlite3_close(db) != SQLITE_OK)
		return 69;
	return X_OK_;
}

Test(sandbox_sqlite, catalog_works_inside)
{
	sqlite3 *db;

	need_sandbox();
	assert_exit(run(ap_srv, do_catalog), X_OK_);
	/* and what it wrote is there for the next process */
	cr_assert_eq(sqlite3_open_v2(t_path("inst/catalog/catalog.db"), &db,
	    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(query_long(db, "SELECT count(*) FROM objects"), 21);
	sqlite3_close(db);
}

/* The control: with no file rules SQLite cannot work (it is killed at its
 * first stat of a path), so catalog_works_inside proves the profile. */
static int run_err(apply_fn, act_fn, char *, size_t);

Test(sandbox_sqlite, catalog_fails_in_the_network_profile)
{
	char err[4096];
	int st;

	need_sandbox();
	st = run_err(ap_net, do_catalog, err, sizeof(err));
	cr_assert(!(WIFEXITED(st) && WEXITSTATUS(st) == X_OK_), "%s",
	    how(st));
}

/* Two sessions at once: WAL's shared memory and locks between processes. */
static int
do_concurrent_writer(void)
{
	sqlite3 *db;
	int rc;

	if ((db = catalog_open()) == NULL)
		return 70;
	rc = insert_objects(db, 50) == 0 ? X_OK_ : 71;
	if (sqlite3_close(db) != SQLITE_OK)
		rc = 72;
	return rc;
}

Test(sandbox_sqlite, two_sessions_write_at_once)
{
	pid_t pid[2];
	sqlite3 *db;
	int i, st;

	need_sandbox();
	/* the schema first, as the listener's catalog set-up will */
	cr_assert_eq(sqlite3_open(t_path("inst/catalog/catalog.db"), &db),
	    SQLITE_OK);
	cr_assert_eq(exec_sql(db, "PRAGMA journal_mode=WAL"), 0);
	cr_assert_eq(exec_sql(db, schema), 0);
	sqlite3_close(db);
	fflush(NULL);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		cr_assert_neq(pid[i], -1);
		if (pid[i] == 0) {
			alarm(30);
			_exit(ap_srv() != 0 ? X_APPLY : do_concurrent_writer());
		}
	}
	for (i = 0; i < 2; i++) {
		cr_assert_eq(waitpid(pid[i], &st, 0), pid[i]);
		assert_exit(st, X_OK_);
	}
	cr_assert_eq(sqlite3_open(t_path("inst/catalog/catalog.db"), &db),
	    SQLITE_OK);
	cr_assert_eq(query_long(db, "SELECT count(*) FROM objects"), 100);
	sqlite3_close(db);
}

/* ---- the objects' contents ---- */

/* As the session will store a content: temporary, fsync, rename, fsync. */
static int
store_content(const char *dir, const char *tmpdir, const char *name)
{
	char tmp[800], dst[800];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", tmpdir, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return 80;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return 81;
	if (write(fd, "content\n", 8) != 8 || fsync(fd) != 0 || close(fd) != 0)
		return 82;
	if (rename(tmp, dst) != 0)
		return 83;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) != 0 || close(fd) != 0)
		return 84;
	return X_OK_;
}

static int
do_contents(void)
{
	char ab[700], cd[700], tmp[700], path[800], buf[16];
	int fd, rc;

	snprintf(ab, sizeof(ab), "%s/ab", g.data);
	snprintf(cd, sizeof(cd), "%s/cd", g.data);
	snprintf(tmp, sizeof(tmp), "%s/tmp", g.data);
	/* in place, then across directories (Landlock's REFER) */
	if ((rc = store_content(ab, ab, "0123")) != X_OK_ ||
	    (rc = store_content(ab, ab, "4567")) != X_OK_)
		return rc;
	if (mkdir(tmp, 0700) != 0)
		return 85;
	if ((rc = store_content(cd, tmp, "89ab")) != X_OK_)
		return rc;
	snprintf(path, sizeof(path), "%s/0123", ab);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    read(fd, buf, sizeof(buf)) != 8 || close(fd) != 0)
		return 86;
	/* no replacing a content by mistake */
	snprintf(buf, sizeof(buf), "4567");
	if (renameat2(AT_FDCWD, path, AT_FDCWD, t_path("inst/data/ab/4567"),
	    RENAME_NOREPLACE) != -1 || errno != EEXIST)
		return 87;
	/* expiry: the file, then its emptied directory */
	if (unlink(path) != 0 || unlink(t_path("inst/data/ab/4567")) != 0 ||
	    rmdir(ab) != 0 || rmdir(tmp) != 0)
		return 88;
	return X_OK_;
}

Test(sandbox_sqlite, contents_work_inside)
{
	struct stat st;

	need_sandbox();
	assert_exit(run(ap_srv, do_contents), X_OK_);
	cr_assert_eq(stat(t_path("inst/data/cd/89ab"), &st), 0);
	cr_assert_eq(st.st_size, 8);
	cr_assert_neq(stat(t_path("inst/data/ab"), &st), 0);
}

/*
 * What a session's backup and restore do (src/srvsession/content.c),
 * beneath the data directory's descriptor opened before the sandbox:
 * create, write, sync, read back, remove.
 */
static int datafd = -1;

static int
do_content_calls(void)
{
	static const char name[] = "5a/5a0123456789abcdef0123456789abcd";
	struct content_w w;
	uint8_t sha[32];
	uint64_t size;
	char buf[16];
	int fd;

	if (content_create(datafd, name, &w) == -1)
		return 90;
	if (content_write(&w, "restored\n", 9) == -1 ||
	    content_finish(&w, &size, sha) == -1 || size != 9)
		return 91;
	if ((fd = content_open(datafd, name)) == -1)
		return 92;
	if (read(fd, buf, sizeof(buf)) != 9 || memcmp(buf, "restored\n", 9) ||
	    close(fd) != 0)
		return 93;
	if (content_remove(datafd, name) == -1 ||
	    content_open(datafd, name) != -1 || errno != ENOENT)
		return 94;
	return X_OK_;
}

Test(sandbox_sqlite, content_calls_work_beneath_the_data_descriptor)
{
	struct stat st;

	need_sandbox();
	cr_assert_neq(datafd = open(g.data, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC), -1);
	assert_exit(run(ap_srv, do_content_calls), X_OK_);
	cr_assert_eq(stat(t_path("inst/data/5a"), &st), 0, "no ab/ was made");
	close(datafd);
}

/* ---- what it must not do ---- */

static int do_read_passwd(void) { return errno_of(open("/etc/passwd",
    O_RDONLY | O_CLOEXEC)); }
static int do_read_kdb(void) { return errno_of(open(g.kdb, O_RDONLY |
    O_CLOEXEC)); }
static int do_write_opt(void) { return errno_of(open(g.opt, O_WRONLY |
    O_CLOEXEC)); }
static int do_creat_in_instance(void) { return errno_of(open(
    t_path("inst/catalog.db"), O_RDWR | O_CREAT | O_CLOEXEC, 0600)); }
static int do_remove_kdb(void) { return errno_of(unlink(g.kdb)); }
static int do_creat_sibling(void) { return errno_of(open(
    t_path("sibling/x"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)); }
static int do_mkdir_in_catalog(void) { return errno_of(mkdir(
    t_path("inst/catalog/sub"), 0700)); }

/* A content is written once: no truncate beneath data/. */
static int
do_truncate_content(void)
{
	int fd = open(t_path("inst/data/f"), O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600);

	if (fd == -1)
		return X_SETUP;
	return errno_of(ftruncate(fd, 0));
}

/* A rename out of the data directory, into the catalog's. */
static int
do_rename_out(void)
{
	int fd = open(t_path("inst/data/g"), O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600);

	if (fd == -1)
		return X_SETUP;
	close(fd);
	return errno_of(rename(t_path("inst/data/g"),
	    t_path("inst/catalog/g")));
}

Test(sandbox_sqlite, landlock_refuses_every_other_file)
{
	need_sandbox();
	/* controls: each works without the sandbox */
	assert_exit(run(NULL, do_read_passwd), X_OK_);
	assert_exit(run(NULL, do_read_kdb), X_OK_);
	assert_exit(run(NULL, do_write_opt), X_OK_);
	assert_exit(run(NULL, do_creat_sibling), X_OK_);
	unlink(t_path("sibling/x"));

	assert_exit(run(ap_srv, do_read_passwd), EACCES);
	assert_exit(run(ap_srv, do_read_kdb), EACCES);
	assert_exit(run(ap_srv, do_write_opt), EACCES);
	assert_exit(run(ap_srv, do_creat_in_instance), EACCES);
	assert_exit(run(ap_srv, do_remove_kdb), EACCES);
	assert_exit(run(ap_srv, do_creat_sibling), EACCES);
	assert_exit(run(ap_srv, do_mkdir_in_catalog), EACCES);
	assert_exit(run(ap_srv, do_truncate_content), EACCES);
	assert_exit(run(ap_srv, do_rename_out), EXDEV);
}

static int
do_execve(void)
{
	char *const argv[] = { (char *)"true", NULL }, *const envp[] = { NULL };

	execve("/bin/true", argv, envp);
	return errno;
}

static int do_tcp(void) { return errno_of(socket(AF_INET, SOCK_STREAM,
    IPPROTO_TCP)); }
static int do_unix(void) { return errno_of(socket(AF_UNIX, SOCK_STREAM,
    0)); }
static int do_open_trunc(void) { return errno_of(open(
    t_path("inst/catalog/catalog.db"), O_RDWR | O_CREAT | O_TRUNC |
    O_CLOEXEC, 0600)); }
static int do_open_path(void) { return errno_of(open(g.catdir, O_PATH |
    O_CLOEXEC)); }
static int do_symlink(void) { return errno_of(symlink(g.kdb,
    t_path("inst/data/link"))); }
static int do_link(void) { return errno_of(link(g.kdb,
    t_path("inst/data/link"))); }
static int do_setuid(void) { return errno_of(setuid(0)); }
static int do_fork(void) { return errno_of((int)fork()); }

/* connect on a socket made before the sandbox (as the accepted one is) */
static int sock_before = -1;

static int
ap_srv_with_socket(void)
{
	sock_before = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return sock_before == -1 ? -1 : ap_srv();
}

static int
do_connect(void)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(g.port);
	return errno_of(connect(sock_before, (struct sockaddr *)&a,
	    sizeof(a)));
}

static int
do_bind(void)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return errno_of(bind(sock_before, (struct sockaddr *)&a, sizeof(a)));
}

static int
do_mmap_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? errno : X_OK_;
}

/* the -shm mapping SQLite makes, but executable */
static int
do_mmap_shared_exec(void)
{
	int fd = open(t_path("inst/catalog/x-shm"), O_RDWR | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	void *p;

	if (fd == -1 || ftruncate(fd, 4096) != 0)
		return X_SETUP;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED,
	    fd, 0);
	return p == MAP_FAILED ? errno : X_OK_;
}

static int
do_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	    0);

	if (p == MAP_FAILED)
		return X_SETUP;
	return errno_of(mprotect(p, 4096, PROT_READ | PROT_EXEC));
}

/* opendir(): O_NONBLOCK and getdents64, neither of which SQLite needs */
static int
do_list_data(void)
{
	DIR *d = opendir(g.data);

	return d == NULL ? errno : readdir(d) != NULL ? X_OK_ : X_WRONG;
}

static int
do_lock_wait(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(t_path("inst/catalog/l"), O_RDWR | O_CREAT | O_CLOEXEC,
	    0600);

	if (fd == -1)
		return X_SETUP;
	return errno_of(fcntl(fd, F_SETLKW, &fl));
}

#define KILLED(what)							\
Test(sandbox_sqlite, kills_##what)					\
{									\
	need_sandbox();							\
	assert_killed(run(ap_srv, do_##what));				\
}

KILLED(execve)
KILLED(tcp)
KILLED(unix)
KILLED(open_trunc)
KILLED(open_path)
KILLED(symlink)
KILLED(link)
KILLED(setuid)
KILLED(fork)
KILLED(mmap_exec)
KILLED(mmap_shared_exec)
KILLED(mprotect_exec)
KILLED(list_data)
KILLED(lock_wait)

Test(sandbox_sqlite, kills_connect_and_bind_on_a_socket_it_holds)
{
	need_sandbox();
	assert_exit(run(NULL, do_tcp), X_OK_);
	assert_killed(run(ap_srv_with_socket, do_connect));
	assert_killed(run(ap_srv_with_socket, do_bind));
}

/* Landlock alone forbids them too: connect to any port, bind. */
static int
ap_ll_srv_with_socket(void)
{
	sock_before = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return sock_before == -1 ? -1 : ap_ll_srv();
}

Test(sandbox_sqlite, landlock_alone_forbids_tcp)
{
	need_sandbox();
	assert_exit(run(ap_ll_srv_with_socket, do_connect), EACCES);
	assert_exit(run(ap_ll_srv_with_socket, do_bind), EACCES);
	assert_exit(run(ap_ll_srv, do_read_kdb), EACCES);
}

/* What SQLite only tries gets an error, not death. */
static int
do_soft_refusals(void)
{
	struct stat st;
	int fd = open(t_path("inst/data/h"), O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600);

	if (fd == -1)
		return X_SETUP;
	if (fchown(fd, getuid(), getgid()) != -1 || errno != EPERM)
		return 90;
	if (fchmod(fd, 0644) != -1 || errno != EPERM)
		return 91;
	if (access(g.data, W_OK) != -1 || errno != EACCES)
		return 92;
	if (readlink(g.data, (char[8]){ 0 }, 8) != -1 || errno != EACCES)
		return 93;
	if (syscall(SYS_statx, AT_FDCWD, g.data, 0, 0x7ff, &st) != -1 ||
	    errno != EACCES)
		return 94;
	if (fstat(fd, &st) != 0 || stat(g.data, &st) != 0)
		return 95;
	return X_OK_;
}

Test(sandbox_sqlite, soft_refusals)
{
	need_sandbox();
	assert_exit(run(ap_srv, do_soft_refusals), X_OK_);
}

/*
 * The price of SQLite: paths may be stat()ed, so their metadata shows
 * (never their contents). Pinned here so that a change is a decision.
 */
static int
do_stat_outside(void)
{
	struct stat st;

	return errno_of(stat(g.kdb, &st));
}

Test(sandbox_sqlite, may_stat_paths_but_not_read_them)
{
	need_sandbox();
	assert_exit(run(ap_srv, do_stat_outside), X_OK_);
	assert_exit(run(ap_srv, do_read_kdb), EACCES);
}

/* ---- the policy: only the instance's own two directories ---- */

/* Runs apply + act with stderr in a file; returns status, err the text. */
static int
run_err(apply_fn apply, act_fn act, char *err, size_t errlen)
{
	const char *path = t_path("stderr");
	int fd, save, st;
	ssize_t n;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_neq(fd, -1);
	fflush(stderr);
	save = dup(2);
	dup2(fd, 2);
	st = run(apply, act);
	dup2(save, 2);
	close(save);
	n = pread(fd, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return st;
}

static int do_nothing(void) { return X_OK_; }

static void
assert_refused(const char *id, const char *what)
{
	char err[4096];
	int st = run_err(ap_srv, do_nothing, err, sizeof(err));

	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, id), "%s: %s", what, err);
}

Test(sandbox_sqlite, refuses_a_catalog_directory_that_holds_more)
{
	char sub[700];

	/* the instance itself: it holds kdb/ */
	g.pol.catalog_dir = g.inst;
	assert_refused("BWK0629E", "the instance as the catalog");
	g.pol.catalog_dir = g.catdir;
	assert_exit(run(ap_srv, do_nothing), X_OK_);

	/* a hard link to the key database */
	snprintf(sub, sizeof(sub), "%s/catalog.db", g.catdir);
	cr_assert_eq(link(g.kdb, sub), 0);
	assert_refused("BWK0629E", "a hard link");
	cr_assert_eq(unlink(sub), 0);

	snprintf(sub, sizeof(sub), "%s/sub", g.catdir);
	mkdir_ok(sub);
	assert_refused("BWK0629E", "a subdirectory");
}

Test(sandbox_sqlite, refuses_directories_not_its_own)
{
	char link_path[700];

	snprintf(link_path, sizeof(link_path), "%s/data-link", g.inst);
	cr_assert_eq(symlink(g.data, link_path), 0);
	g.pol.data_dir = link_path;
	assert_refused("BWK0628E", "a symbolic link");
	g.pol.data_dir = g.data;

	cr_assert_eq(chmod(g.data, 0770), 0);
	assert_refused("BWK0628E", "group-writable");
	cr_assert_eq(chmod(g.data, 0700), 0);

	g.pol.catalog_dir = t_path("missing");
	assert_refused("BWK0628E", "missing");
	g.pol.catalog_dir = "catalog";
	assert_refused("BWK0627E", "a relative path");
	g.pol.catalog_dir = NULL;
	assert_refused("BWK0627E", "no catalog");
	bwk_quiet = 1;
	cr_assert_eq(sb_apply_srvsession(NULL, 0), -1);
	bwk_quiet = 0;
}

/* ---- refusing missing protection, and --insecure-weak-sandbox ---- */

#ifdef BULWARK_TESTING
static const char *env_name, *env_value;
static int insecure_flag;

static int
ap_env(void)
{
	setenv(env_name, env_value, 1);
	return sb_apply_srvsession(&g.pol, insecure_flag);
}

static int
run_env(const char *name, const char *value, int insecure, act_fn act,
    char *err, size_t len)
{
	env_name = name;
	env_value = value;
	insecure_flag = insecure;
	return run_err(ap_env, act, err, len);
}

Test(sandbox_sqlite, refuses_landlock_below_abi_4)
{
	char err[4096];

	need_sandbox();
	assert_exit(run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 0, do_nothing,
	    err, sizeof(err)), X_APPLY);
	cr_assert(t_contains(err, "BWK0630E"), "%s", err);
	cr_assert(t_contains(err, "6.7"), "%s", err);
	/* with the flag: a warning; the files are still confined, and
	 * seccomp still kills a socket */
	assert_exit(run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, do_read_kdb,
	    err, sizeof(err)), EACCES);
	cr_assert(t_contains(err, "BWK0607W"), "%s", err);
	cr_assert(t_contains(err, "only seccomp"), "%s", err);
	assert_killed(run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, do_tcp,
	    err, sizeof(err)));
	/* ABI 3 still has TRUNCATE, which the checkpoint needs granted */
	assert_exit(run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, do_catalog,
	    err, sizeof(err)), X_OK_);
}

Test(sandbox_sqlite, refuses_missing_landlock)
{
	char err[4096];
	int st;

	need_sandbox();
	assert_exit(run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 0, do_nothing,
	    err, sizeof(err)), X_APPLY);
	cr_assert(t_contains(err, "BWK0605E"), "%s", err);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 1, do_read_kdb, err,
	    sizeof(err));
	if (geteuid() == 0) {
		/* uid 0 kept: the flag does not override */
		assert_exit(st, X_APPLY);
		cr_assert(t_contains(err, "BWK0631E"), "%s", err);
	} else {
		assert_exit(st, X_OK_);
		cr_assert(t_contains(err, "BWK0607W"), "%s", err);
		cr_assert(t_contains(err, "kdb/"), "%s", err);
	}
}

Test(sandbox_sqlite, refuses_missing_seccomp)
{
	char err[4096];

	need_sandbox();
	assert_exit(run_env("BULWARK_TEST_SECCOMP", "0", 0, do_nothing, err,
	    sizeof(err)), X_APPLY);
	cr_assert(t_contains(err, "BWK0601E"), "%s", err);
	cr_assert(t_contains(err, "the session process"), "%s", err);
	/* degraded: no filter, Landlock still confines the files */
	assert_exit(run_env("BULWARK_TEST_SECCOMP", "0", 1, do_read_kdb, err,
	    sizeof(err)), EACCES);
	cr_assert(t_contains(err, "BWK0602W"), "%s", err);
}
#endif

/* ---- root: the instance's owner, or uid 0 with no capability ---- */

static int
no_capabilities(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int i;

	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return 0;
	return prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0 &&
	    prctl(PR_CAPBSET_READ, CAP_DAC_OVERRIDE, 0, 0, 0) == 0 &&
	    (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) & SECBIT_NOROOT_LOCKED) != 0;
}

static int
do_drop_root_owned(void)
{
	if (sb_drop_to_owner(g.inst) != 0)
		return 40;
	if (geteuid() != 0 || !no_capabilities())
		return 41;
	/* no DAC override: a file of another user's stays closed */
	if (open(t_path("inst/nobodys"), O_RDONLY | O_CLOEXEC) != -1 ||
	    errno != EACCES)
		return 42;
	if (setuid(65534) != -1 || sb_apply_srvsession(&g.pol, 0) != 0)
		return 43;
	return do_catalog();
}

static int
do_drop_to_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");

	if (pw == NULL)
		return X_SETUP;
	if (sb_drop_to_owner(g.inst) != 0)
		return 44;
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getgroups(0, NULL) != 0 ||
	    setuid(0) != -1)
		return 45;
	if (sb_apply_srvsession(&g.pol, 0) != 0)
		return 46;
	if (do_catalog() != X_OK_)
		return 47;
	return do_contents();
}

static int do_drop_not_dir(void) { return sb_drop_to_owner(g.kdb) == -1 ?
    X_OK_ : X_WRONG; }

Test(sandbox_sqlite, root_keeps_uid_0_without_capabilities)
{
	char err[4096];
	struct passwd *pw = getpwnam("nobody");

	need_sandbox();
	if (geteuid() != 0 || pw == NULL)
		cr_skip_test("needs root and the user nobody");
	write_ok(t_path("inst/nobodys"), "not root's\n");
	cr_assert_eq(chown(t_path("inst/nobodys"), pw->pw_uid, pw->pw_gid),
	    0);
	/* the control: root reads it */
	cr_assert_eq(access(t_path("inst/nobodys"), R_OK), 0);
	assert_exit(run_err(NULL, do_drop_root_owned, err, sizeof(err)),
	    X_OK_);
	cr_assert(t_contains(err, "BWK0633W"), "%s", err);
	assert_exit(run_err(NULL, do_drop_not_dir, err, sizeof(err)), X_OK_);
	cr_assert(t_contains(err, "BWK0632E"), "%s", err);
}

Test(sandbox_sqlite, root_becomes_the_instances_owner)
{
	char cmd[1200];
	struct passwd *pw = getpwnam("nobody");

	need_sandbox();
	if (geteuid() != 0 || pw == NULL)
		cr_skip_test("needs root and the user nobody");
	/* the instance is nobody's; the way to it must be open to nobody */
	cr_assert_eq(chmod(t_tmpdir(), 0711), 0);
	snprintf(cmd, sizeof(cmd), "chown -R %u:%u '%s'",
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, g.inst);
	cr_assert_eq(system(cmd), 0);
	assert_exit(run(NULL, do_drop_to_nobody), X_OK_);
}

/* ---- bulwark sandbox-check ---- */

Test(sandbox_sqlite, report_lists_the_session_rules)
{
	char out[8192];
	FILE *f = fmemopen(out, sizeof(out), "w");

	need_sandbox();
	cr_assert_not_null(f);
	cr_assert_eq(sb_report(f), 0);
	fclose(f);
	cr_assert(t_contains(out, "BWK0640I Landlock session process rules"),
	    "%s", out);
	cr_assert(t_contains(out, "truncate beneath the instance's catalog/"),
	    "%s", out);
	cr_assert(t_contains(out, "refer beneath its data/"), "%s", out);
	cr_assert(t_contains(out, "no TCP connect or bind"), "%s", out);
	cr_assert(t_contains(out, "BWK0642I"), "%s", out);
}
