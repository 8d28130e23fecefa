/*
 * libbulwark's private state (api.c, api_files.c): the configuration and
 * the connection behind bulwark.h's opaque types.
 */
#ifndef BWK_API_INT_H
#define BWK_API_INT_H

#include <sys/types.h>

#include "../lib/names.h"
#include "bulwark.h"
#include "policy.h"
#include "session.h"

#define HOST_MAX	255
#define PORT_MAX	5

struct bwk_config {
	char			 server[KDB_LABEL_MAX + 1];
	char			 host[HOST_MAX + 1];
	char			 port[PORT_MAX + 1];
	char			 node[WIRE_NAME_MAX + 1];	/* "": none */
	int			 admin;		/* node is an administrator */
	int			 generate;	/* PASSWORDACCESS GENERATE */
	char			*db;
	struct tls_policy	 policy;
	int			 system_ca;
	int			 accept_first_use;
	int			 weak_sandbox;
	int			 has_fpr;
	uint8_t			 fpr[BWK_SHA256_LEN];
	int			 handshake_timeout, idle_timeout;
	bwk_log_cb		*log;
	void			*log_arg;
	char			 error[SESSION_ERR_MAX];
};

/* The public enums name the session's own values. */
_Static_assert((int)BWK_FAIL_TRUST == (int)FAIL_TRUST &&
    (int)BWK_FAIL_PROTOCOL == (int)FAIL_PROTOCOL &&
    (int)BWK_FAIL_NOT_TLS == (int)FAIL_NOT_TLS &&
    (int)BWK_FAIL_CONNECT == (int)FAIL_CONNECT &&
    (int)BWK_FAIL_SETUP == (int)FAIL_SETUP &&
    (int)BWK_FAIL_SELFTEST == (int)FAIL_SELFTEST &&
    (int)BWK_FAIL_SIGNON == (int)FAIL_SIGNON &&
    (int)BWK_FAIL_SERVER == (int)FAIL_SERVER, "bwk_failure");
_Static_assert((int)BWK_TRUST_PINNED == (int)TRUST_PINNED &&
    (int)BWK_TRUST_CA == (int)TRUST_CA &&
    (int)BWK_TRUST_FIRST_USE == (int)TRUST_FIRST_USE &&
    (int)BWK_TRUST_RENEWED == (int)TRUST_RENEWED, "bwk_trust");

struct bwk {
	struct bwk_config	 cfg;		/* a copy; db owned */
	struct session_opts	 o;
	struct session		 s;
	int			 configured, prepared, connected;
	int			 password_fd;	/* the helper's pipe, until prepared */
	int			 prompt_fd;	/* PROMPT: its writing end */
	/* bwk_start: this process is the file side, the session runs in
	 * the network process netpid, over chan (netchan.h) */
	int			 remote;
	int			 chan;
	/* a callback runs in the middle of a request's answer (a listing's
	 * entries, an object's progress): the channel and the request
	 * buffers are that request's */
	int			 in_answer;
	bwk_bytes_cb		*bytes_cb;
	void			*bytes_arg;
	/* bwk_send_fd's objects whose answers are due, oldest first */
	bwk_answer_cb		*answer_cb;
	void			*answer_arg;
	uint64_t		 due[BWK_SEND_WINDOW];
	unsigned		 due_first, due_n;
	pid_t			 netpid;
};

/* api.c's: the connection's error, with its ID and class; -1. */
int	api_error(struct bwk *, enum bwk_failure, const char *id,
	    const char *text);


/* api_files.c's: bwk_close and bwk_free of a started connection. */
int	api_files_close(struct bwk *);
void	api_files_free(struct bwk *);

#endif
