/*
 * bwk-backup-one: libbulwark's example. Backs up one file to a bulwarkd
 * server as a node, lists what the server then holds of it, and restores
 * it beside itself as FILE.restored, checked against its SHA-256.
 *
 *	bwk-backup-one SERVER HOST PORT NODE FILE
 *
 * The node's password is the key database's (bulwark-cert -nodepw); the
 * key database is bulwark-keyd(8)'s (BULWARK_DIR). The server's
 * certificate must be in it, or is taken on first use here (as
 * SSLACCEPTCERTFROMSERV YES) once the server proved it knows the node's
 * verifier. Build: cc bwk-backup-one.c $(pkg-config --cflags --libs
 * libbulwark).
 *
 * This process is the file side: it opens the file and hands the
 * descriptor to the library's network process, which bwk_start forked,
 * sandboxed and signed on; that process never opens a file itself.
 */
#define _DEFAULT_SOURCE	/* st_mtim, O_NOFOLLOW with -std=c11 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulwark.h>

struct found {
	struct bwk_version	v;
	int			n;
};

static int
take(void *arg, const struct bwk_version *v)
{
	struct found *f = arg;

	printf("%s version %llu: %llu bytes, %s\n", v->path,
	    (unsigned long long)v->version, (unsigned long long)v->size,
	    v->active ? "active" : "inactive");
	if (v->active && f->n++ == 0)
		f->v = *v;
	return 0;
}

/* Within a large file: its bytes so far, every 16 MiB. */
static void
moved(void *arg, uint64_t done)
{
	printf("  %s: %llu bytes\n", (const char *)arg,
	    (unsigned long long)done);
}

static int
fail(struct bwk *b, const char *what)
{
	fprintf(stderr, "bwk-backup-one: %s: %s %s\n", what, bwk_error_id(b),
	    bwk_error(b));
	bwk_free(b);
	return 1;
}

int
main(int argc, char **argv)
{
	struct bwk_config *cfg;
	struct bwk_result res;
	struct bwk_meta m;
	struct found f;
	struct stat st;
	struct bwk *b;
	char out[4096];
	const char *file;
	int fd;

	if (argc != 6 || argv[5][0] != '/') {
		fprintf(stderr, "usage: bwk-backup-one SERVER HOST PORT NODE "
		    "/ABSOLUTE/FILE\n");
		return 2;
	}
	file = argv[5];
	if ((cfg = bwk_config_new()) == NULL ||
	    bwk_config_set_server(cfg, argv[1]) == -1 ||
	    bwk_config_set_address(cfg, argv[2], argv[3]) == -1 ||
	    bwk_config_set_node(cfg, argv[4]) == -1) {
		fprintf(stderr, "bwk-backup-one: %s\n", cfg != NULL ?
		    bwk_config_error(cfg) : "out of memory");
		return 2;
	}
	bwk_config_insecure_accept_first_use(cfg);
	if ((b = bwk_client()) == NULL || bwk_configure(b, cfg) == -1)
		return fail(b, "configure");
	bwk_config_free(cfg);
	if (bwk_start(b, "nobody", NULL, NULL) == -1)
		return fail(b, "start");
	bwk_set_bytes_cb(b, moved, "moved");

	/* the file side opens the file; the network process reads it */
	if ((fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		perror(file);
		bwk_free(b);
		return 1;
	}
	memset(&m, 0, sizeof(m));
	m.filespace = "/";		/* the whole path as its name */
	m.path = file;
	m.type = BWK_OBJ_FILE;
	m.mode = st.st_mode & 07777;
	m.uid = st.st_uid;
	m.gid = st.st_gid;
	m.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
	    st.st_mtim.tv_nsec;
	m.ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 +
	    st.st_ctim.tv_nsec;
	if (bwk_backup_fd(b, &m, fd, &st, &res) == -1)
		return fail(b, "backup");
	close(fd);
	if (res.status != BWK_OK) {
		fprintf(stderr, "bwk-backup-one: %s not backed up: %s %s\n",
		    file, res.id, res.text);
		bwk_free(b);
		return 1;
	}
	printf("backed up %s: version %llu, %llu bytes\n", file,
	    (unsigned long long)res.version, (unsigned long long)res.size);

	memset(&f, 0, sizeof(f));
	if (bwk_query_backup(b, "/", file, 0, take, &f, &res) == -1)
		return fail(b, "query");
	if (res.status != BWK_OK || f.n != 1) {
		fprintf(stderr, "bwk-backup-one: the server lists %d active "
		    "versions of %s\n", f.n, file);
		bwk_free(b);
		return 1;
	}

	/* a restore into a new file the file side made */
	snprintf(out, sizeof(out), "%s.restored", file);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		perror(out);
		bwk_free(b);
		return 1;
	}
	if (bwk_restore_fd(b, f.v.version, f.v.size, f.v.sha256, fd,
	    &res) == -1)
		return fail(b, "restore");
	if (res.status != BWK_OK || ftruncate(fd, (off_t)res.size) == -1 ||
	    fsync(fd) == -1) {
		fprintf(stderr, "bwk-backup-one: %s not restored (%d) %s\n",
		    out, (int)res.status, res.text);
		close(fd);
		unlink(out);
		bwk_free(b);
		return 1;
	}
	close(fd);
	printf("restored %s, %llu bytes, SHA-256 checked\n", out,
	    (unsigned long long)res.size);
	if (bwk_close(b) == -1)
		return fail(b, "close");
	bwk_free(b);
	return 0;
}
