/*
 * Connected TCP sockets a program is handed when it starts: inetd and
 * xinetd (nowait) pass one on the standard descriptors from stdin on
 * (systemd's StandardInput=socket too), systemd
 * (Accept=yes, systemd-socket-activate --accept) on fds 3 onwards as
 * LISTEN_FDS counts them, and ncat --exec and socat EXEC can pass one on
 * 0 and 1. Such a program never calls listen, accept or connect, so
 * kashim configures these sockets once, at load, as the accept side.
 */
#ifndef KASHIM_INHERITED_H
#define KASHIM_INHERITED_H

#include "core/config/config.h"

/*
 * Configure, under cfg's scope (KASHIM_PORTS matched against the local
 * port, KASHIM_POLICY as for any socket), each connected TCP socket on
 * fd 0 (and then on fds 1 and 2) and, when listen_pid names this process
 * as sd_listen_fds(3) requires, on fds 3 to 3 + listen_fds - 1. listen_fds and listen_pid are
 * the environment's LISTEN_FDS and LISTEN_PID, or NULL. Logs each socket
 * with cfg->debug. Returns whether any of them was a connected TCP
 * socket. Costs one getsockopt per descriptor looked at; keeps errno; no
 * allocation.
 */
int kashim_configure_inherited(const struct kashim_config *cfg, const char *listen_fds,
			       const char *listen_pid);

#endif
