/*
 * A bitmap of ports, one bit per port 0-65535 (KASHIM_PORT_BYTES bytes):
 * bit p is byte p / 8, bit p % 8. KASHIM_PORTS' selection is one, the
 * ports a running process listens on another. No allocation, O(1).
 */
#ifndef KASHIM_PORT_BITS_H
#define KASHIM_PORT_BITS_H

#include "config.h"

/* Set port's bit; a port above KASHIM_PORT_MAX has none. */
static inline void kashim_port_bit_set(unsigned char *bits, unsigned port)
{
	if (port <= KASHIM_PORT_MAX)
		bits[port / 8] = (unsigned char)(bits[port / 8] | 1U << (port % 8));
}

/* Is port's bit set? */
static inline int kashim_port_bit_test(const unsigned char *bits, unsigned port)
{
	return port <= KASHIM_PORT_MAX && (bits[port / 8] & 1U << (port % 8)) != 0;
}

#endif
