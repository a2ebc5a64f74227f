/*
 * kashim --pid: one process, held by a pidfd from start to end, so that a
 * PID reused by another process after the first one exited is never
 * touched.
 */
#include "running.h"
#include "core/config/config.h"
#include "core/log.h"
#include "tools/readers/live_task.h"
#include "tools/readers/proc_fds.h"
#include "tools/readers/process.h"
#include "tools/readers/sockopts.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int kashim_target_open(struct kashim_target *t, pid_t pid, const char *programs)
{
	char raw[64];
	pid_t task;

	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->pidfd = kashim_pidfd_open(pid);
	if (t->pidfd < 0) {
		if (errno == ESRCH)
			fprintf(stderr, "kashim: PID %ld: no such process\n", (long)pid);
		else if (errno == EINVAL || errno == ENOENT) /* newer kernels say ENOENT */
			fprintf(stderr, "kashim: PID %ld: not a process but one of its threads; "
				"give the process ID (Tgid in /proc/%ld/status)\n", (long)pid, (long)pid);
		else if (errno == ENOSYS)
			fprintf(stderr, "kashim: --pid needs Linux 5.6 or later (pidfd_open, "
				"pidfd_getfd)\n");
		else
			fprintf(stderr, "kashim: PID %ld: pidfd_open: %s\n", (long)pid, strerror(errno));
		return -1;
	}
	t->task = pid;
	t->task_pidfd = t->pidfd;
	kashim_process_name(pid, raw, sizeof raw);
	kashim_printable(t->name, sizeof t->name, raw);
	/* through a thread that runs: a main thread that exited has no exe */
	task = kashim_live_task(pid);
	kashim_process_identity(task > 0 ? task : pid, &t->who);
	t->selected = kashim_programs_select(programs, &t->who);
	return 0;
}

/* Let go of the thread t was reached through, if not the process itself. */
static void kashim_target_drop_task(struct kashim_target *t)
{
	if (t->task_pidfd >= 0 && t->task_pidfd != t->pidfd)
		close(t->task_pidfd);
	t->task = 0;
	t->task_pidfd = -1;
}

void kashim_target_close(struct kashim_target *t)
{
	kashim_target_drop_task(t);
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
}

int kashim_target_reach(struct kashim_target *t, int fresh, int debug)
{
	int attempt;

	if (fresh)
		kashim_target_drop_task(t);
	/* a thread may exit between its being found and its pidfd's opening */
	for (attempt = 0; attempt < 3; attempt++) {
		pid_t task = kashim_live_task(t->pid);
		int fd;

		if (task == 0)
			return ESRCH;
		if (task == t->task)
			return 0;
		fd = task == t->pid ? t->pidfd : kashim_task_pidfd_open(t->pid, task);
		if (fd < 0 && errno != ESRCH)
			return errno;
		if (fd < 0)
			continue;
		kashim_target_drop_task(t);
		t->task = task;
		t->task_pidfd = fd;
		if (debug && task != t->pid)
			fprintf(stderr, "kashim: PID %ld (%s): its main thread has exited; "
				"reached through its thread %ld\n", (long)t->pid, t->name, (long)task);
		return 0;
	}
	return ESRCH;
}

/* Has the process exited? Its pidfd turns readable then. */
int kashim_target_exited(const struct kashim_target *t)
{
	struct pollfd p = { t->pidfd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

/* Report a failure to reach t's sockets; what says while doing what. */
void kashim_target_failed(const struct kashim_target *t, int error, const char *what)
{
	char retry[64];

	snprintf(retry, sizeof retry, "kashim --pid %ld", (long)t->pid);
	kashim_explain_unreached("kashim", retry, "Changing", t->pid, t->name, error, what);
}
