/* Applying a parsed config to one socket. */
#ifndef KASHIM_APPLY_H
#define KASHIM_APPLY_H

#include "core/config/config.h"

/*
 * What became of a socket: kashim_configure's and kashim_configure_scoped's
 * result, and what a debug line reports. One set of values, none shared
 * by two cases nor with a port sentinel (negative): a socket the kernel
 * refused options on is the KASHIM_FAILED_* bits of those options, all
 * below KASHIM_NOT_TCP; every other case has a value of its own.
 */
enum kashim_outcome {
	KASHIM_CONFIGURED = 0,              /* every option kashim sets was taken */
	KASHIM_FAILED_KEEPIDLE = 0x01,      /* bits: the options the kernel refused */
	KASHIM_FAILED_KEEPINTVL = 0x02,
	KASHIM_FAILED_KEEPCNT = 0x04,
	KASHIM_FAILED_USER_TIMEOUT = 0x08,
	KASHIM_FAILED_KEEPALIVE = 0x10,
	KASHIM_NOT_TCP = 0x100,             /* not a TCP socket: changed nothing */
	KASHIM_SKIPPED_PORT = 0x200,        /* the port is not in KASHIM_PORTS */
	KASHIM_SKIPPED_RESPECT = 0x300      /* keepalive on, every value the program's: respected */
};

/*
 * Configure fd: the TCP timers that cfg sets, then SO_KEEPALIVE=1, in that
 * order so the keepalive timer starts from the configured idle time.
 * Returns KASHIM_NOT_TCP, having changed nothing, when fd is not a TCP
 * socket (the first TCP-level call tells, at the cost of no extra call,
 * but for an SO_PROTOCOL query when it fails as MPTCP's refusals do);
 * otherwise KASHIM_CONFIGURED, or the KASHIM_FAILED_* bits of the options
 * the kernel refused.
 * errno is preserved; nothing is allocated; safe in a signal handler.
 */
int kashim_configure(const struct kashim_config *cfg, int fd);

/* The four values kashim_configure sets, each one or KASHIM_UNSET. */
struct kashim_timers {
	int keepidle;
	int keepintvl;
	int keepcnt;
	int user_timeout;
};

/* kashim_configure with these values rather than a config's. */
int kashim_configure_timers(const struct kashim_timers *values, int fd);

/*
 * Is fd a TCP (or MPTCP) socket? One getsockopt, two for MPTCP. For debug
 * lines about sockets left alone before any TCP-level call was made.
 * Keeps errno.
 */
int kashim_is_tcp(int fd);

#endif
