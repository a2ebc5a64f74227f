/*
 * pidfd_open and pidfd_getfd through syscall(2): glibc only gained
 * wrappers in 2.36 and musl has none, and the tool must build with both.
 */
#include "sockopts.h"
#include "core/sockaddr.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The same numbers on every architecture but alpha since Linux 5.1. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int kashim_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0U);
}

int kashim_pidfd_getfd(int pidfd, int target_fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, target_fd, 0U);
}

static int kashim_get_int(int fd, int level, int name, int *value)
{
	socklen_t length = sizeof *value;

	return getsockopt(fd, level, name, value, &length);
}

int kashim_read_sockopts(int fd, struct kashim_sockopts *opts)
{
	if (kashim_get_int(fd, SOL_SOCKET, SO_KEEPALIVE, &opts->keepalive) != 0 ||
	    kashim_get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, &opts->keepidle) != 0 ||
	    kashim_get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, &opts->keepintvl) != 0 ||
	    kashim_get_int(fd, IPPROTO_TCP, TCP_KEEPCNT, &opts->keepcnt) != 0 ||
	    kashim_get_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &opts->user_timeout) != 0)
		return -1;
	opts->keepalive = opts->keepalive != 0;
	return 0;
}

/* Copy a sockaddr's address and port into addr/port; zeros when absent. */
static void kashim_take_address(const struct sockaddr_storage *ss, socklen_t length,
				struct in6_addr *addr, unsigned *port)
{
	int number = kashim_sockaddr_port((const struct sockaddr *)ss, length);

	memset(addr, 0, sizeof *addr);
	*port = number < 0 ? 0 : (unsigned)number;
	if (ss->ss_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		memcpy(addr->s6_addr, &in->sin_addr, sizeof in->sin_addr);
	} else if (ss->ss_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
		*addr = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
}

int kashim_identify_socket(int fd, struct kashim_sockid *id)
{
	struct sockaddr_storage ss;
	struct tcp_info info;
	socklen_t length;
	int domain, protocol;

	memset(id, 0, sizeof *id);
	if (kashim_get_int(fd, SOL_SOCKET, SO_DOMAIN, &domain) != 0 ||
	    kashim_get_int(fd, SOL_SOCKET, SO_PROTOCOL, &protocol) != 0)
		return -1;
	if ((domain != AF_INET && domain != AF_INET6) || protocol != IPPROTO_TCP)
		return 0;
	id->family = domain;
	length = sizeof info;
	memset(&info, 0, sizeof info);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) == 0)
		id->state = info.tcpi_state;
	length = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &length) == 0)
		kashim_take_address(&ss, length, &id->local, &id->local_port);
	length = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &length) == 0)
		kashim_take_address(&ss, length, &id->remote, &id->remote_port);
	return 1;
}
