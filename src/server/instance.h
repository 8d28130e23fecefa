/*
 * A bulwarkd instance: one directory holds everything the server has.
 *
 *	DIR/bulwarkd.opt	the options (srvopts.h), the administrator's
 *	DIR/cert256.arm		the default certificate, PEM, public (0644):
 *				what clients import, as with the seed server
 *	DIR/kdb/		the server's key database (bulwark.kdb and
 *				bulwark.sth, docs/kdb-format.md): its keys and
 *				certificates by label; read by bulwark-keyd
 *	DIR/tls-default		the label of the default certificate
 *	DIR/tls-next		the label of the standby certificate, if any:
 *				the key every session announces, so that
 *				clients pin it before it becomes the default
 *	DIR/catalog/catalog.db	the catalog: nodes, administrators, objects;
 *				SQLite's -wal, -shm and -journal files beside
 *				it, and nothing else in catalog/
 *	DIR/signon.key		32 random bytes, secret: the key of the fake
 *				verifiers unknown names are challenged with
 *	DIR/data/		the objects' contents
 *
 * The directory and every private part are the server user's, 0700/0600.
 * The catalog has a directory of its own because the session process's
 * sandbox can allow files only by directory, everything beneath it: a
 * rule on DIR itself would give it kdb/ (the server's keys) and
 * bulwarkd.opt too (sb_apply_srvsession).
 */
#ifndef BWK_INSTANCE_H
#define BWK_INSTANCE_H

#include <limits.h>
#include <stdint.h>

#include "certgen.h"
#include "certlabel.h"

/* Names inside DIR the session process builds its sandbox from. */
#define INSTANCE_CATDIR		"catalog"
#define INSTANCE_CATALOG	"catalog.db"
#define INSTANCE_DATADIR	"data"

struct instance {
	char	dir[PATH_MAX];
	char	opt[PATH_MAX];
	char	arm[PATH_MAX];
	char	kdb[PATH_MAX];
	char	deflabel[PATH_MAX];
	char	nextlabel[PATH_MAX];
	char	catdir[PATH_MAX];
	char	catalog[PATH_MAX];
	char	signon_key[PATH_MAX];
	char	data[PATH_MAX];
};

/* The paths of the instance in dir (absolute, resolved). -1: no such. */
int	instance_open(struct instance *, const char *dir, int must_exist);
/* init: the directories, bulwarkd.opt, the sign-on key and the first
 * certificate (the catalog is accounts.c's). */
int	instance_create(struct instance *, int days, int rsa);
/* The catalog and data directories, made (0700) where missing: an
 * instance made before either existed gets them when the server starts. */
int	instance_make_dirs(const struct instance *);

/* cert create: a new key and certificate under label. */
int	instance_cert_create(struct instance *, const char *label, int days,
	    int rsa, int make_default);
/*
 * cert create --next: a new key and certificate under label (NULL: one
 * made from the date), which tls-next names as the standby.
 */
int	instance_cert_create_next(struct instance *, const char *label, int days,
	    int rsa);
/* cert renew: a new certificate for the key already under label. */
int	instance_cert_renew(struct instance *, const char *label, int days);
/* cert default: cert256.arm and tls-default follow label. */
int	instance_cert_default(struct instance *, const char *label);
/* cert list: every label, its fingerprint, expiry, and the default. */
int	instance_cert_list(struct instance *);
/* The default certificate's label (tls-default), into out. */
int	instance_default_label(const struct instance *, char out[CERT_LABEL_MAX + 1]);
/* The standby's label (tls-next) into out: 0, 1 when there is none, -1
 * when the file holds no label. */
int	instance_standby_label(const struct instance *, char out[CERT_LABEL_MAX + 1]);

/* A file written atomically: temporary, fsync, rename, fsync of dir. */
int	write_file_atomic(const char *path, const void *, size_t, int mode);

#endif
