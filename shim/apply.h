/* Applying a parsed config to one socket. */
#ifndef KASHIM_APPLY_H
#define KASHIM_APPLY_H

#include "config.h"

/*
 * What became of a socket: kashim_configure's and kashim_configure_scoped's
 * result, and what a debug line reports. One value per case, none shared
 * with anything else (ports, errno).
 */
enum kashim_outcome {
	KASHIM_CONFIGURED,      /* every option kashim sets was taken */
	KASHIM_REFUSED,         /* the kernel refused some option; the rest is set */
	KASHIM_NOT_TCP,         /* not a TCP socket: changed nothing */
	KASHIM_SKIPPED_PORT,    /* the port is not in KASHIM_PORTS */
	KASHIM_SKIPPED_RESPECT  /* SO_KEEPALIVE already on, and respected */
};

/*
 * Configure fd: the TCP timers that cfg sets, then SO_KEEPALIVE=1, in that
 * order so the keepalive timer starts from the configured idle time.
 * Returns KASHIM_NOT_TCP, having changed nothing, when fd is not a TCP
 * socket (the first TCP-level call tells, at the cost of no extra call);
 * otherwise KASHIM_CONFIGURED, or KASHIM_REFUSED when the kernel refused
 * some option.
 * errno is preserved; nothing is allocated; safe in a signal handler.
 */
enum kashim_outcome kashim_configure(const struct kashim_config *cfg, int fd);

#endif
