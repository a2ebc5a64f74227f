/* kashim --pid and --watch: the options and their lines of --help. */
#include "running.h"
#include "core/config/duration.h"
#include "core/log.h"
#include "core/config/name.h"
#include "tools/readers/process.h"
#include "tools/cli/option_argument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --watch's default pass interval; see kashim(1) for the cost of a pass. */
#define KASHIM_WATCH_DEFAULT_MS 1000L
#define KASHIM_WATCH_MIN_MS 10L
#define KASHIM_WATCH_MAX_MS 3600000L

/*
 * --watch's INTERVAL: a duration with the library's syntax, bare seconds
 * as for sleep(1) (the library's bare milliseconds would surprise here).
 */
static int kashim_parse_interval(const char *text, long *ms, char *err, size_t err_size)
{
	unsigned long long value = 0;
	const char *unit;
	char quoted[64];

	if (kashim_duration_millis(text, 1000, &value, &unit) != KASHIM_DURATION_OK ||
	    value < KASHIM_WATCH_MIN_MS || value > KASHIM_WATCH_MAX_MS) {
		kashim_quote(quoted, sizeof quoted, text, 32);
		snprintf(err, err_size, "invalid --watch: %s is not a duration from 10ms to 1h "
			 "(2, 2s, 500ms, 1m)", quoted);
		return -1;
	}
	*ms = (long)value;
	return 0;
}

int kashim_retrofit_option(struct kashim_retrofit_request *req, const char *name, size_t len,
			   const char *value, int argc, char **argv, int *i,
			   char *err, size_t err_size)
{
	pid_t pid;

	if (kashim_name_is(name, len, "watch")) {
		req->watch = 1;
		req->interval_ms = KASHIM_WATCH_DEFAULT_MS;
		return value == NULL ? 1 : kashim_parse_interval(value, &req->interval_ms,
								 err, err_size) == 0 ? 1 : -1;
	}
	if (!kashim_name_is(name, len, "pid"))
		return 0;
	value = kashim_option_argument(name, len, value, argc, argv, i, err, err_size);
	if (value == NULL)
		return -1;
	if (kashim_parse_pid(value, &pid) != 0) {
		char quoted[64];

		kashim_quote(quoted, sizeof quoted, value, 32);
		snprintf(err, err_size, "invalid --pid: %s is not a process ID", quoted);
		return -1;
	}
	if (req->count == req->allocated) {
		size_t more = req->allocated == 0 ? 4 : 2 * req->allocated;
		pid_t *grown = realloc(req->pids, more * sizeof *grown);

		if (grown == NULL)
			kashim_oom();
		req->pids = grown;
		req->allocated = more;
	}
	req->pids[req->count++] = pid;
	return 1;
}

int kashim_retrofit_wanted(const struct kashim_retrofit_request *req)
{
	return req->count > 0 || req->watch;
}

void kashim_retrofit_help(FILE *out)
{
	fprintf(out, "  --pid PID\n      configure the TCP sockets of running process PID instead\n"
		"      of running a COMMAND: its listeners, so that connections it\n"
		"      accepts from now on have keepalive, and its connections; may be\n"
		"      given more than once\n"
		"  --watch[=INTERVAL]\n      with --pid: keep configuring new sockets every INTERVAL\n"
		"      (default 1s; 500ms, 2s, 1m) until every PID has exited\n");
}
