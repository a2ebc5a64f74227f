/*
 * The supervisor's work for one notification: a program's listen or
 * connect, held by the kernel until kashim answers. The socket is taken
 * with pidfd_getfd and configured by the library's own code, under the
 * library's configuration and scope rules, then the call proceeds.
 */
#ifndef KASHIM_SERVE_H
#define KASHIM_SERVE_H

#include "core/config/config.h"
#include "socket_set.h"
#include "seccomp_notify.h"

struct kashim_server {
	struct kashim_config cfg; /* its programs judge each caller */
	int notify_fd;
	struct kashim_socket_set seen;
	int warned;            /* a socket could not be reached: said once */
	pid_t cached_pid;      /* 0, or the thread cached_pidfd reaches */
	int cached_pidfd;
};

/*
 * Load the configuration from the environment over /etc/kashim.conf as
 * the library does (warning about bad values the same way); the file's
 * [program] sections are matched against command, the program started.
 * Returns the KASHIM_WATCH_* calls the filter must hand over: 0 when
 * nothing is to be configured.
 */
int kashim_server_init(struct kashim_server *server, const char *command);

/*
 * The handshake's checks, on the child's first notification n: that the
 * supervisor can take a socket from it (pidfd_open, pidfd_getfd) and read
 * its memory. Returns 0, or -1 with *what naming the call that failed and
 * errno set.
 */
int kashim_server_probe(const struct kashim_notif *n, const char **what);

/*
 * Receive one notification, deal with it and let the call proceed.
 * Returns 0, or -1 with errno when the notification fd itself fails.
 */
int kashim_serve_one(struct kashim_server *server);

#endif
