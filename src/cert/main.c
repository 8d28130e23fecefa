/*
 * bulwark-cert: manage the Bulwark key database. The command line and
 * the commands are in the other files of src/cert, so that the fuzz
 * target fuzz_certops can run any sequence of commands in one process.
 */
#include "../lib/msg.h"
#include "../lib/selftest.h"
#include "../lib/util.h"
#include "cert.h"

int
main(int argc, char **argv)
{
	struct cert_opts o;
	int rc;

	bwk_sane_fds();
	bwk_prog = "bulwark-cert";
	if ((rc = cert_args(argc, argv, &o)) != -1)
		return rc;
	/* -selftest reports each result itself; everything else needs a pass */
	if (o.cmd == CMD_SELFTEST)
		return cmd_selftest(&o);
	if (bwk_selftest_startup(bwk_prog) != 0)
		return EXIT_SELFTEST;
	return cert_run(&o);
}
