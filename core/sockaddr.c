#include "sockaddr.h"
#include "log.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <netinet/in.h>
#include <string.h>

static size_t kashim_format_ipv4(char *buf, size_t size, const unsigned char *a)
{
	return kashim_format(buf, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* RFC 5952 text: lower-case hex, the longest run (>= 2) of zero groups as
 * "::", and a v4-mapped address as ::ffff:a.b.c.d. */
static size_t kashim_format_ipv6(char *buf, size_t size, const unsigned char *a)
{
	static const unsigned char mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned groups[8];
	int best_start = -1, best_len = 0, run_start = -1, i;
	size_t len = 0;

	if (memcmp(a, mapped_prefix, sizeof mapped_prefix) == 0) {
		len = kashim_format(buf, size, "::ffff:");
		return len + kashim_format_ipv4(buf + len, size - len, a + 12);
	}
	for (i = 0; i < 8; i++)
		groups[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
	for (i = 0; i <= 8; i++) {
		if (i < 8 && groups[i] == 0) {
			if (run_start < 0)
				run_start = i;
		} else if (run_start >= 0) {
			if (i - run_start > best_len && i - run_start >= 2) {
				best_start = run_start;
				best_len = i - run_start;
			}
			run_start = -1;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best_start) {
			len += kashim_format(buf + len, size - len, "::");
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best_start + best_len)
			len += kashim_format(buf + len, size - len, ":");
		len += kashim_format(buf + len, size - len, "%x", groups[i]);
	}
	return len;
}

size_t kashim_format_sockaddr(char *buf, size_t size,
			      const struct sockaddr *addr, socklen_t length)
{
	size_t len;

	/* Length first: after a failed getpeername the buffer is uninitialised. */
	if (addr != NULL && length >= (socklen_t)sizeof(struct sockaddr_in) &&
	    addr->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)addr;

		len = kashim_format_ipv4(buf, size, (const unsigned char *)&in->sin_addr);
		return len + kashim_format(buf + len, size - len, ":%u",
					   (unsigned)ntohs(in->sin_port));
	}
	if (addr != NULL && length >= (socklen_t)sizeof(struct sockaddr_in6) &&
	    addr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)addr;

		len = kashim_format(buf, size, "[");
		len += kashim_format_ipv6(buf + len, size - len, in6->sin6_addr.s6_addr);
		return len + kashim_format(buf + len, size - len, "]:%u",
					   (unsigned)ntohs(in6->sin6_port));
	}
	return kashim_format(buf, size, "?");
}

int kashim_sockaddr_port(const struct sockaddr *addr, socklen_t addrlen)
{
	_Static_assert(offsetof(struct sockaddr_in, sin_port) ==
		       offsetof(struct sockaddr_in6, sin6_port), "ports at one offset");
	const socklen_t needed = (socklen_t)(offsetof(struct sockaddr_in, sin_port) + sizeof(in_port_t));

	if (addr == NULL || addrlen < needed)
		return -1;
	if (addr->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)addr)->sin_port);
	if (addr->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)addr)->sin6_port);
	return -1;
}
