/*
 * Remote administration's parsers of peer bytes: the client's reader of
 * ROWS frames (src/tls/rows.c, what a hostile server sends bulwark
 * admin) and the server's grammar of ADMIN's text
 * (src/srvsession/admin_parse.c, what a hostile administrator's client
 * sends bulwarkd).
 *
 * The first byte chooses:
 *
 *	even  ROWS: the rest is frames, each a u16 big-endian length and
 *	      that many payload bytes, taken in turn until one is refused,
 *	      one is the last, or the input ends
 *	odd   ADMIN: the rest is the command's text (cut at a NUL)
 *
 * Properties (any violation aborts): the reader's result stays within
 * its bounds, every cell and name is printable and as long as its bound
 * allows, a result is complete only with an outcome ID of its severity,
 * and the builder's frames of what was read are read back the same. A
 * parsed command has a valid name, a password only where one goes, and a
 * rendering that never holds the password.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/srvsession/admin.h"
#include "../src/tls/rows.h"

#include "fuzz_common.h"

static int
printable(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

static void
check_rows(const struct bwk_rows *r)
{
	size_t i;

	if (r->ncols > ROWS_COLS_MAX || r->nrows > ROWS_MAX_ROWS ||
	    r->nrows * r->ncols > ROWS_MAX_CELLS)
		fuzz_fail("a result past its bounds: %zu columns, %zu rows",
		    r->ncols, r->nrows);
	if (r->nrows > 0 && r->ncols == 0)
		fuzz_fail("rows without columns");
	for (i = 0; i < r->ncols; i++)
		if (r->col[i] == NULL || r->col[i][0] == '\0' ||
		    strspn(r->col[i], "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(r->col[i]) || strlen(r->col[i]) > ROWS_COLNAME_MAX)
			fuzz_fail("column %zu is not a column name", i);
	for (i = 0; i < r->nrows * r->ncols; i++)
		if (!printable(r->cell[i], ROWS_CELL_MAX))
			fuzz_fail("cell %zu is not printable or too long", i);
	if (!r->complete)
		return;
	if (strncmp(r->id, "BWK", 3) != 0 || strlen(r->id) != 8 ||
	    (r->refused ? r->id[7] != 'E' : r->id[7] == 'E'))
		fuzz_fail("an outcome ID not of its severity: %s", r->id);
	if (r->text[0] == '\0' || !printable(r->text, ROWS_CELL_MAX))
		fuzz_fail("an outcome text that is empty or unprintable");
	if (r->refused && (r->nrows > 0 || r->ncols > 0))
		fuzz_fail("a refusal with rows");
}

/* The builder's frames, kept to be read back. */
static struct wire_out	*sent;
static size_t		 nsent;

static int
keep(void *arg, struct wire_out *w)
{
	struct wire_out *n;

	(void)arg;
	if ((n = realloc(sent, (nsent + 1) * sizeof(*sent))) == NULL)
		abort();
	sent = n;
	memcpy(&sent[nsent++], w, sizeof(*w));
	return 0;
}

/* What was read, built again as the server would, reads back the same. */
static void
round_trip(const struct bwk_rows *r)
{
	static struct rows_out out;
	const char *cols[ROWS_COLS_MAX], *cells[ROWS_COLS_MAX], *why;
	struct bwk_rows back;
	struct wire_in in;
	uint16_t type;
	size_t i, j, len;
	int more = 1;

	nsent = 0;
	for (i = 0; i < r->ncols; i++)
		cols[i] = r->col[i];
	rows_begin(&out, cols, r->ncols, keep, NULL);
	for (j = 0; j < r->nrows; j++) {
		for (i = 0; i < r->ncols; i++)
			cells[i] = r->cell[j * r->ncols + i];
		if (rows_add(&out, cells) == -1)
			fuzz_fail("the builder failed a row");
	}
	if (rows_end(&out, r->refused ? ROWS_REFUSED : ROWS_DONE, r->id,
	    r->text) == -1)
		fuzz_fail("the builder failed the outcome");
	memset(&back, 0, sizeof(back));
	for (i = 0; i < nsent; i++) {
		if (!more || wire_header(sent[i].buf, &type, &len) == -1 ||
		    type != WIRE_ROWS)
			fuzz_fail("frame %zu of the builder is not a ROWS", i);
		wire_in_init(&in, type, sent[i].buf + WIRE_HDR_LEN, len);
		if (rows_take(&back, &in, &more, &why) == -1)
			fuzz_fail("the builder's frame %zu is refused: %s", i,
			    why);
	}
	if (more || !back.complete || back.nrows != r->nrows ||
	    back.ncols != r->ncols || back.refused != r->refused ||
	    strcmp(back.id, r->id) != 0 || strcmp(back.text, r->text) != 0)
		fuzz_fail("the builder's result differs from what was read");
	for (i = 0; i < r->nrows * r->ncols; i++)
		if (strcmp(back.cell[i], r->cell[i]) != 0)
			fuzz_fail("cell %zu differs once built again", i);
	bwk_rows_free(&back);
}

static void
fuzz_rows(const uint8_t *p, size_t n)
{
	struct bwk_rows r;
	struct wire_in in;
	const char *why;
	size_t len;
	int more = 1, ok = 1;

	memset(&r, 0, sizeof(r));
	while (more && ok && n >= 2) {
		len = (size_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
		if (len > n)
			len = n;
		wire_in_init(&in, WIRE_ROWS, p, len);
		ok = rows_take(&r, &in, &more, &why) == 0;
		if (!ok && (why == NULL || why[0] == '\0'))
			fuzz_fail("a refusal without a reason");
		p += len;
		n -= len;
		check_rows(&r);
	}
	if (ok && r.complete)
		round_trip(&r);
	bwk_rows_free(&r);
}

static void
fuzz_command(const uint8_t *p, size_t n)
{
	static struct adm_cmd c;
	char text[2048], why[256], shown[512], base[512];
	size_t len = n < sizeof(text) - 1 ? n : sizeof(text) - 1;

	memcpy(text, p, len);
	text[len] = '\0';
	memset(&c, 0, sizeof(c));
	if (adm_parse(text, &c, why, sizeof(why)) == -1) {
		if (why[0] == '\0')
			fuzz_fail("a refused command without a reason");
		adm_wipe(&c);
		return;
	}
	if ((c.obj == ADM_NODE || c.obj == ADM_ADMIN) && c.verb != ADM_QUERY &&
	    c.name[0] == '\0')
		fuzz_fail("an account command without a name");
	if (c.pwlen != strlen(c.password) || c.pwlen > SCRAM_PASSWORD_MAX)
		fuzz_fail("a password of the wrong length");
	if (c.pwlen > 0 && c.verb != ADM_REGISTER && c.verb != ADM_UPDATE)
		fuzz_fail("a password where none goes");
	if (c.verb == ADM_REGISTER && c.pwlen == 0)
		fuzz_fail("register without a password");
	/*
	 * the password (no blank in it) may be a part of a keyword, of the
	 * name or of the rendering's own words, but nowhere else
	 */
	adm_render(&c, shown, sizeof(shown));
	len = c.pwlen;
	c.pwlen = 0;
	adm_render(&c, base, sizeof(base));
	c.pwlen = len;
	if (len > 0 && strstr(shown, c.password) != NULL &&
	    strstr(base, c.password) == NULL &&
	    strstr(" (a password, not logged)", c.password) == NULL)
		fuzz_fail("the rendering shows the password");
	adm_wipe(&c);
	if (c.pwlen != 0 || c.password[0] != '\0')
		fuzz_fail("adm_wipe left the password");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_command(data + 1, size - 1);
	else
		fuzz_rows(data + 1, size - 1);
	return 0;
}
