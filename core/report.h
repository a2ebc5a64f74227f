/* KASHIM_DEBUG's lines: the configuration, and what became of a socket. */
#ifndef KASHIM_REPORT_H
#define KASHIM_REPORT_H

#include "config.h"

#include <stddef.h>
#include <sys/socket.h>

/*
 * Write " idle=30 intvl=5 cnt=3" (or " (system timers)"), then any scope
 * that is not the default (" sides=accept policy=respect ports=22"), into
 * buf. Returns the length written.
 */
size_t kashim_describe_config(const struct kashim_config *cfg, char *buf, size_t size);

/*
 * Log what became of fd in call ("listen", "accept", "accept4", "connect",
 * "sendto", "sendmsg" or "inherited"): result is kashim_configure_scoped's.
 * peer is a connect's address (NULL otherwise), which the kernel has
 * already read. Logs nothing for a socket that is not TCP.
 * Keeps errno; may call getsockname/getpeername: debug only.
 */
void kashim_report_socket(const struct kashim_config *cfg, const char *call, int fd,
			  const struct sockaddr *peer, socklen_t peer_length, int result);

/*
 * The same for a socket of process pid (kashim's supervisor): target_fd
 * is its number there, fd a duplicate held here.
 */
void kashim_report_socket_of(const struct kashim_config *cfg, int pid, const char *call,
			     int target_fd, int fd, const struct sockaddr *peer,
			     socklen_t peer_length, int result);

/* Log that fd, accepted from listener, took the listener's options. */
void kashim_report_inherited(const char *call, int fd, int listener);

/* Log, once at load, that KASHIM_PROGRAMS leaves this program alone. */
void kashim_report_unselected(void);

#endif
