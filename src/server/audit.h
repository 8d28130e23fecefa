/* bulwarkd --instance DIR audit: the instance's objects checked (audit.c). */
#ifndef BWK_AUDIT_H
#define BWK_AUDIT_H

#include "instance.h"

#define AUDIT_USAGE	2	/* bulwarkd's exit statuses */
#define AUDIT_FAILED	3	/* the catalog or data/ could not be read */
#define AUDIT_PROBLEMS	4	/* the audit found a problem */

/* argv: the command's arguments ([--repair]); 0 or an exit status. */
int	audit_cmd(const struct instance *, int argc, char **argv);

#endif
