/*
 * kashim --cgroup DIR: kashim's sock_ops program attached to a cgroup v2
 * directory for as long as kashim runs, so that every TCP connection its
 * processes make or accept from then on is configured by the kernel,
 * whatever made it (static programs, raw system calls, io_uring, Go).
 * The sockets already open are configured once, as --pid does.
 */
#ifndef KASHIM_CGROUP_CMD_H
#define KASHIM_CGROUP_CMD_H

#include "core/config/config.h"
#include "cgroup_dir.h"

#include <stddef.h>
#include <stdio.h>

struct kashim_cgroup_request {
	const char *dir; /* --cgroup */
	int force;       /* --force: the root, or kashim's own cgroup */
	int kernel;      /* --assume-kernel (tests): 0, or a lower version to act as */
};

/*
 * Take --cgroup, --force or the tests' --assume-kernel (name is len bytes,
 * value what followed '=' or NULL; the next argument, argv[*i + 1], may be
 * --cgroup's value). Returns 1 when taken, 0 for another option, -1 with
 * a message in err.
 */
int kashim_cgroup_option(struct kashim_cgroup_request *req, const char *name, size_t len,
			 const char *value, int argc, char **argv, int *i, char *err,
			 size_t err_size);

/* Whether --cgroup was given. */
int kashim_cgroup_wanted(const struct kashim_cgroup_request *req);

/* --help's lines for --cgroup and --force. */
void kashim_cgroup_help(FILE *out);

/*
 * The configuration from values (the options' texts, NULL for the
 * environment's) as a cgroup takes it, into cfg: exits 125 with one line
 * for a bad value or KASHIM_PROGRAMS (the cgroup is the scope).
 */
void kashim_cgroup_config(struct kashim_config *cfg, const char *const values[KASHIM_VAR_COUNT]);

/* The running kernel's version, or --assume-kernel's when lower. */
int kashim_cgroup_kernel(const struct kashim_cgroup_request *req);

/*
 * The --pid pass over the processes of pids but kashim: their sockets
 * already open, configured once. Returns --pid's exit status.
 */
int kashim_cgroup_configure_open(const struct kashim_cgroup_pids *pids,
				 const char *const values[KASHIM_VAR_COUNT], int debug);

/*
 * Attach, configure what is open, hold the link until SIGINT, SIGTERM or
 * SIGHUP, then detach. Returns the exit status: 0, 1 when the pass over
 * open sockets could not reach everything, 125 when nothing was attached.
 */
int kashim_cgroup_run(const struct kashim_cgroup_request *req,
		      const char *const values[KASHIM_VAR_COUNT], int debug, int has_command);

#endif
