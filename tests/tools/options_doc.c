/*
 * Prints docs/options.md from the options table (src/client/options_table.c),
 * so that the page and the code cannot drift: make docs writes it, and make
 * check fails when the committed page is not what this prints.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/client/options_int.h"

static const char intro[] =
"# Options of the old client\n"
"\n"
"<!-- Generated from src/client/options_table.c by `make docs`; do not\n"
"edit: make check fails when this page and the table differ. -->\n"
"\n"
"Every option of the system Bulwark replaces that Bulwark knows, from the\n"
"one table the options parser reads (`src/client/options.c`). An existing\n"
"`dsm.sys` and `dsm.opt` load as they are: each option is **followed**,\n"
"**read and checked** now for the backup sessions that will use it,\n"
"**accepted with a note** that says what Bulwark does instead, or\n"
"**refused** with the reason. The note is one line per file (BWK0850I),\n"
"naming every such option of the file with its line. A name that is no\n"
"option at all is an error that suggests the nearest names (BWK0804E).\n"
"\n"
"The option column shows the shortest abbreviation in capitals\n"
"(`TCPServeraddress` may be written `TCPS`); names are case-insensitive.\n"
"Where: *stanza* is a server's stanza of the system options file, *top*\n"
"the system file before the first stanza, *user* the user options file\n"
"(it overrides the stanza), *command line* `-option=value` (it overrides\n"
"both). The syntax of the files is in `bulwark(1)`.\n";

static void
where(const struct optdef *d, char *out, size_t outlen)
{
	out[0] = '\0';
	if (d->flags & F_TOP)
		strncat(out, "top", outlen - strlen(out) - 1);
	if (d == &opt_defs[O_SERVERNAME])
		strncat(out, "begins a stanza", outlen - strlen(out) - 1);
	if (d->flags & F_STANZA)
		strncat(out, "stanza", outlen - strlen(out) - 1);
	if (d->flags & F_USER)
		strncat(out, out[0] ? ", user" : "user",
		    outlen - strlen(out) - 1);
	if (d->flags & F_CLI)
		strncat(out, out[0] ? ", command line" : "command line",
		    outlen - strlen(out) - 1);
	if (d->flags & F_MULTI)
		strncat(out, "; may repeat", outlen - strlen(out) - 1);
}

/* A table cell: a '|' in the text would end it. */
static void
cell(const char *s)
{
	printf(" ");
	for (; *s != '\0'; s++)
		printf(*s == '|' ? "\\|" : "%c", *s);
	printf(" |");
}

static void
section(int use, const char *title, const char *text, const char *last)
{
	char name[64], w[80];
	int id;

	printf("\n## %s\n\n%s\n\n| option | where | value | %s |\n"
	    "| --- | --- | --- | --- |\n", title, text, last);
	for (id = 0; id < O_COUNT; id++) {
		const struct optdef *d = &opt_defs[id];

		if (d->use != use)
			continue;
		opt_display_name(id, name, sizeof(name));
		where(d, w, sizeof(w));
		printf("| `%s` | %s |", name, w);
		cell(d->syntax);
		cell(opt_use_text(id));
		printf("\n");
	}
}

int
main(void)
{
	fputs(intro, stdout);
	section(USE_ON, "Followed", "What Bulwark does with each, today "
	    "(the `BWK` options are its own).", "what Bulwark does");
	section(USE_LATER, "Read and checked, for the sessions to come",
	    "Each value is checked now, so that an error shows before the "
	    "backup sessions and the sign-on that will use them exist; "
	    "`bulwark check` does not use them, and `bulwark query "
	    "inclexcl` shows the include and exclude statements.",
	    "what it sets");
	section(USE_NOTED, "Accepted with a note", "Accepted and checked, "
	    "and not followed: the note of the file names them and says "
	    "what Bulwark does instead.", "what Bulwark does instead");
	section(USE_REFUSED, "Refused", "Refused wherever they are (BWK0829E), "
	    "since following them is impossible and ignoring them would be "
	    "unsafe.", "why");
	return 0;
}
