/*
 * bulwark admin's output: the result of a command as a table with
 * aligned columns, as the seed's dsmadmc prints one, or as one JSON
 * document (--json) for scripts. The cells are printable ASCII (rows.c
 * refuses anything else from the server), and JSON escapes them anyway.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"

/* A column's heading: its name in capitals, '_' as a blank. */
static void
heading(const char *col, char *out, size_t len)
{
	size_t i;

	for (i = 0; col[i] != '\0' && i + 1 < len; i++)
		out[i] = col[i] == '_' ? ' ' : (col[i] >= 'a' && col[i] <= 'z' ?
		    (char)(col[i] - 'a' + 'A') : col[i]);
	out[i] = '\0';
}

static void
print_line(FILE *f, const size_t *width, size_t ncols, const char *const *cell)
{
	size_t i;

	for (i = 0; i < ncols; i++) {
		if (i + 1 < ncols)
			fprintf(f, "%-*s  ", (int)width[i], cell[i]);
		else
			fprintf(f, "%s\n", cell[i]);
	}
}

void
admin_print_table(FILE *f, const struct bwk_rows *r)
{
	char head[ROWS_TABLE_COLS][40], dash[ROWS_TABLE_COLS][ROWS_TABLE_W];
	const char *line[ROWS_TABLE_COLS];
	size_t width[ROWS_TABLE_COLS], i, j, n = r->ncols, w;

	if (n > ROWS_TABLE_COLS)
		n = ROWS_TABLE_COLS;
	for (i = 0; i < n; i++) {
		heading(r->col[i], head[i], sizeof(head[i]));
		width[i] = strlen(head[i]);
		for (j = 0; j < r->nrows; j++)
			if ((w = strlen(r->cell[j * r->ncols + i])) > width[i])
				width[i] = w;
		if (width[i] >= ROWS_TABLE_W)
			width[i] = ROWS_TABLE_W - 1;
		memset(dash[i], '-', width[i]);
		dash[i][width[i]] = '\0';
		line[i] = head[i];
	}
	if (n > 0) {
		print_line(f, width, n, line);
		for (i = 0; i < n; i++)
			line[i] = dash[i];
		print_line(f, width, n, line);
	}
	for (j = 0; j < r->nrows; j++) {
		for (i = 0; i < n; i++)
			line[i] = r->cell[j * r->ncols + i];
		print_line(f, width, n, line);
	}
	if (n > 0)
		fputc('\n', f);
	fprintf(f, "%s %s\n", r->id, r->text);
}

/* A JSON string: quotes, backslashes and controls escaped (RFC 8259). */
static void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void
admin_print_json(FILE *f, const char *server, const struct bwk_rows *r)
{
	size_t i, j;

	fputs("{\"server\": ", f);
	json_string(f, server);
	fprintf(f, ", \"status\": \"%s\", \"id\": ", r->refused ? "refused" :
	    "done");
	json_string(f, r->id);
	fputs(", \"message\": ", f);
	json_string(f, r->text);
	fputs(", \"columns\": [", f);
	for (i = 0; i < r->ncols; i++) {
		fputs(i > 0 ? ", " : "", f);
		json_string(f, r->col[i]);
	}
	fputs("], \"rows\": [", f);
	/* a refused command's rows, if any came, are not its result */
	for (j = 0; !r->refused && j < r->nrows; j++) {
		fputs(j > 0 ? ",\n  {" : "\n  {", f);
		for (i = 0; i < r->ncols; i++) {
			fputs(i > 0 ? ", " : "", f);
			json_string(f, r->col[i]);
			fputs(": ", f);
			json_string(f, r->cell[j * r->ncols + i]);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
}
