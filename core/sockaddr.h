/* Socket addresses as text, for debug lines. */
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

#endif
