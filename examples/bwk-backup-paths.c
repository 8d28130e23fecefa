/*
 * bwk-backup-paths: libbulwark's backup of a path list, as bulwark
 * incremental runs it. Walks each path, sends what is new or changed,
 * makes what is gone inactive, and prints each object's outcome as the
 * library's callback reports it, then the totals.
 *
 *	bwk-backup-paths SERVER HOST PORT NODE PATH...
 *
 * As bwk-backup-one: the node's password is the key database's, the
 * server's certificate in it or taken on first use. This process is the
 * file side; the library's network process reads each file from the
 * descriptor this process hands it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <bulwark.h>

static int
progress(void *arg, const struct bwk_event *ev, const struct bwk_totals *t)
{
	(void)arg;
	switch (ev->kind) {
	case BWK_EV_SENT:
		printf("sent %s (%llu bytes)\n", ev->path,
		    (unsigned long long)ev->size);
		break;
	case BWK_EV_UNCHANGED:
		printf("unchanged %s\n", ev->path);
		break;
	case BWK_EV_DEACTIVATED:
		printf("inactive %s\n", ev->path);
		break;
	default:	/* failed, skipped, not entered: the message */
		printf("%s %s: %s\n", ev->id, ev->path, ev->text);
		break;
	}
	/* a program's own stop rule: here, none; 1 would stop after this
	 * object */
	(void)t;
	return 0;
}

/* Within a large file: its bytes so far, every 16 MiB. */
static void
moved(void *arg, uint64_t done)
{
	(void)arg;
	printf("  ... %llu bytes\n", (unsigned long long)done);
}

int
main(int argc, char **argv)
{
	struct bwk_config *cfg;
	struct bwk_totals t;
	struct bwk *b;
	int r;

	if (argc < 6) {
		fprintf(stderr, "usage: bwk-backup-paths SERVER HOST PORT "
		    "NODE PATH...\n");
		return 2;
	}
	if ((cfg = bwk_config_new()) == NULL ||
	    bwk_config_set_server(cfg, argv[1]) == -1 ||
	    bwk_config_set_address(cfg, argv[2], argv[3]) == -1 ||
	    bwk_config_set_node(cfg, argv[4]) == -1) {
		fprintf(stderr, "bwk-backup-paths: %s\n", cfg != NULL ?
		    bwk_config_error(cfg) : "out of memory");
		return 2;
	}
	bwk_config_insecure_accept_first_use(cfg);
	if ((b = bwk_client()) == NULL || bwk_configure(b, cfg) == -1 ||
	    bwk_start(b, "nobody", NULL, NULL) == -1) {
		fprintf(stderr, "bwk-backup-paths: %s %s\n",
		    b != NULL ? bwk_error_id(b) : "", b != NULL ?
		    bwk_error(b) : "out of memory");
		bwk_free(b);
		return 1;
	}
	bwk_config_free(cfg);
	bwk_set_bytes_cb(b, moved, NULL);

	r = bwk_backup_paths(b, (const char *const *)argv + 5,
	    (size_t)(argc - 5), BWK_B_INCREMENTAL | BWK_B_ESTIMATE, progress,
	    NULL, &t);
	printf("inspected %llu, sent %llu, unchanged %llu, inactive %llu, "
	    "failed %llu, skipped %llu, %llu bytes\n",
	    (unsigned long long)t.inspected, (unsigned long long)t.sent,
	    (unsigned long long)t.unchanged,
	    (unsigned long long)t.deactivated, (unsigned long long)t.failed,
	    (unsigned long long)t.skipped, (unsigned long long)t.bytes);
	printf("expected %llu objects, %llu bytes\n",
	    (unsigned long long)t.expected_objects,
	    (unsigned long long)t.expected_bytes);
	if (r == -1) {
		fprintf(stderr, "bwk-backup-paths: %s %s\n", bwk_error_id(b),
		    bwk_error(b));
		bwk_free(b);
		return 1;
	}
	if (bwk_close(b) == -1) {
		fprintf(stderr, "bwk-backup-paths: %s\n", bwk_error(b));
		bwk_free(b);
		return 1;
	}
	bwk_free(b);
	return t.failed > 0 ? 12 : 0;
}
