#include "apply.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262 /* Linux 5.6; older C libraries lack the name */
#endif

static int kashim_set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof value);
}

/*
 * Is fd an MPTCP socket? Asked only after a TCP-level call failed: MPTCP
 * refuses some TCP options (TCP_USER_TIMEOUT on 6.x kernels, the keepalive
 * timers before 6.2) with ENOPROTOOPT or EOPNOTSUPP, the answers UDP and
 * unix sockets give, yet accepts the rest.
 */
static int kashim_is_mptcp(int fd)
{
	int protocol = 0;
	socklen_t length = sizeof protocol;

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &length) == 0 &&
	       protocol == IPPROTO_MPTCP;
}

/*
 * Does a TCP-level call that failed with error still leave fd a TCP (or
 * MPTCP) socket? UDP, raw and SCTP sockets answer ENOPROTOOPT for level
 * IPPROTO_TCP, unix sockets EOPNOTSUPP, and so may MPTCP: only then is
 * the protocol asked. Anything else (EINVAL, ...) is TCP refusing a value.
 */
static int kashim_tcp_despite(int fd, int error)
{
	if (error == ENOPROTOOPT || error == EOPNOTSUPP)
		return kashim_is_mptcp(fd);
	return error != ENOTSOCK && error != EBADF;
}

int kashim_is_tcp(int fd)
{
	int value, saved_errno = errno, tcp;
	socklen_t length = sizeof value;

	tcp = getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &value, &length) == 0 ||
	      kashim_tcp_despite(fd, errno);
	errno = saved_errno;
	return tcp;
}

int kashim_configure(const struct kashim_config *cfg, int fd)
{
	const struct kashim_timers values = { cfg->keepidle, cfg->keepintvl, cfg->keepcnt,
					      cfg->user_timeout };

	return kashim_configure_timers(&values, fd);
}

int kashim_configure_timers(const struct kashim_timers *values, int fd)
{
	const struct {
		int name;
		int value;
		int failed_bit;
	} timers[] = {
		{ TCP_KEEPIDLE, values->keepidle, KASHIM_FAILED_KEEPIDLE },
		{ TCP_KEEPINTVL, values->keepintvl, KASHIM_FAILED_KEEPINTVL },
		{ TCP_KEEPCNT, values->keepcnt, KASHIM_FAILED_KEEPCNT },
		{ TCP_USER_TIMEOUT, values->user_timeout, KASHIM_FAILED_USER_TIMEOUT },
	};
	int saved_errno = errno;
	int known_tcp = 0;
	int failed = 0;
	size_t i;

	for (i = 0; i < sizeof timers / sizeof timers[0]; i++) {
		if (timers[i].value == KASHIM_UNSET)
			continue;
		if (kashim_set_int(fd, IPPROTO_TCP, timers[i].name, timers[i].value) == 0) {
			known_tcp = 1;
		} else if (!known_tcp && !kashim_tcp_despite(fd, errno)) {
			errno = saved_errno;
			return KASHIM_NOT_TCP;
		} else {
			known_tcp = 1;
			failed |= timers[i].failed_bit;
		}
	}
	if (!known_tcp) {
		/* No timer configured: ask a TCP-level question instead. */
		int value;
		socklen_t length = sizeof value;

		if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &value, &length) != 0 &&
		    !kashim_tcp_despite(fd, errno)) {
			errno = saved_errno;
			return KASHIM_NOT_TCP;
		}
	}
	if (kashim_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) != 0)
		failed |= KASHIM_FAILED_KEEPALIVE;
	errno = saved_errno;
	return failed;
}
