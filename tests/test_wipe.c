/*
 * Key material left in memory. wolfCrypt 5.7.2's wc_AesFree does not zero
 * its object, so the database key's AES round keys and GCM hash key stayed
 * on the stack after every open and seal; wc_HKDF leaves its PRK on its
 * stack, and wc_Sha256Hash the last block it hashed (the stash secret, a
 * node password). These tests look for all of them on the stack and in
 * the heap of a child that has just used them, and must find nothing.
 * (wc_HmacFree in 5.7.2 does zero its object; the stash test guards the
 * explicit wipe that no longer depends on it.)
 *
 * The needles are computed in a first child that then exits, and handed
 * over masked, so that no copy of them is in the memory searched; the
 * secrets themselves are globals (not searched), written without
 * temporaries. The search runs well above the stack the operation used,
 * so that its own frames cannot hide what the operation left.
 */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/kdb/kdb.h"
#include "../src/lib/msg.h"
#include "../src/kdb/stash.h"
#include "helpers.h"

#define MASK		0x5a
enum { N_ROUNDKEYS, N_H, N_PRK, N_SECRET, N_IPAD, N_PASSWORD, N_NEEDLES };

static const char *needle_name[N_NEEDLES] = {
	"the AES round keys", "the GCM hash key H", "the HKDF PRK",
	"the stash secret", "the stash-keyed HMAC ipad", "a node password",
};

/* A node password entry's data: u8 length, node, password. */
static const char pwdata[] = "\002n1the-node-password-42";

static struct {
	struct stash	 st;
	uint8_t		 file[STASH_FILE_LEN];
	uint8_t		*img;
	size_t		 len;
	uint8_t		 needle[N_NEEDLES][32];	/* XOR MASK */
	size_t		 nlen[N_NEEDLES];
} g;

static void
setup(void)
{
	bwk_quiet = 1;
}

TestSuite(wipe, .init = setup, .timeout = 60);

/* In a child: what the secrets make, masked, down the pipe. */
static void
compute_needles(int fd)
{
	uint8_t key[32], prk[32], info[30], out[N_NEEDLES][32];
	size_t i, j;
	Hmac h;
	Aes a;

	memcpy(info, "bulwark kdb v1", 14);
	memcpy(info + 14, g.img, 16);
	if (wc_HKDF(WC_SHA256, g.st.secret, STASH_SECRET_LEN, g.img + 32, 32,
	    info, sizeof(info), key, sizeof(key)) != 0 ||
	    wc_HKDF_Extract(WC_SHA256, g.img + 32, 32, g.st.secret,
	    STASH_SECRET_LEN, prk) != 0 ||
	    wc_AesInit(&a, NULL, INVALID_DEVID) != 0 ||
	    wc_AesGcmSetKey(&a, key, sizeof(key)) != 0 ||
	    wc_HmacInit(&h, NULL, INVALID_DEVID) != 0 ||
	    wc_HmacSetKey(&h, WC_SHA256, g.st.secret, STASH_SECRET_LEN) != 0)
		_exit(1);
	memcpy(out[N_ROUNDKEYS], (uint8_t *)a.key + 32, 32);
	memcpy(out[N_H], a.gcm.H, 16);
	memcpy(out[N_PRK], prk, 32);
	memcpy(out[N_SECRET], g.st.secret, 32);
	memcpy(out[N_IPAD], h.ipad, 32);
	memcpy(out[N_PASSWORD], pwdata + 3, sizeof(pwdata) - 4);
	for (i = 0; i < N_NEEDLES; i++)
		for (j = 0; j < 32; j++)
			out[i][j] ^= MASK;
	_exit(write(fd, out, sizeof(out)) == (ssize_t)sizeof(out) ? 0 : 1);
}

/* A sealed database with one node password, and the needles it makes. */
static void
make_needles(void)
{
	struct kdb db;
	struct kdb_entry e;
	size_t i;
	int p[2], st;
	pid_t pid;

	/* a fixed secret, written in place: no generator's temporaries */
	for (i = 0; i < STASH_SECRET_LEN; i++)
		g.st.secret[i] = (uint8_t)(i * 37 + 11) ^ 0xa5;
	memset(&db, 0, sizeof(db));
	memset(&e, 0, sizeof(e));
	e.kind = KDB_NODE_PASSWORD;
	e.origin = KDB_FROM_ADMIN;
	strcpy(e.label, "nodepw@srv1");
	strcpy(e.server, "srv1");
	e.len = sizeof(pwdata) - 1;
	e.data = malloc(e.len);
	memcpy(e.data, pwdata, e.len);
	/* hashed here with a state of our own, wiped: nothing inherited */
	{
		wc_Sha256 sh;

		cr_assert_eq(wc_InitSha256(&sh), 0);
		cr_assert_eq(wc_Sha256Update(&sh, e.data, (word32)e.len), 0);
		cr_assert_eq(wc_Sha256Final(&sh, e.fpr), 0);
		wc_Sha256Free(&sh);
		explicit_bzero(&sh, sizeof(sh));
	}
	cr_assert_eq(kdb_append(&db, &e), 0);
	cr_assert_eq(kdb_seal(&db, &g.st, &g.img, &g.len), KDB_OK);
	kdb_free(&db);
	stash_encode(&g.st, g.file);
	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0)
		compute_needles(p[1]);
	close(p[1]);
	cr_assert_eq(read(p[0], g.needle, sizeof(g.needle)),
	    (ssize_t)sizeof(g.needle));
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (i = 0; i < N_NEEDLES; i++)
		g.nlen[i] = i == N_H ? 16 : i == N_PASSWORD ?
		    sizeof(pwdata) - 4 : 32;
}

/* The stack and the heap, as the operation left them. */
static struct {
	unsigned long	 lo, hi;
} ranges[8];
static size_t nranges;
static uint8_t chunk[1 << 16];

static void
find_ranges(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		_exit(100);
	while (fgets(line, sizeof(line), f) != NULL && nranges < 8) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || perms[1] != 'w' ||
		    (strstr(line, "[stack]") == NULL &&
		    strstr(line, "[heap]") == NULL))
			continue;
		ranges[nranges].lo = lo;
		ranges[nranges].hi = hi;
		nranges++;
	}
	fclose(f);
}

static int
has_needle(const uint8_t *p, size_t n, int k)
{
	size_t i, j;

	for (i = 0; i + g.nlen[k] <= n; i++) {
		for (j = 0; j < g.nlen[k]; j++)
			if (p[i + j] != (g.needle[k][j] ^ MASK))
				break;
		if (j == g.nlen[k])
			return 1;
	}
	return 0;
}

/* Bit k set when needle k is anywhere in the ranges. */
static int
search(int mem, unsigned want)
{
	unsigned long at;
	size_t r, n;
	ssize_t got;
	int k, found = 0;

	for (r = 0; r < nranges; r++)
		for (at = ranges[r].lo; at < ranges[r].hi;
		    at += sizeof(chunk) - 64) {
			n = ranges[r].hi - at < sizeof(chunk) ?
			    ranges[r].hi - at : sizeof(chunk);
			if ((got = pread(mem, chunk, n, (off_t)at)) <= 0)
				break;
			for (k = 0; k < N_NEEDLES; k++)
				if ((want & (1u << k)) &&
				    has_needle(chunk, (size_t)got, k))
					found |= 1 << k;
		}
	return found;
}

/*
 * Runs op 32 KiB deeper in the stack than the search will run, so that
 * the search's own frames cannot overwrite what op's frames left.
 */
static void __attribute__((noinline))
deep(void (*op)(void))
{
	volatile uint8_t pad[32768];

	pad[0] = 1;
	op();
	pad[sizeof(pad) - 1] = pad[0];
}

/* Forks, runs op, searches; the needles found, as a bit set. */
static int
left_behind(void (*op)(void), unsigned want)
{
	int st, mem;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		if ((mem = open("/proc/self/mem", O_RDONLY)) == -1)
			_exit(101);
		deep(op);
		/* after op: the stack may have grown down to hold its frames */
		find_ranges();
		_exit(search(mem, want));
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) < 100, "status %#x", st);
	return WEXITSTATUS(st);
}

static void
assert_clean(int found)
{
	char names[256] = "";
	int k;

	for (k = 0; k < N_NEEDLES; k++)
		if (found & (1 << k))
			snprintf(names + strlen(names), sizeof(names) -
			    strlen(names), "%s%s", names[0] ? ", " : "",
			    needle_name[k]);
	cr_assert_eq(found, 0, "left in memory: %s", names);
}

static void
op_open(void)
{
	struct kdb db;

	if (kdb_open(g.img, g.len, &g.st, &db) != KDB_OK || db.n != 1)
		_exit(102);
	kdb_free(&db);
}

static void
op_seal(void)
{
	struct kdb db;
	uint8_t *img;
	size_t len;

	if (kdb_open(g.img, g.len, &g.st, &db) != KDB_OK ||
	    kdb_seal(&db, &g.st, &img, &len) != KDB_OK)
		_exit(102);
	free(img);
	kdb_free(&db);
}

static void
op_stash(void)
{
	struct stash st;
	uint8_t id[STASH_ID_LEN], file[STASH_FILE_LEN];
	const char *why;

	if (stash_parse(g.file, sizeof(g.file), &st, &why) != 0 ||
	    stash_id(&st, id) != 0)
		_exit(103);
	stash_encode(&st, file);
	stash_wipe(&st);
	explicit_bzero(file, sizeof(file));
}

#define KDB_NEEDLES	((1u << N_ROUNDKEYS) | (1u << N_H) | (1u << N_PRK) | \
			    (1u << N_SECRET) | (1u << N_PASSWORD))

Test(wipe, opening_the_database_leaves_no_key_material)
{
	make_needles();
	assert_clean(left_behind(op_open, KDB_NEEDLES));
}

Test(wipe, sealing_the_database_leaves_no_key_material)
{
	make_needles();
	assert_clean(left_behind(op_seal, KDB_NEEDLES));
}

Test(wipe, the_stash_leaves_no_copy_of_its_secret)
{
	make_needles();
	assert_clean(left_behind(op_stash, (1u << N_SECRET) | (1u << N_IPAD)));
}

/*
 * The search is not blind: an AES object freed the way kdb.c freed it
 * before, with wc_AesFree alone, is found on the dead stack frame it
 * leaves.
 */
static void __attribute__((noinline))
op_unwiped(void)
{
	uint8_t key[32], info[30];
	Aes a;

	memcpy(info, "bulwark kdb v1", 14);
	memcpy(info + 14, g.img, 16);
	if (wc_HKDF(WC_SHA256, g.st.secret, STASH_SECRET_LEN, g.img + 32, 32,
	    info, sizeof(info), key, sizeof(key)) != 0 ||
	    wc_AesInit(&a, NULL, INVALID_DEVID) != 0 ||
	    wc_AesGcmSetKey(&a, key, sizeof(key)) != 0)
		_exit(104);
	wc_AesFree(&a);
	explicit_bzero(key, sizeof(key));
}

Test(wipe, the_search_finds_what_is_left)
{
	const unsigned want = (1u << N_ROUNDKEYS) | (1u << N_H);
	int found;

	make_needles();
	found = left_behind(op_unwiped, want);
	cr_assert_eq(found, (int)want, "the search misses what it looks for "
	    "(found %#x of %#x)", found, want);
}
