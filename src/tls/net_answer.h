/* The network process's side of the channel (net_answer.c). */
#ifndef BWK_NET_ANSWER_H
#define BWK_NET_ANSWER_H

struct bwk;

/* Answers the file side on chan until its BYE or close: 0, or -1 when
 * the session failed (reported; the last NC_RESULT said so). */
int	net_serve(struct bwk *, int chan);

#endif
