/*
 * wolfCrypt throughput as Bulwark builds it: AES-256-GCM and SHA-256 on
 * 16 KiB buffers (a TLS record), about one second each, one core.
 * Prints "name MB/s" lines for scripts/bench.sh to put beside OpenSSL.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUF	16384

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	static unsigned char in[BUF], out[BUF];
	unsigned char key[32] = { 1 }, iv[12] = { 2 }, tag[16], dg[32];
	double t0, t;
	long n;
	Aes aes;
	wc_Sha256 sha;

	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0 ||
	    wc_AesGcmSetKey(&aes, key, sizeof(key)) != 0)
		return 1;
	for (n = 0, t0 = now(); (t = now() - t0) < 1.0; n++)
		if (wc_AesGcmEncrypt(&aes, out, in, BUF, iv, sizeof(iv), tag,
		    sizeof(tag), NULL, 0) != 0)
			return 1;
	printf("aes-256-gcm %.0f\n", (double)n * BUF / t / 1e6);
	wc_AesFree(&aes);
	if (wc_InitSha256(&sha) != 0)
		return 1;
	for (n = 0, t0 = now(); (t = now() - t0) < 1.0; n++)
		wc_Sha256Update(&sha, in, BUF);
	wc_Sha256Final(&sha, dg);
	printf("sha256 %.0f\n", (double)n * BUF / t / 1e6);
	return 0;
}
