/* The tests' bulwarkd instances (srvfix.h). */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/lib/certfile.h"
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
