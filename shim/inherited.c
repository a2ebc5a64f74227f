#include "inherited.h"
#include "core/report.h"
#include "core/scope.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

/* systemd's SD_LISTEN_FDS_START. */
#define KASHIM_LISTEN_FDS_START 3
/* Past any real LISTEN_FDS: a bogus one must not cost a call per fd. */
#define KASHIM_LISTEN_FDS_MAX 1024

/* A decimal number of at most 9 digits and nothing else, or -1. */
static long kashim_small_number(const char *text)
{
	long value = 0;
	int digits = 0;

	if (text == NULL)
		return -1;
	for (; *text >= '0' && *text <= '9' && digits < 10; text++, digits++)
		value = value * 10 + (*text - '0');
	return digits == 0 || digits > 9 || *text != '\0' ? -1 : value;
}

/*
 * Is fd a connected TCP socket? TCP_INFO's first byte is the state; any
 * other descriptor (a tty, a pipe, a file, a unix or UDP socket, a
 * listener) fails or answers another state. One call.
 */
static int kashim_connected_tcp(int fd)
{
	unsigned char state = 0;
	socklen_t length = sizeof state;

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &state, &length) != 0 || length < 1)
		return 0;
	return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;
}

/* Returns whether fd was a connected TCP socket (configured or not). */
static int kashim_configure_if_connected(const struct kashim_config *cfg, int fd)
{
	int result;

	if (!kashim_connected_tcp(fd))
		return 0;
	result = kashim_configure_scoped(cfg, fd, KASHIM_PORT_LOCAL);
	if (cfg->debug)
		kashim_report_socket(cfg, "inherited", fd, NULL, 0, result);
	return 1;
}

int kashim_configure_inherited(const struct kashim_config *cfg, const char *listen_fds,
			       const char *listen_pid)
{
	int saved_errno = errno, found = 0;
	long count = kashim_small_number(listen_fds), pid;
	int fd;

	/* inetd hands the connection over on stdin, and stdout and stderr
	 * with it: only then are they worth a call each, on every exec. */
	if (kashim_configure_if_connected(cfg, STDIN_FILENO)) {
		found = 1;
		kashim_configure_if_connected(cfg, STDOUT_FILENO);
		kashim_configure_if_connected(cfg, STDERR_FILENO);
	}
	/* sd_listen_fds: the fds are this process's only when LISTEN_PID says so. */
	if (count > 0) {
		pid = kashim_small_number(listen_pid);
		if (pid <= 0 || pid != (long)getpid())
			count = 0;
	}
	if (count > KASHIM_LISTEN_FDS_MAX)
		count = KASHIM_LISTEN_FDS_MAX;
	for (fd = KASHIM_LISTEN_FDS_START; fd < KASHIM_LISTEN_FDS_START + count; fd++)
		found |= kashim_configure_if_connected(cfg, fd);
	errno = saved_errno;
	return found;
}
