/*
 * The interposers: libkashim.so's only exported functions. Each calls the
 * real libc function and hands new TCP sockets and listeners to
 * kashim_configure_scoped. All real work lives in init.c (finding libc's
 * functions, reading the configuration), core/ (apply.c, scope.c), seen.c,
 * backlog.c and inherited.c; this file binds them to libc.
 */
#include "core/apply.h"
#include "backlog.h"
#include "core/config/config.h"
#include "inherited.h"
#include "core/notice.h"
#include "core/report.h"
#include "core/scope.h"
#include "core/sockaddr.h"
#include "init.h"
#include "interposed.h"
#include "seen.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux 5.6; older C libraries lack the name. */
#define KASHIM_IPPROTO_MPTCP 262

static kashim_accept_fn kashim_real_accept;
static kashim_accept4_fn kashim_real_accept4;
static kashim_connect_fn kashim_real_connect;
static kashim_listen_fn kashim_real_listen;
static kashim_socket_fn kashim_real_socket;
static kashim_sendto_fn kashim_real_sendto;
static kashim_sendmsg_fn kashim_real_sendmsg;

/* Written once by kashim_init, read-only afterwards. */
static struct kashim_config kashim_cfg;
static pthread_once_t kashim_once = PTHREAD_ONCE_INIT;
static int kashim_ready;
/*
 * Set while this thread is inside kashim_enter's pthread_once. A signal
 * handler that calls in then (its program's, or another library's set up
 * before our constructor ran) passes straight through: waiting for an
 * initialisation that cannot go on until the handler returns would hang.
 * initial-exec: reading it takes no lock and allocates nothing.
 */
static __thread int kashim_initialising __attribute__((tls_model("initial-exec")));
/* Also written once by kashim_init: is each side configured here at all?
 * KASHIM_KEEPALIVE, KASHIM_PROGRAMS and KASHIM_SIDES folded into one load. */
static int kashim_accept_side;
static int kashim_connect_side;

/* Bind kashim_real_NAME to libc's NAME; a signal handler may read it meanwhile. */
#define KASHIM_BIND(name, type)                                                          \
	__atomic_store_n(&kashim_real_##name,                                            \
			 (type)kashim_bind(#name, (void *)kashim_own_##name, &libc_ahead), \
			 __ATOMIC_RELAXED)

static void kashim_init(void)
{
	int libc_ahead = 0, secure, selected, inherited = 0;

	KASHIM_BIND(accept, kashim_accept_fn);
	KASHIM_BIND(accept4, kashim_accept4_fn);
	KASHIM_BIND(connect, kashim_connect_fn);
	KASHIM_BIND(listen, kashim_listen_fn);
	KASHIM_BIND(socket, kashim_socket_fn);
	KASHIM_BIND(sendto, kashim_sendto_fn);
	KASHIM_BIND(sendmsg, kashim_sendmsg_fn);

	secure = kashim_load_config(&kashim_cfg, libc_ahead, &selected);
	kashim_accept_side = kashim_cfg.enabled && selected &&
			     (kashim_cfg.sides & KASHIM_SIDE_ACCEPT) != 0;
	kashim_connect_side = kashim_cfg.enabled && selected &&
			      (kashim_cfg.sides & KASHIM_SIDE_CONNECT) != 0;
	if (kashim_accept_side && !secure)
		inherited = kashim_configure_inherited(&kashim_cfg, getenv("LISTEN_FDS"),
						       getenv("LISTEN_PID"));
	/* What the load held (init.c) now waits for a TCP socket; an
	 * inherited connection is one. */
	kashim_notice_settle();
	if (inherited)
		kashim_notice_say();
	__atomic_store_n(&kashim_ready, 1, __ATOMIC_RELEASE);
}

/*
 * Make sure kashim_init has run, and say whether kashim may do its work.
 * The constructor normally did it; a wrapper can still get here first
 * when another library's constructor connects, and then pthread_once
 * makes the race between threads safe. Returns 0, for the call to pass
 * straight through, when the initialisation is under way on this very
 * thread: the caller is a signal handler that interrupted it. Once ready,
 * this is one load: no lock on the call path.
 */
static int kashim_enter(void)
{
	if (__atomic_load_n(&kashim_ready, __ATOMIC_ACQUIRE))
		return 1;
	if (kashim_initialising)
		return 0;
	/* Set before pthread_once, so that no moment is left in which a
	 * handler on this thread could wait on its own initialisation. */
	kashim_initialising = 1;
	pthread_once(&kashim_once, kashim_init);
	kashim_initialising = 0;
	return 1;
}

/*
 * A call that passes straight through while kashim_init is under way on
 * this thread: to libc's NAME if it is bound yet, otherwise by the system
 * call itself.
 */
#define KASHIM_PASS(name, number, ...)                                               \
	(__atomic_load_n(&kashim_real_##name, __ATOMIC_RELAXED) != NULL                  \
		 ? (long)__atomic_load_n(&kashim_real_##name, __ATOMIC_RELAXED)(__VA_ARGS__) \
		 : syscall(number, __VA_ARGS__))

__attribute__((constructor)) static void kashim_constructor(void)
{
	kashim_enter();
}

/*
 * fd is a socket of this process: if it is the first TCP one, say what
 * the load held. One relaxed load once that is done, or when nothing was
 * held; until then a getsockopt per socket call.
 */
static void kashim_speak(int fd)
{
	if (kashim_notice_pending() && kashim_is_tcp(fd))
		kashim_notice_say();
}

/* fd is a new socket: forget what kashim knew of the socket it replaced. */
static void kashim_forget(int fd)
{
	kashim_seen_forget(fd);
	kashim_backlog_forget(fd);
}

/*
 * A socket accepted from listener: nothing to do when the listen hook has
 * dealt with the listener, since the kernel copied its options, unless it
 * is one of the connections the listener queued before kashim configured
 * it (backlog.h). Otherwise (a listener made before kashim was loaded,
 * inherited, or listening by a raw syscall) configure the socket itself.
 */
static void kashim_after_accept(const char *call, int listener, int fd, int queued)
{
	int result;

	if (fd < 0)
		return;
	kashim_forget(fd);
	kashim_speak(fd);
	if (!kashim_accept_side)
		return;
	if (queued)
		kashim_backlog_take(listener);
	if (kashim_seen(listener) && !queued) {
		if (kashim_cfg.debug)
			kashim_report_inherited(call, fd, listener);
		return;
	}
	result = kashim_configure_scoped(&kashim_cfg, fd, KASHIM_PORT_LOCAL);
	if (kashim_cfg.debug)
		kashim_report_socket(&kashim_cfg, call, fd, NULL, 0, result);
}

KASHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	int new_fd, queued;

	/* accept4 with no flags is accept, and every Linux port has it */
	if (!kashim_enter())
		return (int)KASHIM_PASS(accept4, SYS_accept4, fd, addr, addrlen, 0);
	queued = kashim_accept_side && kashim_backlog_pending(fd);
	new_fd = kashim_real_accept(fd, addr, addrlen);
	kashim_after_accept("accept", fd, new_fd, queued);
	return new_fd;
}

KASHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	int new_fd, queued;

	if (!kashim_enter())
		return (int)KASHIM_PASS(accept4, SYS_accept4, fd, addr, addrlen, flags);
	queued = kashim_accept_side && kashim_backlog_pending(fd);
	new_fd = kashim_real_accept4(fd, addr, addrlen, flags);
	kashim_after_accept("accept4", fd, new_fd, queued);
	return new_fd;
}

/*
 * Configured once, at the first listen: a second one (nginx's, after it
 * applied so_keepalive; one after shutdown) leaves the listener as the
 * program set it. The listener is configured before the real listen: a
 * connection that completed between listen and our setsockopt would be
 * cloned from an unconfigured listener. An unbound socket has no port
 * before listen binds one, so with KASHIM_PORTS it is judged just after.
 * Connections already queued (a listener inherited already listening, or
 * one that completed before a late configuration) are counted, for their
 * accepts to be configured one by one. The listener is marked once
 * listening, whatever was decided: its accepted sockets inherit that.
 */
static int kashim_listen(int fd, int backlog)
{
	int port, result = 0, ret, saved_errno;
	unsigned queued;

	if (kashim_seen(fd))
		return kashim_real_listen(fd, backlog);
	port = kashim_cfg.every_port ? KASHIM_PORT_LOCAL : kashim_local_port(fd);
	if (port != 0)
		result = kashim_configure_scoped(&kashim_cfg, fd, port);
	ret = kashim_real_listen(fd, backlog);
	if (ret != 0)
		return ret;
	saved_errno = errno;
	if (port == 0)
		result = kashim_configure_scoped(&kashim_cfg, fd, KASHIM_PORT_LOCAL);
	queued = result < KASHIM_NOT_TCP ? kashim_backlog_queued(fd) : 0;
	/* No room to count them: leave the listener unmarked instead, and
	 * every accept from it is configured. */
	if (queued == 0 || kashim_backlog_add(fd, queued) == 0)
		kashim_seen_mark(fd);
	if (kashim_cfg.debug)
		kashim_report_socket(&kashim_cfg, "listen", fd, NULL, 0, result);
	errno = saved_errno;
	return ret;
}

KASHIM_EXPORT int listen(int fd, int backlog)
{
	if (!kashim_enter())
		return (int)KASHIM_PASS(listen, SYS_listen, fd, backlog);
	kashim_speak(fd);
	if (!kashim_accept_side)
		return kashim_real_listen(fd, backlog);
	return kashim_listen(fd, backlog);
}

/* Do socket()'s arguments make a TCP (or MPTCP) socket? No call needed. */
static int kashim_tcp_arguments(int domain, int type, int protocol)
{
	return (domain == AF_INET || domain == AF_INET6) &&
	       (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP || protocol == KASHIM_IPPROTO_MPTCP);
}

KASHIM_EXPORT int socket(int domain, int type, int protocol)
{
	int fd;

	if (!kashim_enter())
		return (int)KASHIM_PASS(socket, SYS_socket, domain, type, protocol);
	fd = kashim_real_socket(domain, type, protocol);
	kashim_forget(fd);
	if (kashim_notice_pending() && fd >= 0 && kashim_tcp_arguments(domain, type, protocol))
		kashim_notice_say();
	return fd;
}

/*
 * Did a connect (or a Fast Open send) that returned ret start a
 * connection? Then the kernel has read the whole address: an invalid one
 * fails with EFAULT (or EINVAL for a length beyond 128) first. EINTR
 * leaves the handshake going on, as EINPROGRESS does.
 */
static int kashim_started(long ret)
{
	return ret >= 0 || errno == EINPROGRESS || errno == EINTR;
}

/*
 * Configure a socket that connect (or sendto/sendmsg with MSG_FASTOPEN)
 * has just started connecting to addr, once: a second connect (the usual
 * completion check after poll) leaves it as the program set it since.
 * Configured after the real call, not before: the address is only safe
 * to read once the kernel has read it. The handshake is still going on,
 * or just over, so the keepalive timer starts from the configured idle
 * time all the same. Keeps errno.
 */
static void kashim_after_connect(const char *call, int fd, const struct sockaddr *addr,
				 socklen_t addrlen)
{
	int saved_errno = errno, port, result;

	if (kashim_seen(fd))
		return;
	port = kashim_sockaddr_port(addr, addrlen);
	if (port < 0)
		return;
	result = kashim_configure_scoped(&kashim_cfg, fd, port);
	kashim_seen_mark(fd);
	if (kashim_cfg.debug)
		kashim_report_socket(&kashim_cfg, call, fd, addr, addrlen, result);
	errno = saved_errno;
}

KASHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	int ret;

	if (!kashim_enter())
		return (int)KASHIM_PASS(connect, SYS_connect, fd, addr, addrlen);
	ret = kashim_real_connect(fd, addr, addrlen);
	if (kashim_notice_pending() && kashim_started(ret))
		kashim_speak(fd);
	if (kashim_connect_side && kashim_started(ret))
		kashim_after_connect("connect", fd, addr, addrlen);
	return ret;
}

/*
 * TCP Fast Open clients connect with sendto or sendmsg and MSG_FASTOPEN,
 * never calling connect. Every other send (UDP's, most of all) costs one
 * flag test more than libc's own.
 */
KASHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			     const struct sockaddr *addr, socklen_t addrlen)
{
	ssize_t ret;

	if (!kashim_enter())
		return KASHIM_PASS(sendto, SYS_sendto, fd, buf, len, flags, addr, addrlen);
	ret = kashim_real_sendto(fd, buf, len, flags, addr, addrlen);
	if ((flags & MSG_FASTOPEN) != 0 && kashim_connect_side && kashim_started(ret))
		kashim_after_connect("sendto", fd, addr, addrlen);
	return ret;
}

KASHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t ret;

	if (!kashim_enter())
		return KASHIM_PASS(sendmsg, SYS_sendmsg, fd, msg, flags);
	ret = kashim_real_sendmsg(fd, msg, flags);
	/* The kernel read *msg and its name before it could start anything. */
	if ((flags & MSG_FASTOPEN) != 0 && kashim_connect_side && kashim_started(ret))
		kashim_after_connect("sendmsg", fd, (const struct sockaddr *)msg->msg_name,
				     msg->msg_namelen);
	return ret;
}

int kashim_own_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
	__attribute__((alias("accept")));
int kashim_own_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
	__attribute__((alias("accept4")));
int kashim_own_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
	__attribute__((alias("connect")));
int kashim_own_listen(int fd, int backlog)
	__attribute__((alias("listen")));
int kashim_own_socket(int domain, int type, int protocol)
	__attribute__((alias("socket")));
ssize_t kashim_own_sendto(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *addr, socklen_t addrlen)
	__attribute__((alias("sendto")));
ssize_t kashim_own_sendmsg(int fd, const struct msghdr *msg, int flags)
	__attribute__((alias("sendmsg")));

/*
 * glibc exports connect under this name too, for callers outside libc that
 * link to it; libc's own internal connects use a hidden alias and stay
 * out of reach.
 */
KASHIM_EXPORT int __connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
	__attribute__((alias("connect")));
