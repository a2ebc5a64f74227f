/*
 * One notification at a time. Everything read about the caller (its
 * memory, its name, its socket) is read by PID, and a PID can be reused
 * once its task is gone, so the notification is checked to be still
 * pending (SECCOMP_IOCTL_NOTIF_ID_VALID) after the reads and before the
 * socket is touched: a pending call's task cannot have gone.
 */
#include "serve.h"
#include "tools/readers/process.h"
#include "tools/readers/sockopts.h"
#include "core/apply.h"
#include "core/config/conffile.h"
#include "core/log.h"
#include "core/report.h"
#include "core/scope.h"
#include "core/sockaddr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* A line about /etc/kashim.conf or a value in it. */
static void kashim_warn_file(const char *message)
{
	kashim_log("%s", message);
}

/* A bad value, with what is kept instead, or a note. */
static void kashim_warn_value(enum kashim_var var, int result, const char *message)
{
	kashim_say_value(var, result, message, kashim_warn_file);
}

int kashim_server_init(struct kashim_server *server, const char *command)
{
	char described[400];
	static struct kashim_conffile file;
	struct kashim_identity who;
	int watch = 0;

	memset(server, 0, sizeof *server);
	server->notify_fd = -1;
	kashim_identity_from(&who, command, command);
	kashim_conffile_read(&file, kashim_conf_path, &who, kashim_warn_file);
	/* Warned as the library would warn command; each caller is judged apart. */
	kashim_config_load_layered(&server->cfg, &file, kashim_getenv, kashim_warn_value, &who,
				   NULL);
	if (!server->cfg.enabled)
		return 0;
	if (server->cfg.sides & KASHIM_SIDE_ACCEPT)
		watch |= KASHIM_WATCH_LISTEN;
	if (server->cfg.sides & KASHIM_SIDE_CONNECT)
		watch |= KASHIM_WATCH_CONNECT;
	if (server->cfg.debug) {
		kashim_describe_config(&server->cfg, described, sizeof described);
		kashim_log("supervising through seccomp: keepalive on%s%s%s", described,
			   server->cfg.programs != NULL ? " programs=" : "",
			   server->cfg.programs != NULL ? server->cfg.programs : "");
	}
	return watch;
}

/*
 * A pidfd through which the caller, thread tid, is reached. Since Linux
 * 6.9 the thread's own (PIDFD_THREAD): pidfd_getfd then takes its
 * descriptors from the caller itself, which still works once the
 * process's first thread has ended (main calling pthread_exit while
 * other threads go on). Before, its process's: pidfd_open takes only a
 * thread group's leader (EINVAL for another thread), and any other
 * thread's process is looked up in /proc. *own tells whether the pidfd
 * names the caller itself (its thread, or the process it leads).
 */
static int kashim_open_process(pid_t tid, int *own)
{
	char path[64], status[1024], *tgid;
	ssize_t got;
	int fd = kashim_pidfd_open_thread(tid);

	if (fd >= 0 || errno != EINVAL) {
		*own = fd >= 0;
		return fd;
	}
	fd = kashim_pidfd_open(tid);
	*own = fd >= 0;
	if (fd >= 0 || (errno != EINVAL && errno != ENOENT))
		return fd;
	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, status, sizeof status - 1);
	close(fd);
	status[got > 0 ? got : 0] = '\0';
	tgid = strstr(status, "\nTgid:");
	if (tgid == NULL) {
		errno = ESRCH;
		return -1;
	}
	return kashim_pidfd_open((pid_t)strtol(tgid + 6, NULL, 10));
}

/* Copy length bytes at address in process pid. Returns the count copied. */
static size_t kashim_read_memory(pid_t pid, uint64_t address, void *buf, size_t length)
{
	struct iovec local = { buf, length };
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address over there */
	struct iovec remote = { (void *)(uintptr_t)address, length };
	ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	return got > 0 ? (size_t)got : 0;
}

/*
 * A connect's remote port, read from the caller's memory, or
 * KASHIM_PORT_NONE when the address is not IPv4/IPv6 or not readable
 * (the kernel then fails the call as it would have anyway). Like the
 * library, only the family and the port need to be there.
 */
static int kashim_read_peer(const struct kashim_notif *n, struct sockaddr_storage *peer,
			    socklen_t *length)
{
	uint64_t wanted = n->data.args[2];
	int port;

	if (wanted > sizeof *peer)
		wanted = sizeof *peer;
	memset(peer, 0, sizeof *peer);
	*length = (socklen_t)kashim_read_memory((pid_t)n->pid, n->data.args[1], peer,
						(size_t)wanted);
	port = kashim_sockaddr_port((const struct sockaddr *)peer, *length);
	return port < 0 ? KASHIM_PORT_NONE : port;
}

/* Does KASHIM_PROGRAMS select the process of thread tid? */
static int kashim_selects(const struct kashim_server *server, pid_t tid)
{
	struct kashim_identity who;

	if (server->cfg.programs == NULL)
		return 1;
	kashim_process_identity(tid, &who);
	return kashim_programs_select(server->cfg.programs, &who);
}

/* Say once that a caller's socket could not be reached: what failed, why. */
static void kashim_unreachable(struct kashim_server *server, pid_t pid, const char *what,
			       const char *why)
{
	if (server->warned && !server->cfg.debug)
		return;
	server->warned = 1;
	kashim_log("cannot reach the sockets of pid %d (%s: %s): its connections go "
		   "without keepalive", (int)pid, what, why);
}

/*
 * Before Linux 6.9, a thread's socket is taken through its process's
 * first thread, and once that one has ended (pthread_exit in main) its
 * descriptors are gone (EBADF, or ESRCH as the process is exiting)
 * while the caller's are not: that is said, since all such a program's
 * connections then go unconfigured. Is target_fd open in thread tid?
 */
static int kashim_open_in_thread(pid_t tid, int target_fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)tid, target_fd);
	return stat(path, &st) == 0;
}

/*
 * The caller's socket args[0], duplicated here, or -1. The last pidfd
 * that names a caller itself (its thread, or the process it leads) is
 * kept, which saves a call each time that thread calls again: a pidfd
 * names one thread or process for good, and while it lives its number
 * cannot name another; once it is gone the pidfd answers ESRCH and a
 * fresh one is opened. A process's pidfd opened for another of its
 * threads is never cached: that thread can end, and its number go to
 * another process, while the process lives.
 */
static int kashim_take_socket(struct kashim_server *server, const struct kashim_notif *n)
{
	const pid_t pid = (pid_t)n->pid;
	const int target_fd = (int)n->data.args[0];
	int pidfd, fd, own;

	if (server->cached_pid == pid) {
		fd = kashim_pidfd_getfd(server->cached_pidfd, target_fd);
		if (fd >= 0 || errno != ESRCH)
			return fd;
	}
	if (server->cached_pid != 0) {
		close(server->cached_pidfd);
		server->cached_pid = 0;
	}
	pidfd = kashim_open_process(pid, &own);
	if (pidfd < 0) {
		if (errno != ESRCH)
			kashim_unreachable(server, pid, "pidfd_open", strerror(errno));
		return -1;
	}
	fd = kashim_pidfd_getfd(pidfd, target_fd);
	if (fd < 0 && (errno == EBADF || errno == ESRCH) && !own &&
	    kashim_open_in_thread(pid, target_fd))
		kashim_unreachable(server, pid, "pidfd_getfd", "its first thread has ended, and "
				   "before Linux 6.9 (PIDFD_THREAD) no other thread can be reached");
	else if (fd < 0 && errno != EBADF && errno != ESRCH)
		kashim_unreachable(server, pid, "pidfd_getfd", strerror(errno));
	if (own) {
		server->cached_pid = pid;
		server->cached_pidfd = pidfd;
	} else {
		close(pidfd);
	}
	return fd;
}

/* Configure the socket of call n, unless it is not to be touched. */
static void kashim_handle(struct kashim_server *server, const struct kashim_notif *n)
{
	const int call = kashim_notif_call(n);
	const char *name = call == KASHIM_WATCH_LISTEN ? "listen" : "connect";
	const int target_fd = (int)n->data.args[0];
	struct sockaddr_storage peer;
	socklen_t peer_length = 0;
	struct stat st;
	int port = KASHIM_PORT_LOCAL, fd, result;

	if (call == 0)
		return;
	if (call == KASHIM_WATCH_CONNECT) {
		port = kashim_read_peer(n, &peer, &peer_length);
		if (port == KASHIM_PORT_NONE)
			return;
	}
	if (!kashim_selects(server, (pid_t)n->pid))
		return;
	fd = kashim_take_socket(server, n);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) ||
	    !kashim_notif_valid(server->notify_fd, n->id)) {
		close(fd);
		return;
	}
	if (kashim_socket_set_has(&server->seen, st.st_ino)) {
		if (server->cfg.debug && kashim_local_port(fd) != KASHIM_PORT_NONE)
			kashim_log("pid %u: %s fd=%d configured at an earlier call: left as "
				   "the program set it", n->pid, name, target_fd);
		close(fd);
		return;
	}
	result = kashim_configure_scoped(&server->cfg, fd, port);
	if (result != KASHIM_NOT_TCP)
		kashim_socket_set_add(&server->seen, st.st_ino, (pid_t)n->pid);
	if (server->cfg.debug) {
		char who[32];

		kashim_format(who, sizeof who, "pid %u: ", n->pid);
		kashim_report_socket_from(&server->cfg, who, name, target_fd, fd,
					  call == KASHIM_WATCH_CONNECT ? (struct sockaddr *)&peer
								       : NULL,
					  peer_length, result);
	}
	close(fd);
}

int kashim_server_probe(const struct kashim_notif *n, const char **what)
{
	char byte;
	int pidfd, fd, own;

	*what = "pidfd_open";
	pidfd = kashim_open_process((pid_t)n->pid, &own);
	if (pidfd < 0)
		return -1;
	*what = "pidfd_getfd";
	fd = kashim_pidfd_getfd(pidfd, (int)n->data.args[0]);
	close(pidfd);
	if (fd < 0)
		return -1;
	close(fd);
	/* the code being run is always there to read */
	*what = "process_vm_readv";
	errno = EFAULT;
	return kashim_read_memory((pid_t)n->pid, n->data.instruction_pointer, &byte, 1) == 1
	       ? 0 : -1;
}

int kashim_serve_one(struct kashim_server *server)
{
	struct kashim_notif n;

	if (kashim_notif_recv(server->notify_fd, &n) != 0)
		/* ENOENT: the caller was interrupted or died before we looked */
		return errno == ENOENT || errno == EINTR ? 0 : -1;
	kashim_handle(server, &n);
	if (kashim_notif_continue(server->notify_fd, n.id) != 0 && errno != ENOENT)
		return -1;
	return 0;
}
