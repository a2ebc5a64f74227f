/* KASHIM_DEBUG's lines: the configuration, and what became of a socket. */
#ifndef KASHIM_REPORT_H
#define KASHIM_REPORT_H

#include "core/config/config.h"

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
 * kashim_report_socket's line, for a socket seen from outside its process
 * (kashim's supervisor): prefixed with who ("pid 42: "), shown_fd its
 * number in that process, fd the duplicate held here.
 */
void kashim_report_socket_from(const struct kashim_config *cfg, const char *who,
			       const char *call, int shown_fd, int fd,
			       const struct sockaddr *peer, socklen_t peer_length, int result);

/*
 * Why a socket with kashim_configure_scoped's result was left alone, in
 * words ("left alone: port not in KASHIM_PORTS"), or NULL when kashim
 * configured it (some options perhaps refused).
 */
const char *kashim_left_alone_words(int result);

/* Log that fd, accepted from listener, took the listener's options. */
void kashim_report_inherited(const char *call, int fd, int listener);

/* Log, once at load, that KASHIM_PROGRAMS leaves this program alone. */
void kashim_report_unselected(void);

#endif
