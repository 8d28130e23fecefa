/* SCRAM-SHA-256-PLUS: not written yet; every call refuses. */
#include "scram.h"

const char *scram_strerror(int err) { (void)err; return "not implemented"; }
int scram_nonce_make(char out[SCRAM_NONCE_LEN + 1]) { (void)out; return SCRAM_E_ARG; }
int scram_client_first_build(const char *u, const char *a, const char *n, int f, struct scram_client_first *o) { (void)u; (void)a; (void)n; (void)f; (void)o; return SCRAM_E_ARG; }
int scram_server_first_parse(const char *m, size_t l, const char *c, struct scram_server_first *o) { (void)m; (void)l; (void)c; (void)o; return SCRAM_E_ARG; }
int scram_client_final_noproof(const struct scram_client_first *cf, const struct scram_server_first *sf, const uint8_t *cb, size_t n, struct scram_msg *o) { (void)cf; (void)sf; (void)cb; (void)n; (void)o; return SCRAM_E_ARG; }
int scram_client_final_build(const struct scram_msg *np, const uint8_t p[SCRAM_HASH_LEN], struct scram_msg *o) { (void)np; (void)p; (void)o; return SCRAM_E_ARG; }
int scram_server_final_parse(const char *m, size_t l, struct scram_server_final *o) { (void)m; (void)l; (void)o; return SCRAM_E_ARG; }
int scram_client_proof(const uint8_t *pw, size_t pl, const char *a, size_t al, const char *b, size_t bl, const char *c, size_t cl, int f, struct scram_proof *o) { (void)pw; (void)pl; (void)a; (void)al; (void)b; (void)bl; (void)c; (void)cl; (void)f; (void)o; return SCRAM_E_ARG; }
int scram_server_sig_check(const uint8_t e[SCRAM_HASH_LEN], const struct scram_server_final *s) { (void)e; (void)s; return SCRAM_E_ARG; }
int scram_params_differ(const struct scram_params *a, const struct scram_params *b) { (void)a; (void)b; return 1; }
int scram_client_first_parse(const char *m, size_t l, int f, struct scram_client_first *o) { (void)m; (void)l; (void)f; (void)o; return SCRAM_E_ARG; }
int scram_server_first_build(const struct scram_client_first *cf, const char *n, const struct scram_params *p, struct scram_server_first *o) { (void)cf; (void)n; (void)p; (void)o; return SCRAM_E_ARG; }
int scram_client_final_parse(const char *m, size_t l, struct scram_client_final *o) { (void)m; (void)l; (void)o; return SCRAM_E_ARG; }
int scram_server_verify(const struct scram_verifier *v, const struct scram_client_first *cf, const struct scram_server_first *sf, const struct scram_client_final *c, const uint8_t *cb, size_t n, struct scram_msg *o) { (void)v; (void)cf; (void)sf; (void)c; (void)cb; (void)n; (void)o; return SCRAM_E_ARG; }
int scram_server_error_build(int e, struct scram_msg *o) { (void)e; (void)o; return SCRAM_E_ARG; }
int scram_verifier_make(const uint8_t *pw, size_t pl, uint32_t i, int f, struct scram_verifier *o) { (void)pw; (void)pl; (void)i; (void)f; (void)o; return SCRAM_E_ARG; }
int scram_verifier_derive(const uint8_t *pw, size_t pl, const uint8_t *s, size_t sl, uint32_t i, int f, struct scram_verifier *o) { (void)pw; (void)pl; (void)s; (void)sl; (void)i; (void)f; (void)o; return SCRAM_E_ARG; }
int scram_verifier_fake(const uint8_t k[SCRAM_HASH_LEN], const char *u, uint32_t i, struct scram_verifier *o) { (void)k; (void)u; (void)i; (void)o; return SCRAM_E_ARG; }
