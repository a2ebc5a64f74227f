#include "scope.h"
#include "apply.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

int kashim_local_port(int fd)
{
	struct sockaddr_storage local = { 0 };
	socklen_t length = sizeof local;
	int saved_errno = errno;
	int port = KASHIM_PORT_NONE;

	if (getsockname(fd, (struct sockaddr *)&local, &length) == 0) {
		if (local.ss_family == AF_INET && length >= sizeof(struct sockaddr_in))
			port = ntohs(((struct sockaddr_in *)&local)->sin_port);
		else if (local.ss_family == AF_INET6 && length >= sizeof(struct sockaddr_in6))
			port = ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
	}
	errno = saved_errno;
	return port;
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
	if (cfg->policy == KASHIM_POLICY_RESPECT && kashim_keepalive_already_on(fd))
		return KASHIM_SKIPPED_RESPECT;
	return kashim_configure(cfg, fd);
}
