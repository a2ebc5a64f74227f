#include "side.h"

#include <netinet/tcp.h>

void kashim_listening_add(struct kashim_listening *listening, unsigned port)
{
	if (port <= KASHIM_PORT_MAX)
		listening->ports[port / 8] |= (unsigned char)(1U << (port % 8));
}

/* Does the process listen on port? */
static int kashim_listens_on(const struct kashim_listening *listening, unsigned port)
{
	return port <= KASHIM_PORT_MAX && (listening->ports[port / 8] & (1U << (port % 8))) != 0;
}

int kashim_socket_side(int state, unsigned local_port, unsigned remote_port,
		       const struct kashim_listening *listening, unsigned *port)
{
	if (state == TCP_CLOSE)
		return 0;
	if (state == TCP_LISTEN || kashim_listens_on(listening, local_port)) {
		*port = local_port;
		return KASHIM_SIDE_ACCEPT;
	}
	*port = remote_port;
	return KASHIM_SIDE_CONNECT;
}

const char *kashim_side_name(int side)
{
	return side == KASHIM_SIDE_ACCEPT ? "accept" : "connect";
}
