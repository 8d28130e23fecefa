/*
 * Descriptors handed between the client's two processes over their
 * socketpair (SCM_RIGHTS): the file side opens each file and hands the
 * open descriptor to the network process, which may open nothing
 * itself (docs/architecture.md).
 *
 * Each message is a fixed header of the caller's (a request number, a
 * sequence, whatever it defines: up to FDPASS_HDR_MAX bytes, the length
 * exact on both ends) with at most one descriptor. The receiving side
 * refuses anything else: a message of another length, more than one
 * descriptor, a truncated control message, credentials it did not ask
 * for. Every descriptor received is close-on-exec.
 */
#ifndef BULWARK_LIB_FDPASS_H
#define BULWARK_LIB_FDPASS_H

#include <stddef.h>

#define FDPASS_HDR_MAX	64

/* Sends hdr (n bytes) and fd (-1: none). 0, or -1 with errno. */
int	fdpass_send(int sock, const void *hdr, size_t n, int fd);

/*
 * Receives exactly n bytes of header and at most one descriptor (*fd,
 * -1 when none came). 0; 1 at a clean end (the peer closed before a
 * message); -1 with errno: EPROTO for a message that is not one this
 * side takes (its descriptors, if any, are closed).
 */
int	fdpass_recv(int sock, void *hdr, size_t n, int *fd);

/*
 * The same for a message of any length up to max (at most
 * FDPASS_MSG_MAX): *got is its length. A message longer than max is
 * refused (EPROTO), never cut.
 */
#define FDPASS_MSG_MAX	(80 * 1024)
int	fdpass_sendv(int sock, const void *msg, size_t n, int fd);
int	fdpass_recvv(int sock, void *msg, size_t max, size_t *got, int *fd);

#endif
