/*
 * A socket of another process, read from the socket itself: the fd is
 * duplicated into this process with pidfd_getfd (Linux 5.6+) and asked
 * with getsockopt, so the values are the kernel's, not a guess from the
 * process's environment.
 */
#ifndef KASHIM_SOCKOPTS_H
#define KASHIM_SOCKOPTS_H

#include "sockid.h"

#include <sys/types.h>

struct kashim_sockopts {
	int keepalive;    /* SO_KEEPALIVE, 0 or 1 */
	int keepidle;     /* TCP_KEEPIDLE, seconds (the sysctl's when never set) */
	int keepintvl;    /* TCP_KEEPINTVL, seconds */
	int keepcnt;      /* TCP_KEEPCNT */
	int user_timeout; /* TCP_USER_TIMEOUT, ms; 0 = not set */
};

/* pidfd_open(pid, 0). Returns the pidfd, or -1 with errno (ESRCH, ENOSYS). */
int kashim_pidfd_open(pid_t pid);

/*
 * Duplicate target_fd of the process behind pidfd. Returns the new fd
 * (close-on-exec), or -1 with errno: EPERM without ptrace permission,
 * EBADF when the process closed it meanwhile, ENOSYS before Linux 5.6.
 */
int kashim_pidfd_getfd(int pidfd, int target_fd);

/* Read the five options of fd into opts. Returns 0, or -1 with errno. */
int kashim_read_sockopts(int fd, struct kashim_sockopts *opts);

/*
 * Identify fd from the socket itself, for one that /proc/PID/net/tcp does
 * not list (made in another network namespace, or not bound yet): its
 * state is tcp_info's. Returns 1 for a TCP socket (id filled), 0 for any
 * other, or -1 with errno.
 */
int kashim_identify_socket(int fd, struct kashim_sockid *id);

#endif
