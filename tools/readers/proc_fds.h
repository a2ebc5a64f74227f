/* A process's socket file descriptors and name, read from /proc/PID. */
#ifndef KASHIM_PROC_FDS_H
#define KASHIM_PROC_FDS_H

#include <stddef.h>
#include <sys/types.h>

struct kashim_socket_fd {
	int fd;
	unsigned long inode; /* the N of the fd's "socket:[N]" link */
};

/*
 * The socket fds of process pid, sorted by fd, in a malloc'd array the
 * caller frees. Returns 0, or -1 with errno: ENOENT when there is no such
 * process, EACCES when the caller may not look (it needs ptrace read
 * permission over pid). An fd closed while the list is read is skipped.
 */
int kashim_list_socket_fds(pid_t pid, struct kashim_socket_fd **fds, size_t *count);

/* The process's name from /proc/PID/comm into name; "?" if unreadable. */
void kashim_process_name(pid_t pid, char *name, size_t size);

#endif
