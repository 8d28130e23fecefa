/*
 * The server's certificate labels, and which one is the default: what
 * the listener's cert commands (instance.c) and the session process's
 * query certificate (src/srvsession/certs.c) both read. No key database
 * here, so that bulwarkd-session, which must hold none of its code, can
 * link it.
 */
#ifndef BWK_CERTLABEL_H
#define BWK_CERTLABEL_H

#define CERT_LABEL_MAX	32
/* The files, in the instance directory, that name the default label and
 * the standby's (cert create --next). */
#define CERT_DEFAULT_FILE	"tls-default"
#define CERT_STANDBY_FILE	"tls-next"

/* A certificate label: 1..32 of letters, digits, - and _. */
int	cert_label_ok(const char *);
/*
 * The default certificate's label, from the tls-default file at path:
 * "default" when there is no such file (an instance made before it
 * existed); -1 for a file that does not hold one label.
 */
int	cert_default_label(const char *path, char out[CERT_LABEL_MAX + 1]);
/* A label file: one label and a line end. 0, 1 when there is no such
 * file, -1 when it cannot be read or does not hold one label. */
int	cert_label_file(const char *path, char out[CERT_LABEL_MAX + 1]);

#endif
