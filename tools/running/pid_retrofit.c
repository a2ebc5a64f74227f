/*
 * kashim --pid and --watch: a run from start to end. The configuration is
 * loaded (load.c), each process opened (target.c), then passes (pass.c)
 * follow one another, with a wait between them (watch.c) when watching.
 */
#include "running.h"
#include "tools/cli/usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kashim_oom(void)
{
	fputs("kashim: out of memory\n", stderr);
	exit(KASHIM_EXIT_FAILURE);
}

int kashim_retrofit_run(const struct kashim_retrofit_request *req,
			const char *const values[KASHIM_VAR_COUNT], int debug, int has_command)
{
	struct kashim_run run;
	struct kashim_target *targets;
	size_t i, n = 0;
	int status = KASHIM_EXIT_OK, first = 1;

	if (req->count == 0 || has_command)
		kashim_usage_error("%s", req->count == 0 ? "--watch needs --pid"
							  : "--pid takes no COMMAND");
	memset(&run, 0, sizeof run);
	run.watching = req->watch;
	if (kashim_load(&run, values, debug) != 0)
		return KASHIM_EXIT_FAILURE;
	if (!run.cfg.enabled) {
		fprintf(stderr, "kashim: KASHIM_KEEPALIVE is off: nothing to configure\n");
		return KASHIM_EXIT_OK;
	}
	targets = calloc(req->count, sizeof *targets);
	if (targets == NULL)
		kashim_oom();
	for (i = 0; i < req->count; i++) {
		if (kashim_target_open(&targets[n], req->pids[i], run.cfg.programs) == 0)
			n++;
		else
			status = KASHIM_EXIT_INCOMPLETE;
	}
	for (;;) {
		if (kashim_pass_all(&run, targets, n, first) != KASHIM_EXIT_OK)
			status = KASHIM_EXIT_INCOMPLETE;
		first = 0;
		if (!req->watch || kashim_wait(targets, n, req->interval_ms) == 0)
			break;
	}
	for (i = 0; i < n; i++)
		kashim_target_close(&targets[i]);
	free(targets);
	free(run.found);
	kashim_inode_free(&run.seen);
	kashim_inode_free(&run.seen_now);
	kashim_inode_free(&run.found_now);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("kashim: stdout");
		return KASHIM_EXIT_INCOMPLETE;
	}
	return status;
}
