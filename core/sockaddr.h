/* Socket addresses: their port, and as text for debug lines. */
#ifndef KASHIM_SOCKADDR_H
#define KASHIM_SOCKADDR_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * Write "192.0.2.1:80" or "[2001:db8::1]:80" (or "?" for anything else,
 * or a length too short for the family) into buf. inet_ntop is avoided
 * because glibc's uses sprintf, which is not async-signal-safe.
 * Returns the length written.
 */
size_t kashim_format_sockaddr(char *buf, size_t size,
			      const struct sockaddr *addr, socklen_t length);

/*
 * The port of an IPv4/IPv6 address, or -1 for another family or a length
 * too short to hold the port. Only the family and the port need to be
 * there: Linux takes a 24-byte sockaddr_in6 (RFC 2133's, without
 * sin6_scope_id). Read only after the kernel has.
 */
int kashim_sockaddr_port(const struct sockaddr *addr, socklen_t addrlen);

#endif
