/*
 * What kashim and kashim-inspect share about another process: its PID as
 * given, the words for a refusal, and the names KASHIM_PROGRAMS sees.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int kashim_parse_pid(const char *text, pid_t *pid)
{
	long value = 0;
	const char *p;

	if (*text == '\0')
		return -1;
	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || value > (INT_MAX - (*p - '0')) / 10)
			return -1;
		value = value * 10 + (*p - '0');
	}
	if (value < 1)
		return -1;
	*pid = (pid_t)value;
	return 0;
}

/* kernel.yama.ptrace_scope, or -1 when Yama is not in this kernel. */
static int kashim_yama_scope(void)
{
	char text[8] = "";
	ssize_t len;
	int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	len = read(fd, text, sizeof text - 1);
	close(fd);
	if (len <= 0 || text[0] < '0' || text[0] > '3')
		return -1;
	return text[0] - '0';
}

/* kashim_explain_unreached for a refusal (EACCES, EPERM). */
static void kashim_explain_denied(const char *tool, const char *retry, const char *action,
				  pid_t pid, const char *name, const char *what)
{
	int scope = kashim_yama_scope();

	fprintf(stderr, "%s: PID %ld (%s): permission denied %s\n", tool, (long)pid, name, what);
	fprintf(stderr, "  %s another process's sockets needs ptrace permission over it.\n"
		"  Run %s as root (sudo %s) or with CAP_SYS_PTRACE", action, tool, retry);
	switch (scope) {
	case -1:
	case 0:
		fprintf(stderr, ",\n  or as the process's own user%s, unless the process is\n"
			"  set-user-ID or otherwise not dumpable.\n",
			scope == 0 ? " (kernel.yama.ptrace_scope is 0)" : "");
		break;
	case 1:
		fprintf(stderr, ".\n  As the process's own user it works only for processes started by\n"
			"  %s: kernel.yama.ptrace_scope is 1 (0 allows any process\n"
			"  of the same user).\n", tool);
		break;
	case 2:
		fprintf(stderr, ".\n  Nothing else does: kernel.yama.ptrace_scope is 2.\n");
		break;
	default:
		fprintf(stderr, ",\n  but kernel.yama.ptrace_scope is 3, which forbids it to everyone,\n"
			"  root included, until the next boot.\n");
		break;
	}
}

void kashim_explain_unreached(const char *tool, const char *retry, const char *action,
			      pid_t pid, const char *name, int error, const char *what)
{
	if (error == EACCES || error == EPERM)
		kashim_explain_denied(tool, retry, action, pid, name, what);
	else if (error == ENOENT || error == ESRCH)
		fprintf(stderr, "%s: PID %ld: no such process\n", tool, (long)pid);
	else if (error == ENOSYS)
		fprintf(stderr, "%s: PID %ld (%s): %s: needs Linux 5.6 or later\n", tool,
			(long)pid, name, what);
	else if (error == EOPNOTSUPP) /* kashim_task_pidfd_open's (tools/readers/live_task.h) */
		fprintf(stderr, "%s: PID %ld (%s): %s: its main thread has exited, and another "
			"of its threads is reached only on Linux 6.9 or later (PIDFD_THREAD)\n",
			tool, (long)pid, name, what);
	else
		fprintf(stderr, "%s: PID %ld (%s): %s: %s\n", tool, (long)pid, name, what,
			strerror(error));
}

void kashim_process_identity(pid_t pid, struct kashim_identity *who)
{
	char path[64], argv0[256];
	ssize_t got = -1;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, argv0, sizeof argv0 - 1);
		close(fd);
	}
	/* argv[0] ends at the first NUL; one cut at 255 bytes is still its start */
	if (got >= 0)
		argv0[got] = '\0';
	snprintf(path, sizeof path, "/proc/%ld/exe", (long)pid);
	kashim_identity_from(who, path, got > 0 ? argv0 : NULL);
}

void kashim_printable(char *buf, size_t size, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < size && name[i] != '\0'; i++) {
		/* not a ?: expression: that would promote both sides to int */
		if (name[i] >= 0x20 && name[i] < 0x7f)
			buf[i] = name[i];
		else
			buf[i] = '?';
	}
	buf[i] = '\0';
}
