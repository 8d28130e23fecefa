/*
 * ROWS, the result of an administrative command (docs/protocol.md), as
 * one or more frames of the session protocol. The server builds them
 * (rows_begin, rows_add, rows_end); the client takes them (rows_take).
 * Both sides are here, so that the encoding has one definition.
 *
 *	u8   flags		ROWS_MORE: another frame of this result follows
 *	u8   ncols		0..ROWS_COLS_MAX
 *	ncols x text		the column names: 1..32 of a-z 0-9 _
 *	u16  nrows
 *	nrows x ncols x text	the cells: 0..1024 bytes of printable ASCII
 *	and when ROWS_MORE is clear, the outcome:
 *	u8   status		ROWS_DONE or ROWS_REFUSED
 *	id			its message ID: I or W done, E refused
 *	text			its text, 1..1024 bytes of printable ASCII
 *
 * Every frame of one result has the same columns; a refused command's
 * result is one frame with no column and no row.
 */
#ifndef BWK_ROWS_H
#define BWK_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "bulwark.h"
#include "wire.h"

#define ROWS_MORE		0x01
#define ROWS_DONE		0
#define ROWS_REFUSED		1
#define ROWS_COLS_MAX		16
#define ROWS_COLNAME_MAX	32
#define ROWS_CELL_MAX		WIRE_TEXT_MAX
/* What a client takes of one result, over all its frames. */
#define ROWS_MAX_ROWS		100000
#define ROWS_MAX_CELLS		(1 << 20)
#define ROWS_MAX_BYTES		(16 << 20)

/* The server's side: frames sent through send as they fill. */
struct rows_out {
	struct wire_out	 w;
	size_t		 ncols;
	const char	*col[ROWS_COLS_MAX];
	size_t		 nrows_at;	/* this frame's u16 nrows, in w.buf */
	uint16_t	 nrows;
	size_t		 total;		/* rows so far, every frame */
	int		(*send)(void *, struct wire_out *);
	void		*arg;
	int		 failed;	/* a send failed: nothing more goes */
};

/* cols: ncols static names (a-z 0-9 _), 0..ROWS_COLS_MAX. */
void	rows_begin(struct rows_out *, const char *const *cols, size_t ncols,
	    int (*send)(void *, struct wire_out *), void *arg);
/*
 * One row of ncols cells. A byte that is not printable ASCII goes as
 * '?', a cell is cut at ROWS_CELL_MAX: the client refuses anything else.
 * -1 when a frame could not be sent.
 */
int	rows_add(struct rows_out *, const char *const *cells);
/* The outcome, in the last frame: ROWS_DONE or ROWS_REFUSED. */
int	rows_end(struct rows_out *, int status, const char *id,
	    const char *text);

/*
 * The client's side: one ROWS frame into r, which holds the result so
 * far (zeroed before the first frame). 0 with *more; -1 with *why for a
 * frame that breaks the rules above or the ROWS_MAX_* bounds (r keeps
 * what it had; bwk_rows_free frees it either way).
 */
int	rows_take(struct bwk_rows *r, struct wire_in *in, int *more,
	    const char **why);

#endif
