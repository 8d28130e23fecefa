/*
 * Any sequence of bulwark-cert commands leaves a key database that the
 * readers open. The commands are the real ones (cert_args() and
 * cert_run(), as bulwark-cert's main runs them), on a real database in a
 * temporary directory, one process for the whole run.
 *
 * Input: up to MAX_OPS commands, each
 *	u8 op		which command (op % NOPS, table below)
 *	name		u8 n, then n token numbers (names[] below): the server,
 *			label or node, made long, colliding or malformed
 *	u8 arg		which certificate file, or a second name for -nodepw
 *
 * Properties, checked after every command (abort on violation):
 *  - the database opens as every reader opens it (store_open, store_load:
 *    the header, the GCM tag, the decoder with its label rules);
 *  - the command ended as commands end in a sane directory: 0, 2 (usage),
 *    3 (refused) or 4 (not found). Never 1 or 5: here these would mean
 *    an internal failure, or a command that built a database the readers
 *    refuse and was stopped only by the last check before the rename
 *    (BWK0120E); the commands' own checks must stop such a change first.
 *
 * The certificates below are test material (EC P-256, valid to 2126), not
 * secrets; the commands are given --unsafe-allow-invalid-dates anyway, so
 * that runs do not depend on the clock.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cert/cert.h"
#include "../src/lib/msg.h"
#include "../src/kdb/store.h"

#define FUZZ_SETUP	certops_setup
#include "fuzz_common.h"

#define MAX_OPS		24
#define NOPS		11	/* the cases of run() */
#define MAX_TOKENS	12

static const char leaf1_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBfjCCASSgAwIBAgIUJzp4jQpP7lI7hHA7K8Dx9fLjndcwCgYIKoZIzj0EAwIw\n"
    "FTETMBEGA1UEAwwKbGVhZjEuZnV6ejAgFw0yNjEyMDExNzQ5NDJaGA8yMTI2MTEw\n"
    "NzE3NDk0MlowFTETMBEGA1UEAwwKbGVhZjEuZnV6ejBZMBMGByqGSM49AgEGCCqG\n"
    "SM49AwEHA0IABEEUBkbtIpxjEVLLdadOdzEwZb6NO+vte2AwlmnBhDhBVntH1pH5\n"
    "rzhSjdsnLEt3k34xHyrMezsJRUpvLAK94uejUDBOMB0GA1UdDgQWBBQMupl1iXC3\n"
    "pMSLhtyc7rBspe+ofjAfBgNVHSMEGDAWgBQMupl1iXC3pMSLhtyc7rBspe+ofjAM\n"
    "BgNVHRMBAf8EAjAAMAoGCCqGSM49BAMCA0gAMEUCIFdncXpCQyGd/26VsLB49ic3\n"
    "0vCg3PB7gFfhkOJLhjLxAiEAl93VbnjAJ4rCghOKNxVfuhAOMY9867iuXV7QWDq5\n"
    "VuM=\n"
    "-----END CERTIFICATE-----\n";

static const char leaf2_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBfzCCASSgAwIBAgIUNz/8KSTFGmCC5dVBjdQ9AfkgGOMwCgYIKoZIzj0EAwIw\n"
    "FTETMBEGA1UEAwwKbGVhZjIuZnV6ejAgFw0yNjEyMDExNzQ5NDJaGA8yMTI2MTEw\n"
    "NzE3NDk0MlowFTETMBEGA1UEAwwKbGVhZjIuZnV6ejBZMBMGByqGSM49AgEGCCqG\n"
    "SM49AwEHA0IABEhnvAqp0PI22oAiHuz/SpcAWLTmFqMhbTDBmcQcWHVeZvdJ17SV\n"
    "XW5/ZS79Xf+zH9FOCI2fiTHHIfli3/EeKgOjUDBOMB0GA1UdDgQWBBTPbyDDiIYp\n"
    "V7e6d27DYsLrqGxiMjAfBgNVHSMEGDAWgBTPbyDDiIYpV7e6d27DYsLrqGxiMjAM\n"
    "BgNVHRMBAf8EAjAAMAoGCCqGSM49BAMCA0kAMEYCIQC33F5NmKDAkzWPqT+uQbi0\n"
    "DHMPA7+pHbXkN49jD4QWcwIhAIvK2F4U7bAZVQdJ0HaVhtZZCQwQmn3khyIV67uK\n"
    "XVww\n"
    "-----END CERTIFICATE-----\n";

static const char ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjzCCATWgAwIBAgIUBpIqyUNJ5HjO/S3CyayVAi22uX0wCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJRnV6eiBSb290MCAXDTI2MTIwMTE3NDk0MloYDzIxMjYxMTA3\n"
    "MTc0OTQyWjAUMRIwEAYDVQQDDAlGdXp6IFJvb3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAQhRnD3qaORM9GOgVhxnNI3IyOl4FayiW2hu3VPcTmGioo24psJ9f4N\n"
    "5C7P4eoabKwrRVPSp1BqbTS2PqUtK68ro2MwYTAdBgNVHQ4EFgQURtUL23hX+bIx\n"
    "buaJgP7q7aEigf0wHwYDVR0jBBgwFoAURtUL23hX+bIxbuaJgP7q7aEigf0wDwYD\n"
    "VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZIzj0EAwIDSAAwRQIh\n"
    "AJbrTuvYNcl4rK0HC+GHUQ5u1kC9Vr2xN8YDahr+kFjZAiAXAgXNyxR7/kFi0lSP\n"
    "0hZNfi+s0/+CCf8piN38sRizig==\n"
    "-----END CERTIFICATE-----\n";

static const char chain_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBfTCCASSgAwIBAgIUGIGq28cLWDRPPfytDBUiln45AAQwCgYIKoZIzj0EAwIw\n"
    "FTETMBEGA1UEAwwKRnV6eiBJbnRlcjAgFw0yNjEyMDExNzQ5NDNaGA8yMTI2MTEw\n"
    "NzE3NDk0M1owFTETMBEGA1UEAwwKbGVhZjMuZnV6ejBZMBMGByqGSM49AgEGCCqG\n"
    "SM49AwEHA0IABLxZVo9MfOJCpv1SdD2ZefD/CMXvWUZXVW6eUa0MzaNnRHYq8K+a\n"
    "lg3j1y9vCqZe62CHisnDsIg5nKvyGOYM14mjUDBOMAwGA1UdEwEB/wQCMAAwHQYD\n"
    "VR0OBBYEFEqJJlstCy8wQ2vvUMqBdeCPmtuDMB8GA1UdIwQYMBaAFNeXuo3PvgpY\n"
    "+GmkouppuecgoMfXMAoGCCqGSM49BAMCA0cAMEQCIC6Fqh9Aa0tcnJD6bQ1zMGc3\n"
    "RsI1suXIRfRvtuVelk1vAiB1fJwT17uYl/ro/d8jC7EcijXdErC0zr8HfL5q47Cw\n"
    "iA==\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBkDCCATagAwIBAgIUQ/rW5Og8ws/jqwcbl/EfshpObZUwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJRnV6eiBSb290MCAXDTI2MTIwMTE3NDk0MloYDzIxMjYxMTA3\n"
    "MTc0OTQyWjAVMRMwEQYDVQQDDApGdXp6IEludGVyMFkwEwYHKoZIzj0CAQYIKoZI\n"
    "zj0DAQcDQgAE+HuJrn71lLCDYYKS+Use3z4UdID2TRjEQ4qMkuQp7+CMFyOWtlWJ\n"
    "JXS2yai6IrIXOhWS9hwXPGml3jZt3Twj2KNjMGEwDwYDVR0TAQH/BAUwAwEB/zAO\n"
    "BgNVHQ8BAf8EBAMCAgQwHQYDVR0OBBYEFNeXuo3PvgpY+GmkouppuecgoMfXMB8G\n"
    "A1UdIwQYMBaAFEbVC9t4V/myMW7miYD+6u2hIoH9MAoGCCqGSM49BAMCA0gAMEUC\n"
    "IQDwB+LXXnoaftkMcqX05FooSoHaIrC74gxcmJEQ5670BwIgFZMjD08X7zqVkZfG\n"
    "BnATUBYham4hDr2qfLcUX6GJIBk=\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjzCCATWgAwIBAgIUBpIqyUNJ5HjO/S3CyayVAi22uX0wCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJRnV6eiBSb290MCAXDTI2MTIwMTE3NDk0MloYDzIxMjYxMTA3\n"
    "MTc0OTQyWjAUMRIwEAYDVQQDDAlGdXp6IFJvb3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAQhRnD3qaORM9GOgVhxnNI3IyOl4FayiW2hu3VPcTmGioo24psJ9f4N\n"
    "5C7P4eoabKwrRVPSp1BqbTS2PqUtK68ro2MwYTAdBgNVHQ4EFgQURtUL23hX+bIx\n"
    "buaJgP7q7aEigf0wHwYDVR0jBBgwFoAURtUL23hX+bIxbuaJgP7q7aEigf0wDwYD\n"
    "VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZIzj0EAwIDSAAwRQIh\n"
    "AJbrTuvYNcl4rK0HC+GHUQ5u1kC9Vr2xN8YDahr+kFjZAiAXAgXNyxR7/kFi0lSP\n"
    "0hZNfi+s0/+CCf8piN38sRizig==\n"
    "-----END CERTIFICATE-----\n";

static const char roots_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjzCCATWgAwIBAgIUBpIqyUNJ5HjO/S3CyayVAi22uX0wCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJRnV6eiBSb290MCAXDTI2MTIwMTE3NDk0MloYDzIxMjYxMTA3\n"
    "MTc0OTQyWjAUMRIwEAYDVQQDDAlGdXp6IFJvb3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAQhRnD3qaORM9GOgVhxnNI3IyOl4FayiW2hu3VPcTmGioo24psJ9f4N\n"
    "5C7P4eoabKwrRVPSp1BqbTS2PqUtK68ro2MwYTAdBgNVHQ4EFgQURtUL23hX+bIx\n"
    "buaJgP7q7aEigf0wHwYDVR0jBBgwFoAURtUL23hX+bIxbuaJgP7q7aEigf0wDwYD\n"
    "VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZIzj0EAwIDSAAwRQIh\n"
    "AJbrTuvYNcl4rK0HC+GHUQ5u1kC9Vr2xN8YDahr+kFjZAiAXAgXNyxR7/kFi0lSP\n"
    "0hZNfi+s0/+CCf8piN38sRizig==\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBlDCCATmgAwIBAgIUabSFrcQjPfTBVQP2H1AxsD76LH0wCgYIKoZIzj0EAwIw\n"
    "FjEUMBIGA1UEAwwLRnV6eiBSb290IDIwIBcNMjYxMjAxMTc0OTQyWhgPMjEyNjEx\n"
    "MDcxNzQ5NDJaMBYxFDASBgNVBAMMC0Z1enogUm9vdCAyMFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAE94lcxj7V6MC58ONAO6yxX6NjTnzJ7a7ZJ3/UaTuiXx5XC/Rc\n"
    "7+Mi6a6NRZA2f+HjjkW7M9B+xJOw6zvCXwpeh6NjMGEwHQYDVR0OBBYEFEXostPn\n"
    "zv5kGCkBgqFNmLTFo00rMB8GA1UdIwQYMBaAFEXostPnzv5kGCkBgqFNmLTFo00r\n"
    "MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMAoGCCqGSM49BAMCA0kA\n"
    "MEYCIQDSC+TofZVNlIjzVdX2bV4rnCMRny+laWJQ5a4v2TojHwIhANmQ/dPX5cpC\n"
    "wD3tsuEfIoWKtZ0CaB/3bk0MkvIomrpX\n"
    "-----END CERTIFICATE-----\n";

static const char client_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBgDCCASagAwIBAgIUfxabbXfzcNCyNsPzSe/CFmk5BLYwCgYIKoZIzj0EAwIw\n"
    "FjEUMBIGA1UEAwwLY2xpZW50LmZ1enowIBcNMjYxMjAxMTc0OTQyWhgPMjEyNjEx\n"
    "MDcxNzQ5NDJaMBYxFDASBgNVBAMMC2NsaWVudC5mdXp6MFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAE5gw1fb//M+mXnt/k42EAWBmq5Jb5GdXK+oRN1O+S1NryxIWJ\n"
    "EWeGsuOm6XANaFFarc//8aNqcQUKQOtBqFF2EKNQME4wHQYDVR0OBBYEFOPRUq4i\n"
    "I9x7Zyuw79YO648kxC7YMB8GA1UdIwQYMBaAFOPRUq4iI9x7Zyuw79YO648kxC7Y\n"
    "MAwGA1UdEwEB/wQCMAAwCgYIKoZIzj0EAwIDSAAwRQIhAKjSxoWZZkkua5mFDvDU\n"
    "qznzAdCbNdi9m+oqwUf9Y58lAiBpPw0uJU6TJJXqCJL0YT2ygFs+/22DL1vfERBo\n"
    "nJV+xA==\n"
    "-----END CERTIFICATE-----\n";

static const char client_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJlw34kcesqiX4WgU\n"
    "84QLkt7pO5Wwv9sZvldBEFyVDS6hRANCAATmDDV9v/8z6Zee3+TjYQBYGarklvkZ\n"
    "1cr6hE3U75LU2vLEhYkRZ4ay46bpcA1oUVqtz//xo2pxBQpA60GoUXYQ\n"
    "-----END PRIVATE KEY-----\n";

static const struct {
	const char	*name;
	const char	*text;
} files[] = {
	{ "leaf1.pem", leaf1_pem },	/* a server's self-signed certificate */
	{ "leaf2.pem", leaf2_pem },
	{ "ca.pem", ca_pem },		/* a CA root */
	{ "chain.pem", chain_pem },	/* leaf, intermediate, root: NAME/2, NAME/3 */
	{ "roots.pem", roots_pem },	/* two CA roots */
	{ "client.pem", client_pem },	/* the client certificate ... */
	{ "client.key", client_key_pem },	/* ... and its key, PKCS#8 */
};
#define NFILES_CERT	5		/* the ones -file takes for servers and CAs */

/* Tokens names are made of: separators, old and new label markers, bulk. */
static const char *names[] = {
	"a", "b", "A", "1", "2", ":", "@", "/", "+", "-", ".", "_", "srv",
	"client-cert", "client-key", "nodepw", "client-cert:", "client-key@",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",		/* 40 */
	"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",			/* 100 */
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static char	root[64], dbdir[96];
static char	path[NFILES_CERT + 2][128];

static void
fail(const char *what, int op, int status)
{
	fuzz_fail("%s (op %d, exit %d)", what, op, status);
}

static void
cleanup(void)
{
	char cmd[256];

	if (root[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	(void)!system(cmd);
}

/* The database directory emptied between inputs: every input starts fresh. */
static void
reset(void)
{
	DIR *d;
	struct dirent *de;
	char p[512];

	if ((d = opendir(dbdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dbdir, de->d_name);
		if (unlink(p) == -1)
			fail("cannot empty the database directory", -1, errno);
	}
	closedir(d);
	(void)rmdir(dbdir);
}

static void
certops_setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	size_t i;
	FILE *f;

	bwk_prog = "bulwark-cert";
	/* the commands print their results; nobody reads them here */
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	snprintf(root, sizeof(root), "%s/bwk-fuzz-certops.XXXXXX", base);
	if (mkdtemp(root) == NULL)
		abort();
	atexit(cleanup);
	snprintf(dbdir, sizeof(dbdir), "%s/db", root);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%s", root, files[i].name);
		if ((f = fopen(path[i], "w")) == NULL ||
		    fputs(files[i].text, f) == EOF || fclose(f) != 0)
			abort();
	}
}

/* A cursor over the input; reads past the end give zeros. */
struct in {
	const uint8_t	*p;
	size_t		 left;
};

static uint8_t
next(struct in *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static void
make_name(struct in *in, char *out, size_t cap)
{
	size_t n = next(in) % (MAX_TOKENS + 1), i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *t = names[next(in) % NNAMES];
		size_t tl = strlen(t);

		if (len + tl + 1 > cap)
			break;
		memcpy(out + len, t, tl + 1);
		len += tl;
	}
	if (len == 0)
		snprintf(out, cap, "s");
}

/* -nodepw reads its password from standard input. */
static int
with_stdin(const char *text, int argc, char **argv, struct cert_opts *o)
{
	int p[2], saved, rc;

	if (pipe(p) == -1 || (saved = dup(0)) == -1)
		abort();
	if (write(p[1], text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	clearerr(stdin);
	rc = cert_args(argc, argv, o);
	if (rc == -1)
		rc = cert_run(o);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	return rc;
}

static int
run(int op, struct in *in)
{
	static char name[600], node[600];
	char *argv[16];
	struct cert_opts o;
	int argc = 0, rc;
	uint8_t arg;

	make_name(in, name, sizeof(name));
	arg = next(in);
	argv[argc++] = "bulwark-cert";
	argv[argc++] = "-db";
	argv[argc++] = dbdir;
	switch (op) {
	case 0: case 1: case 2: case 3:
		argv[argc++] = op < 2 ? "-add" : "-replace";
		if (op == 1)
			argv[argc++] = "-ca";
		argv[argc++] = op % 2 ? "-label" : "-server";
		argv[argc++] = name;
		argv[argc++] = "-file";
		argv[argc++] = path[arg % NFILES_CERT];
		argv[argc++] = "--unsafe-allow-invalid-dates";
		break;
	case 4: case 5:
		argv[argc++] = op == 4 ? "-add" : "-replace";
		argv[argc++] = "-client";
		argv[argc++] = "-server";
		argv[argc++] = name;
		argv[argc++] = "-file";
		argv[argc++] = path[NFILES_CERT];
		argv[argc++] = "-key";
		argv[argc++] = path[NFILES_CERT + 1];
		argv[argc++] = "--unsafe-allow-invalid-dates";
		break;
	case 6:
		make_name(in, node, sizeof(node));
		argv[argc++] = "-nodepw";
		argv[argc++] = "-server";
		argv[argc++] = name;
		argv[argc++] = "-node";
		argv[argc++] = node;
		argv[argc] = NULL;
		return with_stdin(arg & 1 ? "pw\n" : "another password\n", argc,
		    argv, &o);
	case 7: case 8:
		argv[argc++] = "-delete";
		argv[argc++] = op == 7 ? "-server" : "-label";
		argv[argc++] = name;
		break;
	case 9:
		argv[argc++] = "-rekey";
		break;
	default:
		argv[argc++] = "-verify";
		break;
	}
	argv[argc] = NULL;
	if ((rc = cert_args(argc, argv, &o)) != -1)
		return rc;
	return cert_run(&o);
}

/* The readers' path: what every command, and the key helper, open. */
static void
opens(int op, int status)
{
	struct store s;
	struct kdb db;
	struct stash st;

	if (store_open(&s, dbdir, STORE_READ) == -1 ||
	    store_load(&s, &db, &st) == -1)
		fail("the database no longer opens", op, status);
	kdb_free(&db);
	stash_wipe(&st);
	store_close(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	int n, op, rc;

	reset();
	for (n = 0; n < MAX_OPS && in.left > 0; n++) {
		op = next(&in) % NOPS;
		rc = run(op, &in);
		if (rc != EXIT_OK && rc != EXIT_USAGE && rc != EXIT_REFUSED &&
		    rc != EXIT_NOTFOUND)
			fail("a command failed as none should here", op, rc);
		opens(op, rc);
	}
	return 0;
}
