/*
 * How kashim starts COMMAND: preloading libkashim.so and exec'ing it (a
 * dynamic program, the same process), or supervising it through seccomp
 * user notification (a static program, which LD_PRELOAD cannot reach).
 * The options --mode and --run-unconfigured, and the choice between them.
 */
#ifndef KASHIM_LAUNCH_H
#define KASHIM_LAUNCH_H

#include <stddef.h>

enum kashim_mode { KASHIM_MODE_AUTO, KASHIM_MODE_PRELOAD, KASHIM_MODE_SECCOMP, KASHIM_MODE_CGROUP };

struct kashim_launch {
	enum kashim_mode mode;
	int run_unconfigured; /* supervision impossible: run COMMAND anyway */
};

/*
 * If argv[*i] is --mode[=WHAT] or --run-unconfigured, record it (taking
 * WHAT from the next argument when needed, advancing *i) and return 1;
 * return 0 for any other argument; -1 with a message in err for a bad one.
 */
int kashim_launch_option(struct kashim_launch *launch, int argc, char **argv, int *i,
			 char *err, size_t err_size);

/* Print these options' part of --help. */
void kashim_launch_help(void);

/*
 * Should command be supervised rather than preloaded? Refuses (one line,
 * exit 125) a setuid, setgid or capability-carrying command that would be
 * supervised, and one built for another machine unless run_unconfigured.
 */
int kashim_launch_supervised(const struct kashim_launch *launch, const char *command);

/*
 * Say in one line why path cannot be supervised, and exit 125; with
 * run_unconfigured, warn and return 0 (run it without keepalive).
 */
int kashim_cannot_supervise(const struct kashim_launch *launch, const char *path,
			    const char *why);

#endif
