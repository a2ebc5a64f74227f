/* What kashim-inspect found in one process, ready to print. */
#ifndef KASHIM_INSPECT_H
#define KASHIM_INSPECT_H

#include "tools/cgroup/attached.h"
#include "tools/readers/sockopts.h"

#include <stdio.h>
#include <sys/types.h>

/* What kashim-inspect prints: --format's words, table, json and prometheus. */
enum kashim_format { KASHIM_FORMAT_TABLE, KASHIM_FORMAT_JSON, KASHIM_FORMAT_PROMETHEUS };

struct kashim_inspect_socket {
	int fd;
	unsigned long inode;
	struct kashim_sockid id;
	int options_errno;          /* 0: opts holds what getsockopt read */
	struct kashim_sockopts opts;
	int timer_known;            /* 0 when the socket is not in /proc/PID/net/tcp */
	int timer;                  /* enum kashim_tcp_timer */
	unsigned long timer_ticks;
	unsigned probes;
};

/* Reasons --missing gives for a process, each a line. */
#define KASHIM_WHY_MAX 4
#define KASHIM_WHY_LENGTH 256

struct kashim_inspect_process {
	pid_t pid;
	pid_t task;                 /* the thread it is read through: pid while its
				       main thread runs (tools/readers/live_task.h) */
	char name[64];
	int error;                  /* errno that stopped the inspection; 0 if none */
	struct kashim_inspect_socket *sockets;
	size_t count;
	int missing;                /* 1: printed as --missing's, with why */
	int max_idle;               /* with missing: --max-idle's seconds, or 0 */
	size_t nwhy;
	char why[KASHIM_WHY_MAX][KASHIM_WHY_LENGTH];
	int nattached;              /* kashim programs on its cgroup or above; -1: unknown */
	char attached[2][KASHIM_ATTACHED_LINE];
};

/*
 * Inspect process pid into p (sockets malloc'd; the caller frees them).
 * Returns 0 when everything was read, else -1 with p->error set when the
 * process could not be read at all; the reason is said on stderr unless
 * quiet.
 */
int kashim_inspect(pid_t pid, struct kashim_inspect_process *p, int quiet);

/*
 * Print processes as aligned tables for people, one per process. Timers
 * are converted from clock ticks with clock_ticks per second.
 */
void kashim_print_table(FILE *out, const struct kashim_inspect_process *procs, size_t n,
			long clock_ticks);

/* Print processes as one JSON document. */
void kashim_print_json(FILE *out, const struct kashim_inspect_process *procs, size_t n,
		       long clock_ticks);

#endif
