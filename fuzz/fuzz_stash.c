/*
 * bulwark.sth parsing. A stash that parses must be re-encoded to exactly
 * the input bytes (the format has one encoding), and its public id must
 * be computable. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/msg.h"
#include "../src/kdb/stash.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stash st;
	uint8_t out[STASH_FILE_LEN], id[STASH_ID_LEN];
	const char *why = NULL;

	if (stash_parse(data, size, &st, &why) == -1) {
		if (why == NULL)
			fuzz_fail("stash_parse failed without a reason");
		return 0;
	}
	if (size != STASH_FILE_LEN)
		fuzz_fail("stash_parse accepted a file of the wrong length");
	stash_encode(&st, out);
	if (memcmp(out, data, STASH_FILE_LEN) != 0)
		fuzz_fail("stash_encode does not reproduce the parsed file");
	if (stash_id(&st, id) != 0)
		fuzz_fail("stash_id failed on a parsed stash");
	stash_wipe(&st);
	return 0;
}
