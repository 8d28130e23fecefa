#define _GNU_SOURCE	/* pipe2 */
/* The tests' bulwarkd instances (srvfix.h). */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/lib/certfile.h"
#include "../src/tls/policy.h"
#include "../src/tls/session.h"
#include "srvfix.h"

/* bulwarkd --instance DIR init, with the given extra options. */
void
srv_init(struct srv *v, const char *extra)
{
	char opt[1024], path[600];
	struct run r;

	memset(v, 0, sizeof(*v));
	snprintf(v->dir, sizeof(v->dir), "%s/inst", t_tmpdir());
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v->dir, "init",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0, "init: %s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1006I"), "%s", r.out);
	snprintf(v->port, sizeof(v->port), "%d", t_free_port());
	snprintf(opt, sizeof(opt), "TCPPORT %s\nBWKLISTENADDRESS 127.0.0.1\n%s",
	    v->port, extra ? extra : "");
	snprintf(path, sizeof(path), "%s/bulwarkd.opt", v->dir);
	cr_assert_eq(t_write(path, (const uint8_t *)opt, strlen(opt), 0600), 0);
}

void
srv_start(struct srv *v)
{
	char bin[600];
	const char *argv[] = { bin, "--instance", v->dir, NULL };

	snprintf(bin, sizeof(bin), "%s/bulwarkd", getenv("BWK_BIN"));
	t_peer_start(&v->p, argv, "BWK1021I");
	snprintf(v->p.portstr, sizeof(v->p.portstr), "%s", v->port);
}

const char *
srv_log(struct srv *v)
{
	return t_peer_log(&v->p);
}

/* bulwark check of the instance, as server srv1; extra stanza lines. */
void
srv_check(struct run *r, const struct srv *v, int accept, const char *extra)
{
	char text[1024], path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };

	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV %s\n%s", v->port,
	    accept ? "YES" : "NO", extra ? extra : "");
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	t_run(r, "bulwark", argv, NULL);
}

/* The fingerprint of the instance's cert256.arm, as bulwark prints it. */
void
arm_fingerprint(const struct srv *v, char out[BWK_FPR_STRLEN])
{
	struct cert_list cl;
	char path[600];
	const char *id;
	char why[128];
	uint8_t *b, f[32];
	size_t n;

	snprintf(path, sizeof(path), "%s/cert256.arm", v->dir);
	cr_assert_eq(t_read(path, &b, &n), 0);
	memset(&cl, 0, sizeof(cl));
	cr_assert_eq(certfile_split(b, n, &cl, &id, why, sizeof(why)), 0, "%s",
	    why);
	cr_assert_eq(cl.n, 1);
	cr_assert_eq(wc_Sha256Hash(cl.c[0].der, (word32)cl.c[0].len, f), 0);
	bwk_fpr_format(f, out);
	cert_list_free(&cl);
	free(b);
}


const char *
srv_log_wait(struct srv *v, const char *id)
{
	const char *log = NULL;
	int i;

	for (i = 0; i < 100; i++) {
		log = srv_log(v);
		if (t_contains(log, id))
			break;
		usleep(50000);
	}
	return log;
}

/* ---- the relay: a signed-on client session in a child */

static int
full_read(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t k;

	while (n > 0) {
		if ((k = read(fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
full_write(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * The child's loop: 'S', u32 n, a frame: sent, answered with a status
 * byte; 'R': the server's next frame, answered with a status byte (1
 * frame, 0 closed, 2 failed), the first error's ID, and the frame (u16
 * type, u32 length, payload); 'Q' or the test gone: the end.
 */
static int
relay_loop(struct session *s, int fd)
{
	static struct wire_frame f;
	static struct wire_out w;
	uint8_t cmd, st, hdr[6];
	uint32_t n;
	int r;

	while (full_read(fd, &cmd, 1) == 0 && cmd != 'Q') {
		if (cmd == 'W') {
			/* raw bytes, no frame checked: a hostile client's */
			if (full_read(fd, &n, 4) == -1 || n > sizeof(w.buf) ||
			    full_read(fd, w.buf, n) == -1)
				return 20;
			st = session_write(s, w.buf, n) == (ssize_t)n ? 0 : 1;
			if (full_write(fd, &st, 1) == -1)
				return 21;
			continue;
		}
		if (cmd == 'S') {
			if (full_read(fd, &n, 4) == -1 || n < WIRE_HDR_LEN ||
			    n > sizeof(w.buf) || full_read(fd, w.buf, n) == -1)
				return 20;
			w.len = n;
			w.overflow = 0;
			st = session_wire_send(s, &w) == 0 ? 0 : 1;
			if (full_write(fd, &st, 1) == -1)
				return 21;
			continue;
		}
		r = session_wire_recv(s, &f);
		st = r == 1 ? 1 : r == 0 ? 0 : 2;
		hdr[0] = (uint8_t)(f.type >> 8);
		hdr[1] = (uint8_t)f.type;
		memcpy(hdr + 2, &(uint32_t){ (uint32_t)f.len }, 4);
		if (full_write(fd, &st, 1) == -1 ||
		    full_write(fd, s->err_id[0] ? s->err_id : "--------", 8) ==
		    -1 || (r == 1 && (full_write(fd, hdr, 6) == -1 ||
		    full_write(fd, f.payload, f.len) == -1)))
			return 22;
	}
	return 0;
}

static void __attribute__((noreturn))
relay_child(const struct srv *v, const char *name, const char *admin_pw,
    int fd)
{
	static struct session s;
	static struct tls_policy pol;
	struct session_opts o;
	int p[2] = { -1, -1 };
	uint8_t st = 'F';

	memset(&o, 0, sizeof(o));
	o.server = "srv1";
	o.host = "127.0.0.1";
	o.port = v->port;
	o.db = t_db();
	o.node = name;
	o.password_fd = -1;
	if (admin_pw != NULL) {
		/* the key helper reads the password whole from its pipe */
		if (pipe2(p, O_CLOEXEC) == -1 ||
		    full_write(p[1], admin_pw, strlen(admin_pw)) == -1)
			_exit(30);
		close(p[1]);
		o.admin = 1;
		o.password_fd = p[0];
	}
	if (policy_load(NULL, &pol) == -1)
		_exit(31);
	o.policy = &pol;
	if (session_prepare(&s, &o) == 0 && session_sandbox(&s, "nobody",
	    0) == 0 && session_connect(&s) == 0)
		st = 'K';
	if (p[0] != -1)
		close(p[0]);
	if (full_write(fd, &st, 1) == -1 || full_write(fd, s.err_id[0] ?
	    s.err_id : "--------", 8) == -1 || st != 'K')
		_exit(32);
	_exit(relay_loop(&s, fd));
}

void
relay_start(struct relay *r, const struct srv *v, const char *name,
    const char *admin_pw)
{
	char id[9];
	uint8_t st;
	int sp[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	fflush(NULL);
	cr_assert_neq(r->pid = fork(), -1);
	if (r->pid == 0) {
		close(sp[0]);
		relay_child(v, name, admin_pw, sp[1]);
	}
	close(sp[1]);
	r->fd = sp[0];
	id[8] = '\0';
	cr_assert_eq(full_read(r->fd, &st, 1), 0, "the relay's session ended");
	cr_assert_eq(full_read(r->fd, id, 8), 0);
	cr_assert_eq(st, 'K', "%s could not sign on: %s\n%s", name, id,
	    srv_log((struct srv *)v));
}

void
relay_send(struct relay *r, struct wire_out *w)
{
	uint32_t n;
	uint8_t st;

	cr_assert_eq(wire_finish(w), 0, "a test frame past its bounds");
	n = (uint32_t)w->len;
	cr_assert_eq(full_write(r->fd, "S", 1), 0);
	cr_assert_eq(full_write(r->fd, &n, 4), 0);
	cr_assert_eq(full_write(r->fd, w->buf, w->len), 0);
	cr_assert_eq(full_read(r->fd, &st, 1), 0, "the relay is gone");
	cr_assert_eq(st, 0, "the frame could not be sent");
}

int
relay_try_send(struct relay *r, struct wire_out *w)
{
	uint32_t n;
	uint8_t st;

	if (wire_finish(w) == -1)
		return -1;
	n = (uint32_t)w->len;
	if (full_write(r->fd, "S", 1) == -1 || full_write(r->fd, &n, 4) == -1 ||
	    full_write(r->fd, w->buf, w->len) == -1 ||
	    full_read(r->fd, &st, 1) == -1)
		return -1;
	return st == 0 ? 0 : -1;
}

void
relay_send_raw(struct relay *r, const void *b, size_t len)
{
	uint32_t n = (uint32_t)len;
	uint8_t st;

	cr_assert_eq(full_write(r->fd, "W", 1), 0);
	cr_assert_eq(full_write(r->fd, &n, 4), 0);
	cr_assert_eq(full_write(r->fd, b, len), 0);
	cr_assert_eq(full_read(r->fd, &st, 1), 0, "the relay is gone");
	cr_assert_eq(st, 0, "the bytes could not be sent");
}

int
relay_recv(struct relay *r, struct wire_frame *f, char err_id[9])
{
	uint8_t st, hdr[6];
	char id[9];
	uint32_t n;

	cr_assert_eq(full_write(r->fd, "R", 1), 0);
	cr_assert_eq(full_read(r->fd, &st, 1), 0, "the relay is gone");
	cr_assert_eq(full_read(r->fd, id, 8), 0);
	id[8] = '\0';
	if (err_id != NULL)
		memcpy(err_id, id, 9);
	if (st != 1)
		return st == 0 ? 0 : -1;
	cr_assert_eq(full_read(r->fd, hdr, 6), 0);
	memcpy(&n, hdr + 2, 4);
	cr_assert_leq(n, WIRE_MAX_PAYLOAD);
	f->type = (uint16_t)(hdr[0] << 8 | hdr[1]);
	f->len = n;
	cr_assert_eq(full_read(r->fd, f->payload, n), 0);
	wire_in_init(&f->in, f->type, f->payload, f->len);
	return 1;
}

void
relay_stop(struct relay *r)
{
	int st;

	if (r->pid <= 0)
		return;
	(void)full_write(r->fd, "Q", 1);
	close(r->fd);
	if (waitpid(r->pid, &st, 0) == r->pid)
		r->pid = 0;
}

/* The content files in the instance's data directory; the last one's path. */
int
srv_content_files(const struct srv *v, char *last, size_t len)
{
	char dir[700], sub[1000];
	struct dirent *e, *f;
	DIR *d, *s;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/data", v->dir);
	cr_assert_not_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if ((s = opendir(sub)) == NULL)
			continue;
		while ((f = readdir(s)) != NULL) {
			if (f->d_name[0] == '.')
				continue;
			n++;
			if (last != NULL)
				snprintf(last, len, "%s/%s", sub, f->d_name);
		}
		closedir(s);
	}
	closedir(d);
	return n;
}
