#include <stdio.h>

#include "msg.h"

const char	*bwk_prog = "bulwark";
int		 bwk_quiet;

void
bwk_vmsg(const char *id, const char *fmt, va_list ap)
{
	if (bwk_quiet)
		return;
	fprintf(stderr, "%s %s: ", id, bwk_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
bwk_msg(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bwk_vmsg(id, fmt, ap);
	va_end(ap);
}

void
bwk_info(const char *id, const char *fmt, ...)
{
	va_list ap;

	if (bwk_quiet)
		return;
	printf("%s ", id);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}
