/*
 * Messages to users. Every message carries a stable ID (BWKnnnnX, X = I
 * information, W warning, E error) so that an administrator can search logs
 * and docs/messages.md for it. IDs are never reused for another meaning.
 */
#ifndef BWK_MSG_H
#define BWK_MSG_H

#include <stdarg.h>

extern const char	*bwk_prog;	/* program name for messages */
extern int		 bwk_quiet;	/* fuzzers and unit tests: no output */

/* "ID text\n" to stderr. The ID's last letter says its severity. */
void	bwk_msg(const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	bwk_vmsg(const char *id, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/* "ID text\n" to stdout: results a user asked for. */
void	bwk_info(const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * A program that is not a command (a server, a library's user) takes the
 * messages instead: cb gets each one, formatted, with its ID. NULL goes
 * back to standard error and output. The previous hook is returned
 * through *old_cb and *old_arg when they are not NULL.
 */
typedef void bwk_msg_cb(void *arg, const char *id, const char *text);
void	bwk_msg_hook(bwk_msg_cb *cb, void *arg, bwk_msg_cb **old_cb,
	    void **old_arg);
#endif
