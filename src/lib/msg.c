#include <stdio.h>

#include "msg.h"

const char	*bwk_prog = "bulwark";
int		 bwk_quiet;

static bwk_msg_cb	*hook;
static void		*hook_arg;

void
bwk_msg_hook(bwk_msg_cb *cb, void *arg, bwk_msg_cb **old_cb, void **old_arg)
{
	if (old_cb != NULL)
		*old_cb = hook;
	if (old_arg != NULL)
		*old_arg = hook_arg;
	hook = cb;
	hook_arg = arg;
}

static void __attribute__((format(printf, 2, 0)))
to_hook(const char *id, const char *fmt, va_list ap)
{
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	hook(hook_arg, id, text);
}

void
bwk_vmsg(const char *id, const char *fmt, va_list ap)
{
	if (hook != NULL) {
		to_hook(id, fmt, ap);
		return;
	}
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

	if (hook != NULL) {
		va_start(ap, fmt);
		to_hook(id, fmt, ap);
		va_end(ap);
		return;
	}
	if (bwk_quiet)
		return;
	printf("%s ", id);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}
