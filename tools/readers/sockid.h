/*
 * What a TCP socket is, whoever tells it: /proc/PID/net/tcp (proc_tcp.h)
 * or the socket itself (sockopts.h). One struct, so that what one reader
 * finds is handed on whole, never copied field by field.
 */
#ifndef KASHIM_SOCKID_H
#define KASHIM_SOCKID_H

#include <netinet/in.h>

struct kashim_sockid {
	int family;                    /* AF_INET or AF_INET6 */
	int state;                     /* TCP_ESTABLISHED ... as in netinet/tcp.h */
	struct in6_addr local, remote; /* IPv4 in the first 4 bytes */
	unsigned local_port, remote_port;
};

#endif
