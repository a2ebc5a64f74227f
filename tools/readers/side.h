/*
 * The side of a running process's TCP socket, for KASHIM_SIDES and
 * KASHIM_PORTS: the library knows it from the call that made the socket
 * (listen, accept, connect); from outside it is told by the ports.
 */
#ifndef KASHIM_SIDE_H
#define KASHIM_SIDE_H

#include "sockid.h"
#include "core/config/config.h"

/* The ports a process listens on: one bit per port. */
struct kashim_listening {
	unsigned char ports[KASHIM_PORT_BYTES];
};

void kashim_listening_add(struct kashim_listening *listening, unsigned port);

/*
 * The side of TCP socket id, in a process listening on listening's ports:
 * a listener and a socket whose local port is one the process listens on
 * are on the accept side, any other connection on the connect side. *port
 * is then the port KASHIM_PORTS is matched against, as the library does:
 * the local port on the accept side, the remote (service) port on the
 * connect side. Returns KASHIM_SIDE_ACCEPT or KASHIM_SIDE_CONNECT, or 0
 * for a socket neither listening nor connected yet (TCP_CLOSE).
 */
int kashim_socket_side(const struct kashim_sockid *id,
		       const struct kashim_listening *listening, unsigned *port);

/* "accept" or "connect". */
const char *kashim_side_name(int side);

#endif
