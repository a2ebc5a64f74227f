/*
 * Which sockets kashim configures: KASHIM_PORTS and KASHIM_POLICY applied
 * to one socket, around apply.c's kashim_configure.
 */
#ifndef KASHIM_SCOPE_H
#define KASHIM_SCOPE_H

#include "apply.h"
#include "core/config/config.h"

/* Ports that are not ports (a real one is 0-65535); not outcomes. */
/* kashim_configure_scoped's port: look the socket's local port up. */
#define KASHIM_PORT_LOCAL (-1)
/* kashim_local_port's answer for a socket that is not IPv4 or IPv6. */
#define KASHIM_PORT_NONE (-2)

/*
 * The local port of fd (getsockname): 0 while it is unbound,
 * KASHIM_PORT_NONE when it is not an IPv4/IPv6 socket. Keeps errno.
 */
int kashim_local_port(int fd);

/*
 * kashim_configure(cfg, fd), unless cfg's scope leaves fd alone; under
 * KASHIM_POLICY=respect, without the timers the program set itself. port
 * is the service port when the caller knows it (a connect's remote port),
 * KASHIM_PORT_LOCAL to read the local port, or KASHIM_PORT_NONE. Returns
 * kashim_configure's result or a KASHIM_SKIPPED_*, having changed nothing.
 * The extra calls are paid only by the features that need them: a
 * getsockname with KASHIM_PORTS and KASHIM_PORT_LOCAL, five getsockopts
 * (the four timers and SO_KEEPALIVE) with KASHIM_POLICY=respect. Keeps
 * errno; no allocation.
 */
int kashim_configure_scoped(const struct kashim_config *cfg, int fd, int port);

#endif
