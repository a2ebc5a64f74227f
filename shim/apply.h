/* Applying a parsed config to one socket. */
#ifndef KASHIM_APPLY_H
#define KASHIM_APPLY_H

#include "config.h"

/* Bits of kashim_configure's result: options the kernel refused. */
#define KASHIM_FAILED_KEEPIDLE     0x01
#define KASHIM_FAILED_KEEPINTVL    0x02
#define KASHIM_FAILED_KEEPCNT      0x04
#define KASHIM_FAILED_USER_TIMEOUT 0x08
#define KASHIM_FAILED_KEEPALIVE    0x10

/* kashim_configure's result for a socket that is not TCP. */
#define KASHIM_NOT_TCP (-1)

/*
 * Configure fd: the TCP timers that cfg sets, then SO_KEEPALIVE=1, in that
 * order so the keepalive timer starts from the configured idle time.
 * Returns KASHIM_NOT_TCP, having changed nothing, when fd is not a TCP
 * socket (the first TCP-level call tells, at the cost of no extra call,
 * but for an SO_PROTOCOL query when it fails as MPTCP's refusals do);
 * otherwise 0, or the KASHIM_FAILED_* bits of options the kernel refused.
 * errno is preserved; nothing is allocated; safe in a signal handler.
 */
int kashim_configure(const struct kashim_config *cfg, int fd);

/*
 * Is fd a TCP (or MPTCP) socket? One getsockopt, two for MPTCP. For debug
 * lines about sockets left alone before any TCP-level call was made.
 * Keeps errno.
 */
int kashim_is_tcp(int fd);

#endif
