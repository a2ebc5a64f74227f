#include "side.h"
#include "core/port_bits.h"

#include <netinet/tcp.h>

void kashim_listening_add(struct kashim_listening *listening, unsigned port)
{
	kashim_port_bit_set(listening->ports, port);
}

int kashim_socket_side(int state, unsigned local_port, unsigned remote_port,
		       const struct kashim_listening *listening, unsigned *port)
{
	if (state == TCP_CLOSE)
		return 0;
	if (state == TCP_LISTEN || kashim_port_bit_test(listening->ports, local_port)) {
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
