/*
 * kashim --pid: a pass over a process. It reads /proc/PID/fd, looks every
 * socket inode up in the set of sockets already dealt with, and duplicates
 * only the new ones: a pass over a process whose sockets are all known
 * costs a readlink per fd, and a read of /proc/PID/stat to see that its
 * main thread still runs (once it has exited, the process is read and
 * reached through another thread: tools/readers/live_task.h).
 */
#include "running.h"
#include "core/apply.h"
#include "core/report.h"
#include "core/scope.h"
#include "tools/readers/inode_set.h"
#include "tools/readers/proc_fds.h"
#include "tools/readers/proc_tcp.h"
#include "tools/readers/process.h"
#include "tools/readers/side.h"
#include "tools/readers/sockopts.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The names of kashim_configure's refused option bits: " TCP_USER_TIMEOUT". */
static void kashim_refused_names(char *buf, size_t size, int failed)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ KASHIM_FAILED_KEEPIDLE, "TCP_KEEPIDLE" },
		{ KASHIM_FAILED_KEEPINTVL, "TCP_KEEPINTVL" },
		{ KASHIM_FAILED_KEEPCNT, "TCP_KEEPCNT" },
		{ KASHIM_FAILED_USER_TIMEOUT, "TCP_USER_TIMEOUT" },
		{ KASHIM_FAILED_KEEPALIVE, "SO_KEEPALIVE" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((failed & names[i].bit) != 0 && len < size)
			len += (size_t)snprintf(buf + len, size - len, " %s", names[i].name);
	}
}

/*
 * Decide and apply for one new TCP socket f of t, duplicated as dup, on
 * side with port for KASHIM_PORTS. Counts the outcome in tally and
 * returns it in words, for --debug.
 */
static const char *kashim_apply_one(const struct kashim_run *run, const struct kashim_target *t,
				    const struct kashim_found *f, int side, unsigned port, int dup,
				    struct kashim_tally *tally)
{
	static char refused[128];
	char names[96];
	const char *left_alone;
	int result;

	if (!t->selected)
		return "left alone: KASHIM_PROGRAMS does not select the program";
	if ((run->cfg.sides & side) == 0) {
		tally->other_side++;
		return "left alone: its side is not in KASHIM_SIDES";
	}
	result = kashim_configure_scoped(&run->cfg, dup, (int)port);
	left_alone = kashim_left_alone_words(result);
	if (result == KASHIM_SKIPPED_PORT)
		tally->other_ports++;
	else if (result == KASHIM_SKIPPED_RESPECT)
		tally->respected++;
	if (left_alone != NULL)
		return left_alone;
	if (result != 0) {
		tally->refused++;
		kashim_refused_names(names, sizeof names, result);
		snprintf(refused, sizeof refused, "the kernel refused%s", names);
		fprintf(stderr, "kashim: PID %ld (%s): fd %d: %s\n", (long)t->pid, t->name, f->fd,
			refused);
		return refused;
	}
	if (f->id.state == TCP_LISTEN)
		tally->listeners++;
	else
		tally->connections++;
	return "configured";
}

/*
 * Duplicate fd of t. Returns the duplicate, or -1 with errno: EBADF when
 * the process closed fd meanwhile (not a failure), ESRCH when it exited.
 */
static int kashim_dup(const struct kashim_target *t, int fd)
{
	return kashim_pidfd_getfd(t->task_pidfd, fd);
}

/* Room for n found sockets. */
static void kashim_found_reserve(struct kashim_run *run, size_t n)
{
	struct kashim_found *grown;

	if (n <= run->found_allocated)
		return;
	grown = realloc(run->found, n * sizeof *grown);
	if (grown == NULL)
		kashim_oom();
	run->found = grown;
	run->found_allocated = n;
}

/* Remember inode for the next pass; value is a listener's port, else 0. */
static void kashim_remember(struct kashim_run *run, unsigned long inode, unsigned value)
{
	if (kashim_inode_add(&run->seen_now, inode, value) != 0)
		kashim_oom();
}

/*
 * The first half of a pass: the new TCP sockets of t into run->found
 * (their number in *count), the ports t listens on into listening.
 * Returns 0, or an errno that stopped it, with what naming the step.
 */
static int kashim_find_new(struct kashim_run *run, const struct kashim_target *t,
			   struct kashim_listening *listening, size_t *count, const char **what)
{
	struct kashim_socket_fd *fds = NULL;
	size_t nfds = 0, i;
	int error = 0;

	*count = 0;
	kashim_inode_clear(&run->found_now);
	*what = "reading its /proc/PID/fd";
	if (kashim_list_socket_fds(t->task, &fds, &nfds) != 0)
		return errno;
	kashim_found_reserve(run, nfds);
	*what = "duplicating its sockets (pidfd_getfd)";
	for (i = 0; i < nfds && error == 0; i++) {
		const struct kashim_inode_slot *known = kashim_inode_find(&run->seen_now, fds[i].inode);
		struct kashim_sockid id;
		int dup, tcp;

		if (known == NULL)
			known = kashim_inode_find(&run->seen, fds[i].inode);
		if (known != NULL) {
			kashim_remember(run, fds[i].inode, known->value);
			if (known->value != 0)
				kashim_listening_add(listening, known->value);
			continue;
		}
		/* one socket on several fds (an inetd-style child has its
		 * connection on 0 and 1): found, counted and configured once */
		if (kashim_inode_find(&run->found_now, fds[i].inode) != NULL)
			continue;
		dup = kashim_dup(t, fds[i].fd);
		if (dup < 0) {
			if (errno != EBADF)
				error = errno;
			continue;
		}
		tcp = kashim_identify_socket(dup, &id);
		if (tcp == 0) {
			kashim_remember(run, fds[i].inode, 0); /* never TCP: never again */
		} else if (tcp == 1) {
			struct kashim_found *f = &run->found[(*count)++];

			if (kashim_inode_add(&run->found_now, fds[i].inode, 0) != 0)
				kashim_oom();
			f->fd = fds[i].fd;
			f->inode = fds[i].inode;
			f->id = id;
			if (id.state == TCP_LISTEN)
				kashim_listening_add(listening, id.local_port);
		}
		close(dup);
	}
	free(fds);
	return error;
}

/*
 * One pass over t: configure its new sockets, counting them into tally.
 * Returns 0, or an errno that stopped the pass (ESRCH or ENOENT when the
 * process, or the thread it is reached through, exited), with what
 * naming the step.
 */
static int kashim_pass(struct kashim_run *run, const struct kashim_target *t,
		       struct kashim_tally *tally, const char **what)
{
	struct kashim_listening listening;
	size_t count, i;
	int error;

	memset(&listening, 0, sizeof listening);
	error = kashim_find_new(run, t, &listening, &count, what);
	for (i = 0; i < count && error == 0; i++) {
		const struct kashim_found *f = &run->found[i];
		unsigned port = 0;
		int side = kashim_socket_side(&f->id, &listening, &port);
		const char *outcome;
		int dup;

		if (side == 0) {
			/* not connected yet: its side is not known; a later pass will see */
			tally->unconnected++;
			continue;
		}
		/* duplicated again rather than held: 10,000 new sockets would
		 * need 10,000 descriptors at once */
		dup = kashim_dup(t, f->fd);
		if (dup < 0) {
			if (errno != EBADF)
				error = errno;
			continue;
		}
		outcome = kashim_apply_one(run, t, f, side, port, dup, tally);
		close(dup);
		kashim_remember(run, f->inode, f->id.state == TCP_LISTEN ? f->id.local_port : 0);
		if (run->cfg.debug)
			fprintf(stderr, "kashim: PID %ld (%s): fd %d %s, %s side, port %u: %s\n",
				(long)t->pid, t->name, f->fd, kashim_tcp_state_name(f->id.state),
				kashim_side_name(side), port, outcome);
	}
	return error;
}

/*
 * A pass over t through a thread of it that runs (the process itself
 * while its main thread does). A thread that exits during the pass while
 * the process goes on (the main thread too) is replaced by another, and
 * the pass goes on: what
 * was configured is remembered, so nothing is done twice, and tally adds
 * up every attempt. Returns as kashim_pass does.
 */
static int kashim_reach_and_pass(struct kashim_run *run, struct kashim_target *t,
				 struct kashim_tally *tally, const char **what)
{
	int attempt, error = 0;

	memset(tally, 0, sizeof *tally);
	for (attempt = 0; attempt < 3; attempt++) {
		*what = "reaching its sockets";
		error = kashim_target_reach(t, attempt > 0, run->cfg.debug);
		if (error != 0)
			return error;
		error = kashim_pass(run, t, tally, what);
		if ((error != ESRCH && error != ENOENT) || kashim_target_exited(t))
			return error;
	}
	return error;
}

int kashim_pass_all(struct kashim_run *run, struct kashim_target *targets, size_t n,
			   int first)
{
	struct kashim_inode_set older;
	int status = KASHIM_EXIT_OK;
	size_t i;

	for (i = 0; i < n; i++) {
		struct kashim_target *t = &targets[i];
		struct kashim_tally tally;
		const char *what = "";
		int error;

		if (t->pidfd < 0)
			continue;
		/* a zombie still has a /proc/PID/fd, empty: it has exited all the same */
		error = kashim_target_exited(t) ? ESRCH
						: kashim_reach_and_pass(run, t, &tally, &what);
		if ((error == ENOENT || error == ESRCH) || (error != 0 && kashim_target_exited(t))) {
			/* exited: the end of a watch, but a one-shot did not finish */
			if (run->watching) {
				printf("PID %ld (%s): exited\n", (long)t->pid, t->name);
				fflush(stdout);
			} else {
				fprintf(stderr, "kashim: PID %ld (%s): exited before kashim was done\n",
					(long)t->pid, t->name);
				status = KASHIM_EXIT_INCOMPLETE;
			}
			kashim_target_close(t);
			continue;
		}
		if (error != 0) {
			kashim_target_failed(t, error, what);
			kashim_target_close(t);
			status = KASHIM_EXIT_INCOMPLETE;
			continue;
		}
		if (tally.refused > 0)
			status = KASHIM_EXIT_INCOMPLETE;
		if (first && !t->selected)
			printf("PID %ld (%s): left alone: KASHIM_PROGRAMS does not select it\n",
			       (long)t->pid, t->name);
		else if (first || kashim_tally_any(&tally))
			kashim_print_tally(t, &tally);
	}
	/* Only the sockets still open are remembered: the set stays the size
	 * of what the processes hold, however long the watch. */
	older = run->seen;
	run->seen = run->seen_now;
	run->seen_now = older;
	kashim_inode_clear(&run->seen_now);
	return status;
}
