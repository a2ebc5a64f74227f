/*
 * kashim --pid and --watch, inside: the state a run shares between its
 * files. options.c reads --pid and --watch; load.c the configuration;
 * target.c holds each process by a pidfd; pass.c finds and configures new
 * sockets; tally.c prints what a pass did; watch.c waits between passes;
 * pid_retrofit.c runs it all.
 */
#ifndef KASHIM_RUNNING_H
#define KASHIM_RUNNING_H

#include "pid_retrofit.h"
#include "core/config/config.h"
#include "tools/cli/exit_status.h"
#include "tools/readers/inode_set.h"
#include "tools/readers/process.h"
#include "tools/readers/sockid.h"

#include <stddef.h>
#include <sys/types.h>

/* What became of the sockets of one process in one pass. */
struct kashim_tally {
	size_t listeners, connections;  /* configured */
	size_t respected, other_ports, other_side, unconnected, refused;
};

/* One process given with --pid. */
struct kashim_target {
	pid_t pid;
	int pidfd;             /* -1 once it is no longer watched */
	pid_t task;            /* the thread it is reached through (kashim_live_task) */
	int task_pidfd;        /* task's: pidfd while task is pid, else PIDFD_THREAD's */
	char name[64];         /* printable */
	int selected;          /* KASHIM_PROGRAMS selects it */
	struct kashim_identity who;
};

/* A new TCP socket found by a pass, waiting for its side to be known. */
struct kashim_found {
	int fd;
	unsigned long inode;
	struct kashim_sockid id;
};

/* The run's state: the configuration and the sockets already dealt with. */
struct kashim_run {
	struct kashim_config cfg;    /* its programs judge each target */
	struct kashim_inode_set seen, seen_now; /* last pass's, this pass's */
	struct kashim_inode_set found_now;      /* the new ones of this process's pass */
	struct kashim_found *found;
	size_t found_allocated;
	int watching;
};

/* Say "out of memory" and exit 125. */
__attribute__((noreturn)) void kashim_oom(void);

/*
 * Start on process pid, selected when programs (cfg's KASHIM_PROGRAMS,
 * NULL for every program) selects it. Returns 0, or -1 having said why on
 * stderr.
 */
int kashim_target_open(struct kashim_target *t, pid_t pid, const char *programs);
void kashim_target_close(struct kashim_target *t);
/* Has the process exited? Its pidfd turns readable then. */
int kashim_target_exited(const struct kashim_target *t);
/*
 * Reach t through a thread that runs (kashim_live_task): t->task and
 * t->task_pidfd, opened anew when the thread changed or fresh is set.
 * Returns 0, or an errno: ESRCH when no thread is left, EOPNOTSUPP when
 * the main thread has exited and the kernel cannot open another thread's
 * pidfd (before Linux 6.9). debug names the thread when it changes.
 */
int kashim_target_reach(struct kashim_target *t, int fresh, int debug);
/* Report a failure to reach t's sockets; what says while doing what. */
void kashim_target_failed(const struct kashim_target *t, int error, const char *what);

/*
 * A pass over every watched target. Returns the exit status so far:
 * KASHIM_EXIT_INCOMPLETE when something could not be done.
 */
int kashim_pass_all(struct kashim_run *run, struct kashim_target *targets, size_t n, int first);

/* One line on stdout: what a pass did to t. */
void kashim_print_tally(const struct kashim_target *t, const struct kashim_tally *c);
/* Anything worth a line after the first pass? */
int kashim_tally_any(const struct kashim_tally *c);

/*
 * Sleep for interval_ms, or until a target exits (then it is reported and
 * dropped). Returns the number of targets still watched.
 */
size_t kashim_wait(struct kashim_target *targets, size_t n, long interval_ms);

/* The configuration: options over the environment, checked as strictly. */
int kashim_load(struct kashim_run *run, const char *const values[KASHIM_VAR_COUNT], int debug);

#endif
