/*
 * What a backup covers, from the options: the DOMAIN's file systems (what
 * incremental with no path backs up) and the include and exclude
 * statements of the options files, in the order the matcher
 * (src/files/inclexcl.h) reads them.
 */
#ifndef BWK_CLIENT_BACKUP_SCOPE_H
#define BWK_CLIENT_BACKUP_SCOPE_H

#include <stddef.h>

#include "../files/inclexcl.h"
#include "options.h"

struct backup_scope {
	struct ie_list	 rules;
	struct ie_rule	*rule;		/* rules.rules, owned */
	const char	**domain;	/* absolute mount points */
	size_t		 ndomain;
};

/* 0, or -1 with a message. */
int	backup_scope_load(const struct bwk_options *, struct backup_scope *);
void	backup_scope_free(struct backup_scope *);

#endif
