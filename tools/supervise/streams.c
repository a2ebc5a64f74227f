/*
 * Once COMMAND runs, kashim holds none of the caller's standard streams:
 * a reader of COMMAND's output sees its end, and the peer of an
 * inetd-style socket on them its FIN, when COMMAND closes them, not when
 * kashim exits. kashim's later lines (a socket it cannot reach, --debug)
 * go to COMMAND's standard error, wherever that is at the time, as the
 * library's lines do from inside a program: duplicated with pidfd_getfd
 * for each line, so kashim never holds it either. With --debug kashim
 * keeps the caller's standard error for its lines, which go on after
 * COMMAND has exited (a copy of kashim serving its descendants).
 */
#include "streams.h"
#include "seccomp_notify.h"
#include "tools/readers/sockopts.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t kashim_program;
static int kashim_program_pidfd = -1;

/*
 * fd 2 of thread tid, duplicated, or -1. Through the thread itself, as
 * a process's first thread may have ended while the others go on
 * (pthread_exit in main), and its descriptors with it. Before Linux 6.9
 * (no PIDFD_THREAD) the file is opened again through /proc, which works
 * for a terminal, a pipe or a file (appended to), not for a socket.
 */
static int kashim_stderr_of_thread(pid_t tid)
{
	char path[64];
	int pidfd = kashim_pidfd_open_thread(tid), fd;

	if (pidfd < 0) {
		if (errno != EINVAL)
			return -1;
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)tid, STDERR_FILENO);
		return open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
	}
	fd = kashim_pidfd_getfd(pidfd, STDERR_FILENO);
	close(pidfd);
	return fd;
}

/* COMMAND's standard error, duplicated for one line, or -1. */
static int kashim_program_stderr(void)
{
	struct dirent *entry;
	char path[64];
	DIR *tasks;
	int fd = kashim_pidfd_getfd(kashim_program_pidfd, STDERR_FILENO);

	if (fd >= 0 || (errno != ESRCH && errno != EBADF))
		return fd;
	/* its first thread has ended: through any other still running */
	snprintf(path, sizeof path, "/proc/%d/task", (int)kashim_program);
	tasks = opendir(path);
	if (tasks == NULL)
		return -1;
	while (fd < 0 && (entry = readdir(tasks)) != NULL) {
		pid_t tid = (pid_t)strtol(entry->d_name, NULL, 10);

		if (tid > 0 && tid != kashim_program)
			fd = kashim_stderr_of_thread(tid);
	}
	closedir(tasks);
	return fd;
}

void kashim_streams_let_go(pid_t program, int keep_stderr)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), fd;

	kashim_program = program;
	kashim_program_pidfd = kashim_pidfd_open(program);
	if (null < 0 || kashim_program_pidfd < 0) {
		kashim_log("cannot let go of the standard streams: %s; they stay open until "
			   "kashim exits", strerror(errno));
		if (null >= 0)
			close(null);
		return;
	}
	if (!keep_stderr)
		kashim_log_through(kashim_program_stderr);
	for (fd = STDIN_FILENO; fd <= (keep_stderr ? STDOUT_FILENO : STDERR_FILENO); fd++)
		(void)dup2(null, fd);
	close(null);
}

void kashim_streams_program_gone(void)
{
	/* lines go to fd 2, /dev/null: lost, as COMMAND's stderr is gone */
	kashim_log_through(NULL);
}
