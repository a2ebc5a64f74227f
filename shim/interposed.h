/*
 * The functions libkashim.so interposes, as shim.c needs them declared:
 * each exported under libc's name, libc's signature as the type of the
 * pointer to the real function, and kashim's own hidden alias of each.
 */
#ifndef KASHIM_INTERPOSED_H
#define KASHIM_INTERPOSED_H

#include <sys/socket.h>
#include <sys/types.h>

#define KASHIM_EXPORT __attribute__((visibility("default")))

typedef int (*kashim_accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*kashim_accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*kashim_connect_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*kashim_listen_fn)(int, int);
typedef int (*kashim_socket_fn)(int, int, int);
typedef ssize_t (*kashim_sendto_fn)(int, const void *, size_t, int, const struct sockaddr *,
				    socklen_t);
typedef ssize_t (*kashim_sendmsg_fn)(int, const struct msghdr *, int);

KASHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
KASHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
KASHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
/* glibc's own exported alias, interposed on purpose: */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
KASHIM_EXPORT int __connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
KASHIM_EXPORT int listen(int fd, int backlog);
KASHIM_EXPORT int socket(int domain, int type, int protocol);
KASHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			     const struct sockaddr *addr, socklen_t addrlen);
KASHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);

/*
 * Our own wrappers' addresses, through hidden aliases defined at the end of
 * shim.c. Writing &accept there would go through the GOT and yield
 * whichever accept comes first globally: libc's, when libc is preloaded
 * ahead of us.
 */
int kashim_own_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int kashim_own_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int kashim_own_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
/* glibc declares listen nothrow and leaf (__THROW); the alias must match. */
int kashim_own_listen(int fd, int backlog) __attribute__((nothrow, leaf));
int kashim_own_socket(int domain, int type, int protocol) __attribute__((nothrow, leaf));
ssize_t kashim_own_sendto(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *addr, socklen_t addrlen);
ssize_t kashim_own_sendmsg(int fd, const struct msghdr *msg, int flags);

#endif
