/*
 * The policy-file parser on arbitrary bytes. Property: whatever it
 * accepts lies within the FIPS floor (the parser's own check), and a
 * second parse of the same text gives the same policy.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/tls/policy.c"
#include "fuzz_common.h"

const char policy_builtin_text[] = "";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tls_policy a, b;
	size_t i;

	if (policy_parse((const char *)data, size, "fuzz", &a) != 0)
		return 0;
	if (policy_parse((const char *)data, size, "fuzz", &b) != 0 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	if (!a.require_ems || !a.refuse_renegotiation ||
	    a.min_rsa_bits < 2048 || a.min_ecc_bits < 256 || a.nsuites == 0)
		abort();
	for (i = 0; i < a.nsuites; i++)
		if (!in_list(floor_suites, a.suites[i]))
			abort();
	for (i = 0; i < a.nsigs; i++)
		if (!in_list(floor_sigs, a.sigs[i]))
			abort();
	return 0;
}
