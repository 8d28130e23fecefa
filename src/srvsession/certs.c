/*
 * The server's certificates, for query certificate, read before the
 * sandbox: the session process cannot open the key database (it must
 * hold none of its code, and its sandbox allows only the catalog and the
 * objects' data), so it knows the certificate its own key helper serves
 * (BEGIN's answer) and the instance's public default, cert256.arm, named
 * by tls-default. Every label is listed by bulwarkd cert list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/certfile.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "../lib/x509.h"
#include "../server/certlabel.h"
#include "serve.h"

#define ARM_MAX		(64 * 1024)

static int
describe(struct serve_cert *c, const char *label, const uint8_t *der,
    size_t len)
{
	struct certinfo ci;
	char why[128];

	if (x509_inspect(der, len, &ci, why, sizeof(why)) == -1)
		return -1;
	memset(c, 0, sizeof(*c));
	snprintf(c->label, sizeof(c->label), "%s", label);
	snprintf(c->key, sizeof(c->key), "%s", ci.key_desc);
	bwk_time_format(ci.not_after, c->expires);
	bwk_fpr_format(ci.fpr, c->sha256);
	return 0;
}

/* cert256.arm, one PEM certificate: the default's DER, described. */
static int
load_default(struct serve_cert *c, const char *instance)
{
	char path[4096], label[CERT_LABEL_MAX + 1], why[128];
	struct cert_list cl;
	const char *id;
	uint8_t *b;
	size_t n;
	int r = -1;

	snprintf(path, sizeof(path), "%s/%s", instance, CERT_DEFAULT_FILE);
	if (cert_default_label(path, label) == -1)
		snprintf(label, sizeof(label), "?");
	snprintf(path, sizeof(path), "%s/cert256.arm", instance);
	if (bwk_read_file(path, ARM_MAX, &b, &n) == -1)
		return -1;
	memset(&cl, 0, sizeof(cl));
	if (certfile_split(b, n, &cl, &id, why, sizeof(why)) == 0 &&
	    cl.n == 1)
		r = describe(c, label, cl.c[0].der, cl.c[0].len);
	cert_list_free(&cl);
	free(b);
	c->is_default = 1;
	return r;
}

int
serve_certs_load(struct serve_env *env, const char *instance,
    const char *label, const uint8_t *der, size_t len)
{
	struct serve_cert def;

	env->ncerts = 0;
	if (der != NULL && describe(&env->certs[0], label, der, len) == 0) {
		env->certs[0].in_use = 1;
		env->ncerts = 1;
	}
	if (load_default(&def, instance) == -1) {
		bwk_msg("BWK1334W", "%s/cert256.arm, the server's default "
		    "certificate, cannot be read; query certificate will not "
		    "list it", instance);
		return -1;
	}
	/* one row for one certificate, whichever ways it is used */
	if (env->ncerts == 1 && strcmp(env->certs[0].sha256, def.sha256) == 0)
		env->certs[0].is_default = 1;
	else
		env->certs[env->ncerts++] = def;
	return 0;
}
