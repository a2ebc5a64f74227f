/*
 * kashim --pid: one process, held by a pidfd from start to end, so that a
 * PID reused by another process after the first one exited is never
 * touched.
 */
#include "running.h"
#include "core/config.h"
#include "core/log.h"
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

	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->pidfd = kashim_pidfd_open(pid);
	if (t->pidfd < 0) {
		if (errno == ESRCH)
			fprintf(stderr, "kashim: PID %ld: no such process\n", (long)pid);
		else if (errno == EINVAL)
			fprintf(stderr, "kashim: PID %ld: not a process but one of its threads; "
				"give the process ID (Tgid in /proc/%ld/status)\n", (long)pid, (long)pid);
		else if (errno == ENOSYS)
			fprintf(stderr, "kashim: --pid needs Linux 5.6 or later (pidfd_open, "
				"pidfd_getfd)\n");
		else
			fprintf(stderr, "kashim: PID %ld: pidfd_open: %s\n", (long)pid, strerror(errno));
		return -1;
	}
	kashim_process_name(pid, raw, sizeof raw);
	kashim_printable(t->name, sizeof t->name, raw);
	kashim_process_identity(pid, &t->who);
	t->selected = kashim_programs_select(programs, &t->who);
	return 0;
}

void kashim_target_close(struct kashim_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
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
