/*
 * What the tests of a server under load, faults and hostile clients
 * share: a server's descriptors, memory and processes counted from
 * /proc, trees of small files made and compared, and a well-behaved
 * client's backup and restore, which every such test runs beside its
 * hostile peers.
 */
#ifndef BWK_TESTS_PROCFIX_H
#define BWK_TESTS_PROCFIX_H

#include <sys/types.h>

#include <stddef.h>

#include "srvfix.h"

/* What /proc says of one process. */
struct proc_count {
	int	fds;		/* entries of /proc/PID/fd */
	long	rss_kb;		/* VmRSS */
	int	threads;	/* Threads */
	int	children;	/* /proc/PID/task/PID/children */
};

void	proc_count(pid_t, struct proc_count *);
/*
 * Waits (10 seconds at most) until pid has base's descriptors, threads
 * and children again, as once its sessions are reaped; then asserts it,
 * and that its RSS grew by no more than rss_slack_kb.
 */
void	proc_back_to(pid_t, const struct proc_count *base, long rss_slack_kb,
	    const char *what);

/* dir with n small files, their bytes from seed (sizes 0 to ~3 KiB). */
void	tree_make(const char *dir, int n, unsigned seed);
/* Every file of tree_make(a, n, ...) in b with the same bytes: -1 if not,
 * with the first difference in why. */
int	tree_same(const char *a, const char *b, int n, char *why, size_t len);

/* The node n1 of node_setup (nodefix.h) on an instance with the given
 * bulwarkd.opt lines; its client's options file is returned. */
const char *hostile_setup(struct srv *, const char *srvopts);
/*
 * A well-behaved client: bulwark selective of a fresh tree of a few
 * files (its name from tag), bulwark restore elsewhere, every byte
 * compared. Asserts it worked, with the server's log if it did not.
 */
void	well_behaved(struct srv *, const char *sys, const char *tag);
/* Waits (10 seconds at most) until the listener runs no session. */
void	srv_idle(const struct srv *);
/* A TCP connection to the server's port on loopback. */
int	raw_connect(const struct srv *);

#endif
