/*
 * Finding a running thread of a process whose main thread may have
 * exited: /proc/PID/stat's state, then /proc/PID/task's threads in turn.
 * Costs one small read per pass while the main thread runs.
 */
#include "live_task.h"
#include "sockopts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
/* Linux 6.9's flag has O_EXCL's value on every architecture */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/*
 * Is the task whose stat file is path still running? Its state is the
 * letter after the last ')' (the name in parentheses may hold any byte):
 * Z and X are an exited task. An unreadable file answers -1.
 */
static int kashim_task_runs(const char *path)
{
	char text[512];
	const char *close_paren;
	ssize_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	len = read(fd, text, sizeof text - 1);
	close(fd);
	if (len <= 0)
		return -1;
	text[len] = '\0';
	close_paren = strrchr(text, ')');
	if (close_paren == NULL || close_paren[1] != ' ' || close_paren[2] == '\0')
		return -1;
	return close_paren[2] != 'Z' && close_paren[2] != 'X';
}

pid_t kashim_live_task(pid_t pid)
{
	char path[96];
	struct dirent *entry;
	pid_t found = 0;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (kashim_task_runs(path) != 0)
		return pid; /* running, or unreadable: the caller's read says why */
	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	dir = opendir(path);
	if (dir == NULL)
		return pid;
	while (found == 0 && (entry = readdir(dir)) != NULL) {
		char *end;
		long tid = strtol(entry->d_name, &end, 10);

		if (*end != '\0' || tid <= 0 || tid == (long)pid)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%ld/stat", (long)pid, tid);
		if (kashim_task_runs(path) == 1)
			found = (pid_t)tid;
	}
	closedir(dir);
	return found;
}

int kashim_task_pidfd_open(pid_t pid, pid_t task)
{
	int fd;

	if (task == pid)
		return kashim_pidfd_open(pid);
	fd = (int)syscall(SYS_pidfd_open, task, (unsigned)PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL)
		errno = EOPNOTSUPP;
	return fd;
}
