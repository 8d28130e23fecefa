/*
 * Passwords typed or piped to the administrator's commands (bulwark-cert
 * -nodepw, bulwarkd's account commands, bulwark admin). stdio is not used:
 * its buffer would keep a copy of the line that no one can wipe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "password.h"

int
bwk_read_password(const char *prompt, char *pw, size_t cap, size_t *len)
{
	struct termios t, quiet;
	int tty = isatty(STDIN_FILENO), echo_off = 0, too_long = 0;
	size_t n = 0;
	ssize_t r;
	char c;

	if (cap < 2)
		return -1;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &t) == 0) {
			quiet = t;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH,
			    &quiet) == 0;
		}
	}
	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 1 || c == '\n')
			break;
		if (n + 1 < cap)
			pw[n++] = c;
		else
			too_long = 1;
	}
	c = 0;
	if (n > 0 && pw[n - 1] == '\r')
		n--;
	pw[n] = '\0';
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	if (tty)
		fputc('\n', stderr);
	if (too_long || n == 0) {
		explicit_bzero(pw, cap);
		return -1;
	}
	*len = n;
	return 0;
}
