/*
 * Typed passwords, in the helper: bulwark admin's administrator's, read
 * at start, and a node's under PASSWORDACCESS PROMPT, read at the
 * sign-on's proof and only when the database stores no password for the
 * node. Either comes whole on a pipe on KEYD_PASSWORD_FD, whose writing
 * end bulwark closes once it has written (or, when the database has a
 * password, without writing); the helper keeps it only in k->admin_pw,
 * for the one proof, and never writes it anywhere.
 */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/scram.h"
#include "keyd.h"

int
keyd_typed_pipe_ok(int node, const struct keyd *k)
{
	struct stat st;

	if (fstat(KEYD_PASSWORD_FD, &st) == 0 && S_ISFIFO(st.st_mode))
		return 0;
	if (node)
		bwk_msg("BWK1119E", "the typed password of node %s must come "
		    "on a pipe on descriptor %d; bulwark gives it",
		    k->typed_node, KEYD_PASSWORD_FD);
	else
		bwk_msg("BWK1342E", "the administrator's password must come on "
		    "a pipe on descriptor %d; bulwark admin gives it",
		    KEYD_PASSWORD_FD);
	return -1;
}

/* The pipe's whole content into k->admin_pw; n bytes, or -1. */
static ssize_t
drain(struct keyd *k)
{
	struct pollfd pfd = { KEYD_PASSWORD_FD, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;

	for (;;) {
		if (poll(&pfd, 1, KEYD_TIMEOUT_MS / 2) != 1)
			return -1;
		r = read(KEYD_PASSWORD_FD, k->admin_pw + n,
		    sizeof(k->admin_pw) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			return (ssize_t)n;
		n += (size_t)r;
		if (n == sizeof(k->admin_pw))
			return (ssize_t)n;	/* more than SCRAM takes */
	}
}

int
keyd_read_typed(struct keyd *k, int node)
{
	ssize_t n;

	if (!node && keyd_typed_pipe_ok(0, k) == -1)
		return -1;
	n = drain(k);
	close(KEYD_PASSWORD_FD);
	k->prompt = 0;
	if (node && n == 0)
		return 1;		/* nothing typed: bulwark said why */
	if (n > 0 && (size_t)n <= SCRAM_PASSWORD_MAX) {
		k->admin_pw_len = (size_t)n;
		return 0;
	}
	explicit_bzero(k->admin_pw, sizeof(k->admin_pw));
	if (node)
		bwk_msg("BWK1119E", "cannot read the typed password of node %s "
		    "from descriptor %d: %s", k->typed_node, KEYD_PASSWORD_FD,
		    n == -1 ? "it did not end in time, or could not be read" :
		    "it is longer than 1,024 bytes");
	else
		bwk_msg("BWK1342E", "cannot read the administrator's password "
		    "from descriptor %d: %s", KEYD_PASSWORD_FD, n == -1 ?
		    "it did not end in time, or could not be read" :
		    "it is empty, or longer than 1,024 bytes");
	return -1;
}
