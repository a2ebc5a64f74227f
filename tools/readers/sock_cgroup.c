#include "sock_cgroup.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/inet_diag.h>) && __has_include(<linux/sock_diag.h>)
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#define KASHIM_HAVE_SOCK_DIAG 1
#endif
#endif

#if defined(KASHIM_HAVE_SOCK_DIAG)

/* The attribute's number, for headers older than Linux 5.7's. */
#define KASHIM_INET_DIAG_CGROUP_ID 21

/* Note the cgroup of a listener the kernel reported, if it is one of ours. */
static void kashim_note_listener_cgroup(struct inet_diag_msg *msg, size_t len,
					const unsigned long *inodes, size_t n, uint64_t *ids)
{
	/* not const: the kernel's RTA_NEXT and NLMSG_NEXT cast their pointer
	 * to a plain char *, which -Wcast-qual refuses for a const one */
	struct rtattr *attr = (struct rtattr *)(void *)(msg + 1);
	size_t left = len > sizeof *msg ? len - NLMSG_ALIGN(sizeof *msg) : 0;
	size_t i;

	for (i = 0; i < n && inodes[i] != msg->idiag_inode; i++)
		;
	if (i == n)
		return;
	for (; RTA_OK(attr, left); attr = RTA_NEXT(attr, left)) {
		if (attr->rta_type == KASHIM_INET_DIAG_CGROUP_ID &&
		    RTA_PAYLOAD(attr) >= sizeof(uint64_t))
			memcpy(&ids[i], RTA_DATA(attr), sizeof(uint64_t));
	}
}

/* Ask for the TCP listeners of family; note those of inodes. */
static int kashim_dump(int sock, int family, const unsigned long *inodes, size_t n,
		       uint64_t *ids)
{
	struct {
		struct nlmsghdr header;
		struct inet_diag_req_v2 req;
	} request;
	static char buf[32768] __attribute__((aligned(8)));

	memset(&request, 0, sizeof request);
	request.header.nlmsg_len = sizeof request;
	request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	request.req.sdiag_family = (uint8_t)family;
	request.req.sdiag_protocol = IPPROTO_TCP;
	request.req.idiag_states = 1U << TCP_LISTEN;
	if (send(sock, &request, sizeof request, 0) < 0)
		return -1;
	for (;;) {
		ssize_t got = recv(sock, buf, sizeof buf, 0);
		struct nlmsghdr *h = (struct nlmsghdr *)(void *)buf;
		size_t left = got > 0 ? (size_t)got : 0;

		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				/* no IPv6 in this kernel: nothing to find there */
				return family == AF_INET6 ? 0 : (errno = EPROTO, -1);
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				kashim_note_listener_cgroup(NLMSG_DATA(h), h->nlmsg_len - NLMSG_HDRLEN,
							    inodes, n, ids);
		}
	}
}

int kashim_listener_cgroups(const unsigned long *inodes, size_t n, uint64_t *ids)
{
	int sock, result;

	memset(ids, 0, n * sizeof *ids);
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (sock < 0)
		return -1;
	result = kashim_dump(sock, AF_INET, inodes, n, ids);
	if (result == 0)
		result = kashim_dump(sock, AF_INET6, inodes, n, ids);
	close(sock);
	return result;
}

#else /* no kernel headers (musl-gcc): the cgroups are not known */

int kashim_listener_cgroups(const unsigned long *inodes, size_t n, uint64_t *ids)
{
	(void)inodes;
	memset(ids, 0, n * sizeof *ids);
	return 0;
}

#endif
