/* bulwark verify, the client's command over src/verify's chain_verify(). */
#ifndef BWK_CMD_VERIFY_H
#define BWK_CMD_VERIFY_H

/*
 * bulwark verify --ca FILE [--chain FILE] --cert FILE [--host NAME |
 * --ip ADDR] [--time UNIX] [--purpose serverAuth] [--crl FILE] ...
 * argv[0] is "verify". 0 accepted, 1 refused, 2 usage or input error
 * (BWK0760E, BWK0761E; the refusals are chain_verify()'s, see verify.h).
 */
int	cmd_verify(int argc, char **argv);

#endif
