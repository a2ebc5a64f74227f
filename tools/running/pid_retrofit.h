/*
 * kashim --pid PID [--watch[=INTERVAL]]: configure the TCP sockets of
 * processes that are already running. Each socket is duplicated into
 * kashim with pidfd_getfd (Linux 5.6+); a duplicate is the same socket,
 * so setsockopt on it changes the running program's socket. The options
 * and the scope (KASHIM_SIDES, KASHIM_PORTS, KASHIM_PROGRAMS,
 * KASHIM_POLICY) are the wrapper's, applied by the library's own code
 * (core/scope.c, core/apply.c).
 */
#ifndef KASHIM_PID_RETROFIT_H
#define KASHIM_PID_RETROFIT_H

#include "core/config/config.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* What --pid and --watch asked for. Zeroed by the caller. */
struct kashim_retrofit_request {
	pid_t *pids;
	size_t count, allocated;
	int watch;
	long interval_ms;
};

/*
 * Take the option --name (len bytes at name; value is what followed '=',
 * or NULL) if it is --pid or --watch; --pid's value may be the next
 * argument, argv[*i + 1], and then *i is advanced. Returns 1 when taken,
 * 0 when the option is another one, -1 with a message in err for a usage
 * error.
 */
int kashim_retrofit_option(struct kashim_retrofit_request *req, const char *name, size_t len,
			   const char *value, int argc, char **argv, int *i,
			   char *err, size_t err_size);

/* Whether --pid or --watch was given. */
int kashim_retrofit_wanted(const struct kashim_retrofit_request *req);

/* The lines of --help for --pid and --watch. */
void kashim_retrofit_help(FILE *out);

/*
 * Configure the processes. values[var] is the text an option gave the
 * variable, or NULL to take the environment's; debug lists every socket.
 * has_command says that a COMMAND followed the options, which --pid does
 * not take. Returns the exit status: 0 when everything was done, 1 when
 * some process could not be reached or fully configured, 125 for a bad
 * value or usage (nothing was changed).
 */
int kashim_retrofit_run(const struct kashim_retrofit_request *req,
			const char *const values[KASHIM_VAR_COUNT], int debug, int has_command);

#endif
