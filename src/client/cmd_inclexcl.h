/* bulwark query inclexcl (cmd_inclexcl.c). */
#ifndef BWK_CMD_INCLEXCL_H
#define BWK_CMD_INCLEXCL_H

/*
 * argv[0] is "query", argv[1] "inclexcl", the options after them; -h and
 * -version are handled here. Returns the exit status.
 */
int	cmd_query_inclexcl(int argc, char **argv);

#endif
