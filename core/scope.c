#include "scope.h"
#include "apply.h"
#include "sockaddr.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int kashim_local_port(int fd)
{
	struct sockaddr_storage local = { 0 };
	socklen_t length = sizeof local;
	int saved_errno = errno;
	int port = -1;

	if (getsockname(fd, (struct sockaddr *)&local, &length) == 0)
		port = kashim_sockaddr_port((struct sockaddr *)&local, length);
	errno = saved_errno;
	return port < 0 ? KASHIM_PORT_NONE : port;
}

/* Has the program turned SO_KEEPALIVE on for fd itself? */
static int kashim_keepalive_already_on(int fd)
{
	int value = 0, saved_errno = errno;
	socklen_t length = sizeof value;

	if (getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, &length) != 0)
		value = 0;
	errno = saved_errno;
	return value != 0;
}

/* fd's TCP-level option name, or KASHIM_UNSET when it cannot be read. */
static int kashim_tcp_option(int fd, int name)
{
	int value = 0;
	socklen_t length = sizeof value;

	return getsockopt(fd, IPPROTO_TCP, name, &value, &length) == 0 ? value : KASHIM_UNSET;
}

/*
 * The value kashim leaves configured in *value: KASHIM_UNSET when fd's
 * current timer differs from the system's default, the program having set
 * it. Returns the timer fd will have: the program's, or kashim's, or the
 * system's.
 */
static int kashim_keep_own(int *value, int current, int system)
{
	if (current == KASHIM_UNSET)
		current = system;
	else if (current != system)
		*value = KASHIM_UNSET;
	return *value != KASHIM_UNSET ? *value : current;
}

/*
 * KASHIM_POLICY=respect, value by value: each timer the program set (one
 * that differs from the system's default) stays, kashim sets the others
 * and turns keepalive on. A value set equal to the default cannot be told
 * from none. With KASHIM_USER_TIMEOUT=auto the user timeout follows the
 * timers the socket ends with; one the program set stays. Returns
 * KASHIM_SKIPPED_RESPECT, having changed nothing, when keepalive is on
 * and every value kashim sets is the program's already; otherwise
 * kashim_configure_timers'. Keeps errno.
 */
static int kashim_configure_respecting(const struct kashim_config *cfg, int fd)
{
	struct kashim_timers values = { cfg->keepidle, cfg->keepintvl, cfg->keepcnt,
					cfg->user_timeout };
	int saved_errno = errno, idle, intvl, cnt, user_timeout;
	long long seconds;

	idle = kashim_tcp_option(fd, TCP_KEEPIDLE);
	if (idle == KASHIM_UNSET) {
		/* not TCP, or MPTCP refusing the timers: kashim_configure_timers tells */
		errno = saved_errno;
		return kashim_configure_timers(&values, fd);
	}
	idle = kashim_keep_own(&values.keepidle, idle, cfg->system.keepidle);
	intvl = kashim_keep_own(&values.keepintvl, kashim_tcp_option(fd, TCP_KEEPINTVL),
				cfg->system.keepintvl);
	cnt = kashim_keep_own(&values.keepcnt, kashim_tcp_option(fd, TCP_KEEPCNT),
			      cfg->system.keepcnt);
	user_timeout = kashim_tcp_option(fd, TCP_USER_TIMEOUT);
	if (user_timeout != KASHIM_UNSET && user_timeout != 0) {
		values.user_timeout = KASHIM_UNSET;
	} else if (cfg->auto_user_timeout) {
		seconds = (long long)idle + (long long)intvl * cnt;
		values.user_timeout = seconds > KASHIM_USER_TIMEOUT_MAX / 1000
					      ? (int)KASHIM_USER_TIMEOUT_MAX
					      : (int)(seconds * 1000);
	}
	errno = saved_errno;
	if (values.keepidle == KASHIM_UNSET && values.keepintvl == KASHIM_UNSET &&
	    values.keepcnt == KASHIM_UNSET && values.user_timeout == KASHIM_UNSET &&
	    kashim_keepalive_already_on(fd))
		return KASHIM_SKIPPED_RESPECT;
	return kashim_configure_timers(&values, fd);
}

int kashim_configure_scoped(const struct kashim_config *cfg, int fd, int port)
{
	if (!cfg->every_port) {
		if (port == KASHIM_PORT_LOCAL)
			port = kashim_local_port(fd);
		if (port == KASHIM_PORT_NONE)
			return KASHIM_NOT_TCP;
		if (!kashim_port_selected(cfg, (unsigned)port))
			return KASHIM_SKIPPED_PORT;
	}
	if (cfg->policy == KASHIM_POLICY_RESPECT)
		return kashim_configure_respecting(cfg, fd);
	return kashim_configure(cfg, fd);
}
