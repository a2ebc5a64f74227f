#include "apply.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int kashim_set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof value);
}

/*
 * Does a failed TCP-level call mean "this is not a TCP socket"? UDP, raw
 * and SCTP sockets answer ENOPROTOOPT for level IPPROTO_TCP, unix sockets
 * EOPNOTSUPP, and an MPTCP socket on a kernel without keepalive support
 * EOPNOTSUPP too, which rightly leaves it alone.
 */
static int kashim_means_not_tcp(int error)
{
	return error == ENOPROTOOPT || error == EOPNOTSUPP ||
	       error == ENOTSOCK || error == EBADF;
}

int kashim_configure(const struct kashim_config *cfg, int fd)
{
	const struct {
		int name;
		int value;
		int failed_bit;
	} timers[] = {
		{ TCP_KEEPIDLE, cfg->keepidle, KASHIM_FAILED_KEEPIDLE },
		{ TCP_KEEPINTVL, cfg->keepintvl, KASHIM_FAILED_KEEPINTVL },
		{ TCP_KEEPCNT, cfg->keepcnt, KASHIM_FAILED_KEEPCNT },
		{ TCP_USER_TIMEOUT, cfg->user_timeout, KASHIM_FAILED_USER_TIMEOUT },
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
		} else if (!known_tcp && kashim_means_not_tcp(errno)) {
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

		if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &value, &length) != 0) {
			errno = saved_errno;
			return KASHIM_NOT_TCP;
		}
	}
	if (kashim_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) != 0)
		failed |= KASHIM_FAILED_KEEPALIVE;
	errno = saved_errno;
	return failed;
}
