/*
 * The key database's public vocabulary: what a label and a server name
 * may be, the kinds of entry the key helper hands over, and their size
 * limits. Every program needs these (the options files name servers, the
 * helper protocol carries kinds); none of it is secret, so it lives here
 * and not with the key database itself (src/kdb/), which only the
 * programs that hold secrets link.
 */
#ifndef BWK_NAMES_H
#define BWK_NAMES_H

#define KDB_LABEL_MAX		128
#define KDB_DATA_MAX		(64 * 1024)

enum kdb_kind {
	KDB_PINNED = 1,		/* a server certificate pinned for one server */
	KDB_CA = 2,		/* a CA certificate trusted as a root */
	KDB_NODE_PASSWORD = 3,	/* a node's password (secret) */
	KDB_CLIENT_KEY = 4,	/* a client private key (secret) */
	KDB_CLIENT_CERT = 5,	/* the client certificate for that key */
	/* bulwarkd's instance database: its own identities, by label */
	KDB_SERVER_KEY = 6,	/* a server private key (secret) */
	KDB_SERVER_CERT = 7,	/* the server's certificate for that key */
	/* bulwark's: a server's SCRAM salt and count at the last sign-on */
	KDB_SCRAM_SEEN = 8,
	/* a new node password the server may already hold (secret): kept
	 * until the change is known to be complete */
	KDB_NODE_PASSWORD_NEXT = 9,
};
#define KDB_KIND_MAX	KDB_NODE_PASSWORD_NEXT

/* Labels and server names: 1..128 of [A-Za-z0-9._:@/+-], no leading '-'. */
int	kdb_label_ok(const char *);
/*
 * A name a person gives (a server, a CA label, a node): a label without
 * '/', '@' or '+'. '/' numbers the members of a bundle (NAME/2) and '@'
 * marks the labels bulwark-cert makes itself (client-key@NAME), so no
 * name can be or make another entry's label.
 */
int	kdb_name_ok(const char *);

/*
 * 1 when name matches pattern p with the seed's wildcards of a name's
 * last part: '*' any run of characters, '?' one (a UTF-8 sequence, or a
 * byte), everything else itself.
 */
int	bwk_name_match(const char *p, const char *name);

#endif
