#include "side.h"
#include "core/config/port_bits.h"

#include <netinet/tcp.h>

void kashim_listening_add(struct kashim_listening *listening, unsigned port)
{
	kashim_port_bit_set(listening->ports, port);
}

int kashim_socket_side(const struct kashim_sockid *id,
		       const struct kashim_listening *listening, unsigned *port)
{
	if (id->state == TCP_CLOSE)
		return 0;
	if (id->state == TCP_LISTEN || kashim_port_bit_test(listening->ports, id->local_port)) {
		*port = id->local_port;
		return KASHIM_SIDE_ACCEPT;
	}
	*port = id->remote_port;
	return KASHIM_SIDE_CONNECT;
}

const char *kashim_side_name(int side)
{
	return side == KASHIM_SIDE_ACCEPT ? "accept" : "connect";
}
