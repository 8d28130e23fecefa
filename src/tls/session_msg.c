/*
 * A session's messages: each one goes to the configured log callback
 * (by default, standard error or output as every Bulwark message does),
 * and the first error is kept as the connection's own, so a program that
 * runs many sessions (a server, a library user) can tell which failed and
 * why without reading a shared stream.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/msg.h"
#include "session.h"

/* Writes what bwk_msg and bwk_info would. */
static void
default_log(void *arg, const char *id, const char *text)
{
	(void)arg;
	if (bwk_quiet)
		return;
	if (id[7] == 'I')
		printf("%s %s\n", id, text);
	else
		fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

static void __attribute__((format(printf, 3, 0)))
sess_vlog(struct session *s, const char *id, const char *fmt, va_list ap)
{
	char text[SESSION_ERR_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (id[7] == 'E' && s->err_id[0] == '\0') {
		snprintf(s->err_id, sizeof(s->err_id), "%s", id);
		snprintf(s->err_text, sizeof(s->err_text), "%s", text);
	}
	if (s->log != NULL)
		s->log(s->log_arg, id, text);
	else
		default_log(NULL, id, text);
}

void
sess_msg(struct session *s, const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sess_vlog(s, id, fmt, ap);
	va_end(ap);
}

void
sess_info(struct session *s, const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sess_vlog(s, id, fmt, ap);
	va_end(ap);
}
