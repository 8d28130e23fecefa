/*
 * bulwark.sth: the random 256-bit secret from which the key-database key
 * is derived. File format (48 bytes, docs/kdb-format.md):
 *
 *	0   8  magic "BWK-STH\n"
 *	8  32  secret (from the wolfCrypt DRBG)
 *	40  8  check: SHA-256(magic || secret), first 8 bytes
 *
 * The check only tells a damaged or cut stash from a foreign one; the
 * secret's protection is the file's permissions (SECURITY.md).
 */
#ifndef BWK_STASH_H
#define BWK_STASH_H

#include <stddef.h>
#include <stdint.h>

#define STASH_SECRET_LEN	32
#define STASH_FILE_LEN		48
#define STASH_ID_LEN		8

struct stash {
	uint8_t	secret[STASH_SECRET_LEN];
};

int	stash_generate(struct stash *);
void	stash_encode(const struct stash *, uint8_t out[STASH_FILE_LEN]);
/* 0, or -1 with *why naming the defect. */
int	stash_parse(const uint8_t *buf, size_t len, struct stash *,
	    const char **why);
/* A public identifier: HMAC-SHA-256(secret, "bulwark stash id v1")[0..7]. */
int	stash_id(const struct stash *, uint8_t id[STASH_ID_LEN]);
void	stash_wipe(struct stash *);

#endif
