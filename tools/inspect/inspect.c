/*
 * kashim-inspect's reading of one process: each TCP socket's addresses and
 * state from /proc/PID/net/tcp (or the socket itself), its keepalive
 * options read from the socket through pidfd_getfd, the kernel's timer,
 * and the kashim programs attached to its cgroup.
 */
#include "inspect.h"
#include "tools/cgroup/attached.h"
#include "tools/cli/exit_status.h"
#include "tools/readers/live_task.h"
#include "tools/readers/proc_fds.h"
#include "tools/readers/proc_tcp.h"
#include "tools/readers/process.h"
#include "tools/readers/sockopts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Say why a whole process, or its sockets' options, could not be read. */
static void kashim_say_unreadable(const struct kashim_inspect_process *p, int error, const char *what)
{
	char retry[64];

	snprintf(retry, sizeof retry, "kashim-inspect %ld", (long)p->pid);
	kashim_explain_unreached("kashim-inspect", retry, "Reading", p->pid, p->name, error, what);
}

/*
 * Fill row for socket fd, whose table entry is entry (NULL when the table
 * does not list it). dup is the socket duplicated into this process, or -1
 * with dup_errno. Returns 1 when the row is a TCP socket, 0 to skip it.
 */
static int kashim_fill_socket(struct kashim_inspect_socket *row,
			      const struct kashim_socket_fd *fd,
			      const struct kashim_tcp_entry *entry, int dup, int dup_errno)
{
	memset(row, 0, sizeof *row);
	row->fd = fd->fd;
	row->inode = fd->inode;
	if (entry != NULL) {
		row->id = entry->id;
		row->timer_known = 1;
		row->timer = entry->timer;
		row->timer_ticks = entry->timer_ticks;
		row->probes = entry->probes;
	} else if (dup < 0 || kashim_identify_socket(dup, &row->id) != 1) {
		/* unlisted: another namespace's socket, or not bound yet */
		return 0;
	}
	if (dup < 0)
		row->options_errno = dup_errno;
	else if (kashim_read_sockopts(dup, &row->opts) != 0)
		row->options_errno = errno;
	return 1;
}

int kashim_inspect(pid_t pid, struct kashim_inspect_process *p, int quiet)
{
	struct kashim_tcp_table table = { NULL, 0, 0 };
	struct kashim_socket_fd *fds = NULL;
	size_t nfds = 0, i;
	int pidfd, pidfd_errno, options_errno = 0;
	char what[64];

	memset(p, 0, sizeof *p);
	p->pid = pid;
	kashim_process_name(pid, p->name, sizeof p->name);
	/* a main thread that exited holds nothing: read through a thread that runs */
	p->task = kashim_live_task(pid);
	snprintf(what, sizeof what, "reading /proc/%ld/fd", (long)pid);
	errno = ESRCH; /* no thread runs: the process has exited */
	if (p->task == 0 || kashim_list_socket_fds(p->task, &fds, &nfds) != 0) {
		p->error = errno;
		if (!quiet)
			kashim_say_unreadable(p, p->error, what);
		return -1;
	}
	if (kashim_tcp_table_read(p->task, &table) != 0) {
		p->error = errno;
		snprintf(what, sizeof what, "reading /proc/%ld/net/tcp", (long)pid);
		if (!quiet)
			kashim_say_unreadable(p, p->error, what);
		free(fds);
		return -1;
	}
	pidfd = kashim_task_pidfd_open(pid, p->task);
	pidfd_errno = pidfd < 0 ? errno : 0;
	if (p->task == pid && (pidfd_errno == EINVAL || pidfd_errno == ENOENT)) {
		/* a thread's ID: /proc has it, but pidfd_open takes only a process's
		 * (newer kernels say ENOENT) */
		p->error = EINVAL;
		if (!quiet)
			fprintf(stderr, "kashim-inspect: PID %ld: not a process but one of its "
				"threads; give the process ID (Tgid in /proc/%ld/status)\n",
				(long)pid, (long)pid);
		kashim_tcp_table_free(&table);
		free(fds);
		return -1;
	}
	p->sockets = calloc(nfds > 0 ? nfds : 1, sizeof *p->sockets);
	if (p->sockets == NULL) {
		perror("kashim-inspect");
		exit(KASHIM_EXIT_INCOMPLETE);
	}
	for (i = 0; i < nfds; i++) {
		const struct kashim_tcp_entry *entry = kashim_tcp_table_find(&table, fds[i].inode);
		int dup = pidfd >= 0 ? kashim_pidfd_getfd(pidfd, fds[i].fd) : -1;
		int dup_errno = pidfd >= 0 ? errno : pidfd_errno;

		if (dup < 0 && dup_errno == EBADF)
			continue; /* closed since /proc/PID/fd was read */
		if (kashim_fill_socket(&p->sockets[p->count], &fds[i], entry, dup, dup_errno)) {
			if (p->sockets[p->count].options_errno != 0 && options_errno == 0)
				options_errno = p->sockets[p->count].options_errno;
			p->count++;
		}
		if (dup >= 0)
			close(dup);
	}
	if (pidfd >= 0)
		close(pidfd);
	p->nattached = p->count > 0 ? kashim_cgroup_attached(p->task, p->attached, 2) : 0;
	kashim_tcp_table_free(&table);
	free(fds);
	if (options_errno != 0) {
		snprintf(what, sizeof what, "duplicating its sockets (pidfd_getfd)");
		if (!quiet)
			kashim_say_unreadable(p, options_errno, what);
		return -1;
	}
	return 0;
}
