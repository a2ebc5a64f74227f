/*
 * The supervisor's life: the child sets no_new_privs, installs the
 * filter, sends its notification fd here over a socketpair and makes one
 * watched call, which proves the whole path (pidfd_open, pidfd_getfd,
 * reading the child's memory, SECCOMP_USER_NOTIF_FLAG_CONTINUE) before
 * COMMAND runs: a kernel or policy that lacks any of it gets one line and
 * exit 125, never an unconfigured program.
 *
 * kashim's signals stay blocked from before the fork (so none is lost
 * before it can be forwarded) and are read from a signalfd; the child
 * restores the original mask before its exec.
 */
#include "supervise.h"
#include "parent.h"
#include "serve.h"
#include "streams.h"
#include "core/log.h"
#include "tools/cli/exit_status.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>


static struct kashim_server kashim_server;

/*
 * In the child: filter, hand the notification fd over, make the
 * handshake call and wait for the go-ahead. _exits quietly on failure:
 * the parent says what went wrong.
 */
static void kashim_child_setup(int sock, int watch, pid_t parent)
{
	int notify_fd = -1, error = 0;
	char go;

	/* Without its supervisor the program's listen and connect would
	 * fail with ENOSYS: it goes when kashim goes. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(KASHIM_EXIT_FAILURE);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		error = -errno;
	else if ((notify_fd = kashim_seccomp_listen(watch)) < 0)
		error = errno;
	if (kashim_send_fd(sock, notify_fd, error) != 0 || notify_fd < 0)
		_exit(KASHIM_EXIT_FAILURE);
	close(notify_fd);
	/* Whatever this returns (EINVAL, EISCONN) does not matter. */
	if (watch & KASHIM_WATCH_LISTEN)
		(void)listen(sock, 0);
	else
		(void)connect(sock, NULL, 0);
	if (read(sock, &go, 1) != 1)
		_exit(KASHIM_EXIT_FAILURE);
	close(sock);
}

/*
 * In the parent: receive the notification fd and serve the handshake
 * call. Returns 0, or -1 with errno and *what naming what failed.
 */
static int kashim_handshake(int sock, pid_t child, const char **what)
{
	struct kashim_notif n;
	struct pollfd fds[2];
	int error = 0;

	*what = "seccomp";
	kashim_server.notify_fd = kashim_recv_fd(sock, &error);
	if (kashim_server.notify_fd < 0) {
		if (error < 0)
			*what = "prctl(PR_SET_NO_NEW_PRIVS)";
		errno = error < 0 ? -error : error != 0 ? error : ECHILD;
		return -1;
	}
	kashim_notif_wake_on_same_cpu(kashim_server.notify_fd);
	/* The socket turns readable only if the child dies first. */
	fds[0].fd = kashim_server.notify_fd;
	fds[0].events = POLLIN;
	fds[1].fd = sock;
	fds[1].events = POLLIN;
	*what = "the handshake";
	if (poll(fds, 2, -1) < 0)
		return -1;
	errno = ECHILD;
	if (!(fds[0].revents & POLLIN))
		return -1;
	*what = "SECCOMP_IOCTL_NOTIF_RECV";
	if (kashim_notif_recv(kashim_server.notify_fd, &n) != 0)
		return -1;
	if (n.pid != (uint32_t)child) {
		*what = "the handshake";
		errno = ESRCH;
		return -1;
	}
	if (kashim_server_probe(&n, what) != 0)
		return -1;
	*what = "SECCOMP_USER_NOTIF_FLAG_CONTINUE";
	if (kashim_notif_continue(kashim_server.notify_fd, n.id) != 0)
		return -1;
	*what = "the handshake";
	return write(sock, "", 1) == 1 ? 0 : -1;
}

/* Read pending signals; returns 1 with *status when the child ended. */
static int kashim_on_signals(int signal_fd, pid_t child, int *status)
{
	struct signalfd_siginfo info[16];
	ssize_t got = read(signal_fd, info, sizeof info);
	size_t i, count = got > 0 ? (size_t)got / sizeof info[0] : 0;
	int ended = 0;

	for (i = 0; i < count; i++) {
		if (info[i].ssi_signo == SIGCHLD)
			ended |= kashim_parent_child_changed(child, status);
		else if (kashim_parent_forwarded(&info[i]))
			kill(child, (int)info[i].ssi_signo);
	}
	return ended;
}

/*
 * COMMAND has ended but its descendants (a daemon it forked) still run
 * under the filter: without a supervisor their listen and connect would
 * fail with ENOSYS. A detached copy of kashim serves them until the last
 * is gone (the notification fd then reports POLLHUP), while this one
 * reports COMMAND's status as usual.
 */
static void kashim_stay_in_background(int signal_fd)
{
	struct pollfd fd = { kashim_server.notify_fd, POLLIN, 0 };
	sigset_t none;
	pid_t pid;
	int null;

	if (poll(&fd, 1, 0) < 0 || (fd.revents & POLLHUP))
		return;
	pid = fork();
	if (pid != 0) {
		if (pid < 0)
			kashim_log("cannot stay to serve COMMAND's descendants: fork: %s; their "
				   "listen and connect now fail", strerror(errno));
		return;
	}
	if (kashim_server.cfg.debug)
		kashim_log("COMMAND has exited; serving its descendants until they exit");
	/* Like a daemon, hold no terminal and none of the caller's pipes (a
	 * shell's $(kashim ...) waits for their end): later lines are lost. */
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	close(signal_fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		if (poll(&fd, 1, -1) < 0 && errno != EINTR)
			_exit(0);
		if (fd.revents & POLLIN) {
			if (kashim_serve_one(&kashim_server) != 0)
				_exit(0);
		} else if (fd.revents & (POLLHUP | POLLERR)) {
			_exit(0);
		}
	}
}

/* Serve and forward until the child ends, then exit as it did. */
__attribute__((noreturn))
static void kashim_run(pid_t child)
{
	struct pollfd fds[2];
	sigset_t all;
	int status = 0;

	sigfillset(&all);
	fds[0].fd = kashim_server.notify_fd;
	fds[0].events = POLLIN;
	fds[1].fd = signalfd(-1, &all, SFD_CLOEXEC);
	fds[1].events = POLLIN;
	if (fds[1].fd < 0) {
		kashim_log("cannot read signals: signalfd: %s", strerror(errno));
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		exit(KASHIM_EXIT_FAILURE);
	}
	for (;;) {
		/* every signal is blocked: only a passing ENOMEM can fail it */
		if (poll(fds, 2, -1) < 0)
			continue;
		if ((fds[1].revents & POLLIN) && kashim_on_signals(fds[1].fd, child, &status))
			break;
		if ((fds[0].revents & POLLIN) && kashim_serve_one(&kashim_server) != 0) {
			kashim_log("seccomp notification: %s; no more sockets are configured",
				   strerror(errno));
			fds[0].fd = -1;
		} else if (fds[0].revents & (POLLHUP | POLLERR)) {
			fds[0].fd = -1;
		}
	}
	kashim_streams_program_gone();
	if (fds[0].fd >= 0)
		kashim_stay_in_background(fds[1].fd);
	kashim_parent_exit_like(status);
}

void kashim_supervise(char *const *argv, const struct kashim_launch *launch)
{
	char why[160];
	const char *what;
	sigset_t all, saved;
	pid_t parent = getpid(), child = -1;
	int sock[2], watch = kashim_server_init(&kashim_server, argv[0]);

	if (watch == 0)
		return; /* keepalive off: nothing to supervise */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &saved);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) != 0 ||
	    (child = fork()) < 0) {
		fprintf(stderr, "kashim: cannot start '%s': %s\n", argv[0], strerror(errno));
		exit(KASHIM_EXIT_FAILURE);
	}
	if (child == 0) {
		close(sock[0]);
		kashim_child_setup(sock[1], watch, parent);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return;
	}
	close(sock[1]);
	if (kashim_handshake(sock[0], child, &what) == 0) {
		close(sock[0]);
		kashim_streams_let_go(child, kashim_server.cfg.debug);
		kashim_run(child);
	}
	snprintf(why, sizeof why, "%s failed (%s)%s", what, strerror(errno),
		 errno == ENOSYS || errno == EINVAL ? "; it needs Linux 5.9 or later" : "");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(sock[0]);
	if (kashim_server.notify_fd >= 0)
		close(kashim_server.notify_fd);
	kashim_cannot_supervise(launch, argv[0], why);
	sigprocmask(SIG_SETMASK, &saved, NULL);
}
