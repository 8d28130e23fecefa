/*
 * The restore's check of a name from the server (src/files/restore_path.c)
 * on arbitrary bytes. Properties, beyond no crash: the check agrees with a
 * second, plain reading of the rules (a name it accepts has no NUL, is
 * relative, and every part between slashes is 1 to 255 bytes, not "." or
 * "..", not a temporary file's name), so a name it accepts, taken part by
 * part from the destination, never climbs above it; a name it refuses
 * comes with a reason.
 */
#include <stdint.h>
#include <string.h>

#include "../src/files/restore_path.h"
#include "fuzz_common.h"

static int
plain(const uint8_t *d, size_t n)
{
	size_t i, start = 0, len;

	if (n == 0 || n > RP_NAME_MAX || d[0] == '/')
		return -1;
	for (i = 0; i <= n; i++) {
		if (i < n && d[i] == '\0')
			return -1;
		if (i < n && d[i] != '/')
			continue;
		len = i - start;
		if (len == 0 || len > RP_PART_MAX ||
		    (len == 1 && d[start] == '.') ||
		    (len == 2 && d[start] == '.' && d[start + 1] == '.') ||
		    (len >= strlen(RP_TEMP_PREFIX) &&
		    memcmp(d + start, RP_TEMP_PREFIX, strlen(RP_TEMP_PREFIX)) ==
		    0))
			return -1;
		start = i + 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	int r = rp_name_check((const char *)data, size, &why);

	if (r != 0 && r != -1)
		fuzz_fail("rp_name_check returned %d", r);
	if (r != plain(data, size))
		fuzz_fail("rp_name_check says %d, the rules %d", r,
		    plain(data, size));
	if (r == -1 && (why == NULL || why[0] == '\0'))
		fuzz_fail("a name refused without a reason");
	return 0;
}
