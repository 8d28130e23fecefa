/*
 * ROWS, both sides (rows.h, docs/protocol.md). The server's builder
 * sends a frame whenever the next row would not fit, so a result of any
 * size goes as frames of at most WIRE_MAX_PAYLOAD bytes; the client's
 * reader checks every count against the bytes that are left and against
 * its own bounds before it allocates anything.
 */
#include <stdlib.h>
#include <string.h>

#include "rows.h"

/* The outcome's room in the last frame: status, ID, its longest text. */
#define OUTCOME_MAX	(1 + 8 + 2 + ROWS_CELL_MAX)

static int
printable(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

static int
colname_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || n > ROWS_COLNAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return 0;
	return 1;
}

/* A cell as it goes: cut at the bound, anything unprintable as '?'. */
static void
put_cell(struct wire_out *w, const char *s)
{
	size_t i, n = strlen(s);

	if (n > ROWS_CELL_MAX)
		n = ROWS_CELL_MAX;
	wire_put_n16(w, (uint16_t)n);
	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		wire_put_n8(w, c >= 0x20 && c <= 0x7e ? c : '?');
	}
}

static void
frame_start(struct rows_out *r)
{
	size_t i;

	wire_begin(&r->w, WIRE_ROWS);
	wire_put_n8(&r->w, 0);		/* flags, set when it is sent */
	wire_put_n8(&r->w, (uint8_t)r->ncols);
	for (i = 0; i < r->ncols; i++)
		wire_put_text(&r->w, r->col[i], ROWS_COLNAME_MAX);
	r->nrows_at = r->w.len;
	wire_put_n16(&r->w, 0);
	r->nrows = 0;
}

static int
frame_send(struct rows_out *r, uint8_t flags)
{
	r->w.buf[WIRE_HDR_LEN] = flags;
	r->w.buf[r->nrows_at] = (uint8_t)(r->nrows >> 8);
	r->w.buf[r->nrows_at + 1] = (uint8_t)r->nrows;
	if (r->failed || wire_finish(&r->w) == -1 ||
	    r->send(r->arg, &r->w) == -1) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

void
rows_begin(struct rows_out *r, const char *const *cols, size_t ncols,
    int (*send)(void *, struct wire_out *), void *arg)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->ncols = ncols > ROWS_COLS_MAX ? ROWS_COLS_MAX : ncols;
	for (i = 0; i < r->ncols; i++)
		r->col[i] = cols[i];
	r->send = send;
	r->arg = arg;
	frame_start(r);
}

int
rows_add(struct rows_out *r, const char *const *cells)
{
	size_t i, need = 0, n;

	if (r->failed)
		return -1;
	for (i = 0; i < r->ncols; i++) {
		n = strlen(cells[i]);
		need += 2 + (n > ROWS_CELL_MAX ? ROWS_CELL_MAX : n);
	}
	/* a full frame goes now, with MORE: the outcome must fit the last */
	if (r->nrows == UINT16_MAX || r->w.len + need + OUTCOME_MAX >
	    WIRE_HDR_LEN + WIRE_MAX_PAYLOAD) {
		if (frame_send(r, ROWS_MORE) == -1)
			return -1;
		frame_start(r);
	}
	for (i = 0; i < r->ncols; i++)
		put_cell(&r->w, cells[i]);
	r->nrows++;
	r->total++;
	return 0;
}

int
rows_end(struct rows_out *r, int status, const char *id, const char *text)
{
	if (r->failed)
		return -1;
	wire_put_n8(&r->w, status == ROWS_DONE ? ROWS_DONE : ROWS_REFUSED);
	wire_put(&r->w, id, 8);
	put_cell(&r->w, text[0] != '\0' ? text : "-");
	return frame_send(r, 0);
}

/* A text of at most max printable bytes, copied and NUL-terminated. */
static char *
take_text(struct wire_in *in, size_t max, size_t *len)
{
	const uint8_t *p;
	uint16_t n;
	char *s;

	if (wire_get_n16(in, &n) == -1 || n > max ||
	    wire_ref(in, n, &p) == -1 || !printable(p, n) ||
	    (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	if (len != NULL)
		*len = n;
	return s;
}

/* The column names: the first frame sets them, the others repeat them. */
static int
take_columns(struct bwk_rows *r, struct wire_in *in, const char **why)
{
	const uint8_t *p;
	uint16_t n;
	uint8_t ncols;
	size_t i, first = r->col == NULL;

	if (wire_get_n8(in, &ncols) == -1 || ncols > ROWS_COLS_MAX)
		return *why = "more columns than 16", -1;
	if (!first && ncols != r->ncols)
		return *why = "another number of columns than its first frame",
		    -1;
	if (first && (r->col = calloc(ncols + 1, sizeof(*r->col))) == NULL)
		return *why = "out of memory", -1;
	for (i = 0; i < ncols; i++) {
		if (wire_get_n16(in, &n) == -1 || wire_ref(in, n, &p) == -1 ||
		    !colname_ok(p, n))
			return *why = "a column name that is not 1 to 32 of "
			    "a-z 0-9 _", -1;
		if (!first && (strlen(r->col[i]) != n ||
		    memcmp(r->col[i], p, n) != 0))
			return *why = "other columns than its first frame", -1;
		if (first) {
			if ((r->col[i] = malloc((size_t)n + 1)) == NULL)
				return *why = "out of memory", -1;
			memcpy(r->col[i], p, n);
			r->col[i][n] = '\0';
			r->ncols = i + 1;
		}
	}
	return 0;
}

static int
take_cells(struct bwk_rows *r, struct wire_in *in, const char **why)
{
	uint16_t nrows;
	size_t i, have = r->nrows * r->ncols, add, len;
	char **cell;

	if (wire_get_n16(in, &nrows) == -1)
		return *why = "no row count", -1;
	add = (size_t)nrows * r->ncols;
	/* every count against what is left, before anything is allocated */
	if (nrows > 0 && r->ncols == 0)
		return *why = "rows without columns", -1;
	if (add * 2 > in->left)
		return *why = "more cells than the frame holds", -1;
	if (r->nrows + nrows > ROWS_MAX_ROWS || have + add > ROWS_MAX_CELLS)
		return *why = "more rows than bulwark takes (100,000)", -1;
	if (add == 0)
		return 0;
	if ((cell = realloc(r->cell, (have + add) * sizeof(*cell))) == NULL)
		return *why = "out of memory", -1;
	r->cell = cell;
	for (i = 0; i < add; i++) {
		if ((cell[have + i] = take_text(in, ROWS_CELL_MAX, &len)) ==
		    NULL) {
			/* the row is not whole: none of this frame counts */
			while (i-- > 0)
				free(cell[have + i]);
			return *why = "a cell that is not 0 to 1,024 printable "
			    "characters", -1;
		}
		r->bytes += len;
	}
	if (r->bytes > ROWS_MAX_BYTES) {
		for (i = 0; i < add; i++)
			free(cell[have + i]);
		return *why = "more than 16 MiB of cells", -1;
	}
	r->nrows += nrows;
	return 0;
}

static int
id_ok(const char *id, int refused)
{
	size_t i;

	if (strncmp(id, "BWK", 3) != 0)
		return 0;
	for (i = 3; i < 7; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	return refused ? id[7] == 'E' : id[7] == 'I' || id[7] == 'W';
}

static int
take_outcome(struct bwk_rows *r, struct wire_in *in, const char **why)
{
	uint8_t status;
	char *text;
	size_t n;

	if (wire_get_n8(in, &status) == -1 || status > ROWS_REFUSED ||
	    wire_get(in, r->id, 8) == -1)
		return *why = "no outcome", -1;
	r->id[8] = '\0';
	r->refused = status == ROWS_REFUSED;
	if (!id_ok(r->id, r->refused))
		return *why = "an outcome without a message ID of its "
		    "severity", -1;
	if (r->refused && (r->nrows > 0 || r->ncols > 0))
		return *why = "a refusal with rows", -1;
	if ((text = take_text(in, ROWS_CELL_MAX, &n)) == NULL || n == 0) {
		free(text);
		return *why = "an outcome text that is not 1 to 1,024 "
		    "printable characters", -1;
	}
	memcpy(r->text, text, n + 1);
	free(text);
	return 0;
}

int
rows_take(struct bwk_rows *r, struct wire_in *in, int *more,
    const char **why)
{
	uint8_t flags;

	*why = "";
	if (r->complete)
		return *why = "a frame after the last", -1;
	if (wire_get_n8(in, &flags) == -1 || (flags & ~ROWS_MORE) != 0)
		return *why = "flags this client does not know", -1;
	if (take_columns(r, in, why) == -1 || take_cells(r, in, why) == -1)
		return -1;
	*more = (flags & ROWS_MORE) != 0;
	if (!*more && take_outcome(r, in, why) == -1)
		return -1;
	if (wire_end(in) == -1)
		return *why = "bytes after its end", -1;
	r->complete = !*more;
	return 0;
}

void
bwk_rows_free(struct bwk_rows *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; r->col != NULL && i < r->ncols; i++)
		free(r->col[i]);
	for (i = 0; r->cell != NULL && i < r->nrows * r->ncols; i++)
		free(r->cell[i]);
	free(r->col);
	free(r->cell);
	memset(r, 0, sizeof(*r));
}
