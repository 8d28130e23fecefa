/*
 * PASSWORDACCESS PROMPT, as the old client does it: when the key
 * database holds no password of the node for the server, the user types
 * it, on the terminal without echo (or one line of standard input with
 * --password-stdin). It goes straight into the key helper's pipe and is
 * wiped here before the network process is sandboxed and reads a byte
 * of the server's: only the helper computes the proof from it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/password.h"
#include "../lib/scram.h"
#include "client.h"

int
session_node_password(struct bwk *b, const struct session_args *c,
    int from_stdin)
{
	char pw[SCRAM_PASSWORD_MAX + 2], prompt[200];
	const char *node = c->opt.nodename, *server = c->opt.servername;
	size_t n;
	int r;

	if (!bwk_node_password_wanted(b))
		return 0;
	if (!from_stdin && !isatty(STDIN_FILENO)) {
		bwk_msg("BWK1105E", "the key database holds no password of node "
		    "%s for server %s, and standard input is not a terminal to "
		    "ask for it on (PASSWORDACCESS PROMPT): run on a terminal, "
		    "give --password-stdin, or store it with bulwark-cert "
		    "-nodepw -server %s -node %s", node, server, server, node);
		return -1;
	}
	snprintf(prompt, sizeof(prompt), "Password of node %s on server %s: ",
	    node, server);
	if (bwk_read_password(prompt, pw, sizeof(pw), &n) == -1 ||
	    n > SCRAM_PASSWORD_MAX) {
		explicit_bzero(pw, sizeof(pw));
		bwk_msg("BWK1105E", "cannot read the password of node %s: give "
		    "1 to %d characters on one line", node, SCRAM_PASSWORD_MAX);
		return -1;
	}
	r = bwk_set_node_password(b, pw, n);
	explicit_bzero(pw, sizeof(pw));
	return r;
}
