/*
 * The parts of remote administration that parse a peer's bytes, on their
 * own: the server's command grammar (admin_parse) and the ROWS codec both
 * sides share (admin_rows), with what each refuses.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/srvsession/admin.h"
#include "../src/tls/rows.h"

TestSuite(admin_parse);
TestSuite(admin_rows);

static struct adm_cmd c;
static char why[256];

static void
ok(const char *text)
{
	cr_assert_eq(adm_parse(text, &c, why, sizeof(why)), 0, "%s: %s", text,
	    why);
}

/* Refused, for a reason that does not quote the word secret. */
static void
refused(const char *text, const char *secret)
{
	cr_assert_eq(adm_parse(text, &c, why, sizeof(why)), -1, "%s", text);
	cr_assert(why[0] != '\0');
	cr_assert(secret == NULL || strstr(why, secret) == NULL, "%s: %s",
	    text, why);
	cr_assert_eq(c.pwlen, 0, "the password is wiped on a refusal");
}

Test(admin_parse, the_commands_and_their_parts)
{
	char log[256];

	ok("register node n1 correct-horse sessionsecurity=STRICT");
	cr_assert_eq(c.verb, ADM_REGISTER);
	cr_assert_eq(c.obj, ADM_NODE);
	cr_assert_str_eq(c.name, "N1");
	cr_assert_str_eq(c.password, "correct-horse");
	cr_assert(c.has_security && c.security == CAT_STRICT);
	adm_render(&c, log, sizeof(log));
	cr_assert_str_eq(log, "register node N1 (a password, not logged) "
	    "sessionsecurity=STRICT");
	adm_wipe(&c);
	cr_assert_eq(c.password[0], '\0');
	ok("  UPD   adm   Boss   sessionsec=transitional ");
	cr_assert(c.verb == ADM_UPDATE && c.obj == ADM_ADMIN && c.pwlen == 0);
	cr_assert(c.has_security && c.security == CAT_TRANSITIONAL);
	ok("update node n1 new-password");
	cr_assert(c.pwlen == 12 && !c.has_security);
	ok("q n");
	cr_assert(c.verb == ADM_QUERY && c.obj == ADM_NODE && c.name[0] == 0);
	ok("query node al*?");
	cr_assert_str_eq(c.name, "AL*?");
	ok("q se");
	cr_assert_eq(c.obj, ADM_SESSION);
	ok("query cert");
	cr_assert_eq(c.obj, ADM_CERTIFICATE);
	ok("unlock node n1");
	cr_assert_eq(c.verb, ADM_UNLOCK);
	ok("rem admin boss");
	cr_assert(c.verb == ADM_REMOVE && c.obj == ADM_ADMIN);
}

Test(admin_parse, what_it_refuses)
{
	char big[1100];

	refused("", NULL);
	refused("register", NULL);
	refused("frob node n1", NULL);
	refused("re node n1", NULL);		/* too short to tell */
	refused("register node n1", NULL);
	refused("register node -n1 secret-pw", "secret-pw");
	refused("register node n1 secret-pw other-pw", "other-pw");
	refused("register node n1 secret=pw", "secret");
	refused("register node n1 secret-pw sessionsecurity=maybe",
	    "secret-pw");
	refused("register node n1 secret-pw sessionsecurity=strict "
	    "sessionsecurity=strict", "secret-pw");
	refused("update node n1", NULL);
	refused("remove node n1 secret-pw", "secret-pw");
	refused("remove session", NULL);
	refused("query session now", NULL);
	refused("query node a[b]", NULL);
	refused("query node a b", NULL);
	refused("register node n1\tsecret-pw", "secret-pw");
	refused("register node n1 s\x1b[0m", NULL);
	refused("a b c d e f g", NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "query node ", 11);
	refused(big, NULL);
}

/* A sink for the builder: every frame it sends, kept. */
#define SINK_MAX	8
static struct {
	uint8_t	*buf[SINK_MAX];
	size_t	 len[SINK_MAX];
	size_t	 n;
} sink;

static int
keep(void *arg, struct wire_out *w)
{
	(void)arg;
	cr_assert_lt(sink.n, SINK_MAX);
	cr_assert_eq(wire_finish(w), 0);
	sink.buf[sink.n] = malloc(w->len);
	memcpy(sink.buf[sink.n], w->buf, w->len);
	sink.len[sink.n++] = w->len;
	return 0;
}

/* Frame i of the sink to rows_take. */
static int
take(struct bwk_rows *r, size_t i, int *more, const char **why_)
{
	struct wire_in in;
	uint16_t type;
	size_t len;

	cr_assert_eq(wire_header(sink.buf[i], &type, &len), 0);
	cr_assert_eq(type, WIRE_ROWS);
	cr_assert_eq(len + WIRE_HDR_LEN, sink.len[i]);
	wire_in_init(&in, type, sink.buf[i] + WIRE_HDR_LEN, len);
	return rows_take(r, &in, more, why_);
}

Test(admin_rows, a_large_result_goes_as_several_frames)
{
	static const char *const cols[] = { "node", "note" };
	struct rows_out out;
	struct bwk_rows r;
	char name[16], note[64];
	const char *cells[2] = { name, note };
	const char *w;
	size_t i;
	int more = 1;

	memset(&sink, 0, sizeof(sink));
	rows_begin(&out, cols, 2, keep, NULL);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "N%zu", i);
		snprintf(note, sizeof(note), "%s", i == 7 ? "a\x1b[31mred\n" :
		    "0123456789012345678901234567890123456789");
		cr_assert_eq(rows_add(&out, cells), 0);
	}
	cr_assert_eq(rows_end(&out, ROWS_DONE, "BWK1321I", "3000 nodes"), 0);
	cr_assert_gt(sink.n, 1, "one frame holds 64 KiB");
	memset(&r, 0, sizeof(r));
	for (i = 0; i < sink.n; i++) {
		cr_assert(more);
		cr_assert_eq(take(&r, i, &more, &w), 0, "frame %zu: %s", i, w);
	}
	cr_assert(!more && r.complete && !r.refused);
	cr_assert_eq(r.nrows, 3000);
	cr_assert_str_eq(r.col[1], "note");
	cr_assert_str_eq(r.cell[2 * 2999], "N2999");
	/* what the server could not send as it was goes as '?' */
	cr_assert_str_eq(r.cell[2 * 7 + 1], "a?[31mred?");
	cr_assert_str_eq(r.id, "BWK1321I");
	cr_assert_str_eq(r.text, "3000 nodes");
	bwk_rows_free(&r);
	for (i = 0; i < sink.n; i++)
		free(sink.buf[i]);
}

/* A hand-made payload to rows_take: -1 expected, with a reason. */
static void
bad(const uint8_t *p, size_t n, const char *what)
{
	struct bwk_rows r;
	struct wire_in in;
	const char *w;
	int more;

	memset(&r, 0, sizeof(r));
	wire_in_init(&in, WIRE_ROWS, p, n);
	cr_assert_eq(rows_take(&r, &in, &more, &w), -1, "%s", what);
	cr_assert(w[0] != '\0', "%s", what);
	bwk_rows_free(&r);
}

#define OUTCOME_I	0, 'B', 'W', 'K', '1', '3', '2', '1', 'I', 0, 1, 'x'

Test(admin_rows, what_the_client_refuses)
{
	const uint8_t flags[] = { 2, 0, 0, 0, OUTCOME_I };
	const uint8_t cols[] = { 0, 17, };
	const uint8_t colname[] = { 0, 1, 0, 3, 'B', 'a', 'd', 0, 0,
	    OUTCOME_I };
	const uint8_t rows_past[] = { 0, 1, 0, 1, 'a', 0xff, 0xff, 0, 0 };
	const uint8_t nocols[] = { 0, 0, 0, 1, OUTCOME_I };
	const uint8_t cell[] = { 0, 1, 0, 1, 'a', 0, 1, 0, 1, 7, OUTCOME_I };
	const uint8_t trailing[] = { 0, 0, 0, 0, OUTCOME_I, 0 };
	const uint8_t id[] = { 0, 0, 0, 0, 0, 'X', 'Y', 'Z', '1', '3', '2',
	    '1', 'I', 0, 1, 'x' };
	const uint8_t severity[] = { 0, 0, 0, 0, 1, 'B', 'W', 'K', '1', '3',
	    '2', '6', 'I', 0, 1, 'x' };
	const uint8_t empty[] = { 0, 0, 0, 0, 0, 'B', 'W', 'K', '1', '3', '2',
	    '1', 'I', 0, 0 };
	const uint8_t control[] = { 0, 0, 0, 0, 0, 'B', 'W', 'K', '1', '3',
	    '2', '1', 'I', 0, 1, '\n' };

	bad(flags, sizeof(flags), "unknown flags");
	bad(cols, sizeof(cols), "17 columns");
	bad(colname, sizeof(colname), "a column name in capitals");
	bad(rows_past, sizeof(rows_past), "more rows than bytes");
	bad(nocols, sizeof(nocols), "rows without columns");
	bad(cell, sizeof(cell), "a control character in a cell");
	bad(trailing, sizeof(trailing), "a byte after the outcome");
	bad(id, sizeof(id), "no message ID");
	bad(severity, sizeof(severity), "a refusal with an I");
	bad(empty, sizeof(empty), "an empty outcome");
	bad(control, sizeof(control), "a control character in the outcome");
}

Test(admin_rows, later_frames_keep_the_columns)
{
	const uint8_t first[] = { ROWS_MORE, 1, 0, 1, 'a', 0, 1, 0, 1, 'x' };
	const uint8_t other[] = { 0, 1, 0, 1, 'b', 0, 0, OUTCOME_I };
	const uint8_t last[] = { 0, 1, 0, 1, 'a', 0, 0, OUTCOME_I };
	struct bwk_rows r;
	struct wire_in in;
	const char *w;
	int more;

	memset(&r, 0, sizeof(r));
	wire_in_init(&in, WIRE_ROWS, first, sizeof(first));
	cr_assert_eq(rows_take(&r, &in, &more, &w), 0, "%s", w);
	cr_assert(more);
	wire_in_init(&in, WIRE_ROWS, other, sizeof(other));
	cr_assert_eq(rows_take(&r, &in, &more, &w), -1);
	wire_in_init(&in, WIRE_ROWS, last, sizeof(last));
	cr_assert_eq(rows_take(&r, &in, &more, &w), 0, "%s", w);
	cr_assert(!more && r.complete && r.nrows == 1);
	/* nothing after the last */
	wire_in_init(&in, WIRE_ROWS, last, sizeof(last));
	cr_assert_eq(rows_take(&r, &in, &more, &w), -1);
	bwk_rows_free(&r);
}
