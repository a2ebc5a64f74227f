/*
 * The interposers: libkashim.so's only exported functions. Each calls the
 * real libc function and hands new TCP sockets and listeners to
 * kashim_configure_scoped. All real work lives in config.c, apply.c,
 * scope.c and listeners.c; this file binds them to libc.
 */
#include "apply.h"
#include "config.h"
#include "listeners.h"
#include "log.h"
#include "report.h"
#include "scope.h"

#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/socket.h>

#define KASHIM_EXPORT __attribute__((visibility("default")))

typedef int (*kashim_accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*kashim_accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*kashim_connect_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*kashim_listen_fn)(int, int);

static kashim_accept_fn kashim_real_accept;
static kashim_accept4_fn kashim_real_accept4;
static kashim_connect_fn kashim_real_connect;
static kashim_listen_fn kashim_real_listen;

/* Written once by kashim_init, read-only afterwards. */
static struct kashim_config kashim_cfg;
static pthread_once_t kashim_once = PTHREAD_ONCE_INIT;
static int kashim_ready;
/* Also written once by kashim_init: is each side configured here at all?
 * KASHIM_KEEPALIVE, KASHIM_PROGRAMS and KASHIM_SIDES folded into one load. */
static int kashim_accept_side;
static int kashim_connect_side;

KASHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
KASHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
KASHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
/* glibc's own exported alias, interposed on purpose: */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
KASHIM_EXPORT int __connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
KASHIM_EXPORT int listen(int fd, int backlog);

/*
 * Our own wrappers' addresses, through hidden aliases defined at the end of
 * this file. Writing &accept here would go through the GOT and yield
 * whichever accept comes first globally: libc's, when libc is preloaded
 * ahead of us.
 */
int kashim_own_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int kashim_own_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int kashim_own_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
/* glibc declares listen nothrow and leaf (__THROW); the alias must match. */
int kashim_own_listen(int fd, int backlog) __attribute__((nothrow, leaf));

/*
 * Find name in the next library (libc). When libc itself was preloaded
 * ahead of us, nothing after us defines it, but then the global lookup
 * finds libc's, ahead of ours, and *libc_ahead is set: the program's own
 * calls then go straight to libc and never reach kashim. Aborts only when
 * both lookups fail: carrying on would mean calling NULL, or ourselves.
 */
static void *kashim_bind(const char *name, const void *self, int *libc_ahead)
{
	void *real = dlsym(RTLD_NEXT, name);

	if (real == NULL || real == self) {
		real = dlsym(RTLD_DEFAULT, name);
		*libc_ahead = 1;
	}
	if (real == NULL || real == self) {
		kashim_log("cannot find the real %s() (%s); aborting", name,
			   real == NULL ? "dlsym found none" : "dlsym returned kashim's own");
		abort();
	}
	return real;
}

static void kashim_warn(enum kashim_var var, const char *message)
{
	kashim_log("%s; %s", message, kashim_var_fallback(var));
}

static const char *kashim_getenv(const char *name)
{
	return getenv(name);
}

static void kashim_init(void)
{
	char described[400];
	int libc_ahead = 0;

	kashim_real_accept = (kashim_accept_fn)kashim_bind("accept", (void *)kashim_own_accept,
							   &libc_ahead);
	kashim_real_accept4 = (kashim_accept4_fn)kashim_bind("accept4", (void *)kashim_own_accept4,
							     &libc_ahead);
	kashim_real_connect = (kashim_connect_fn)kashim_bind("connect", (void *)kashim_own_connect,
							     &libc_ahead);
	kashim_real_listen = (kashim_listen_fn)kashim_bind("listen", (void *)kashim_own_listen,
							   &libc_ahead);

	/*
	 * A setuid, setgid or file-capability program (AT_SECURE) runs with an
	 * environment its unprivileged caller chose: read none of it, and stay
	 * inert (kashim_cfg is still all zeros: keepalive off, no debug). Such
	 * a program only loads kashim through /etc/ld.so.preload or a trusted
	 * directory, which its owner chose, not the caller.
	 */
	if (getauxval(AT_SECURE) != 0) {
		__atomic_store_n(&kashim_ready, 1, __ATOMIC_RELEASE);
		return;
	}
	kashim_config_load(&kashim_cfg, kashim_getenv, kashim_warn, NULL);
	if (libc_ahead && kashim_cfg.enabled && kashim_cfg.selected)
		kashim_log("libc is ahead of libkashim.so in LD_PRELOAD, so accept and "
			   "connect never reach kashim; put libkashim.so first");
	kashim_accept_side = kashim_cfg.enabled && kashim_cfg.selected &&
			     (kashim_cfg.sides & KASHIM_SIDE_ACCEPT) != 0;
	kashim_connect_side = kashim_cfg.enabled && kashim_cfg.selected &&
			      (kashim_cfg.sides & KASHIM_SIDE_CONNECT) != 0;
	if (kashim_cfg.debug && !kashim_cfg.selected) {
		kashim_report_unselected();
	} else if (kashim_cfg.debug) {
		kashim_describe_config(&kashim_cfg, described, sizeof described);
		kashim_log("loaded: keepalive %s%s", kashim_cfg.enabled ? "on" : "off",
			   kashim_cfg.enabled ? described : "");
	}
	__atomic_store_n(&kashim_ready, 1, __ATOMIC_RELEASE);
}

/*
 * Make sure kashim_init has run. The constructor normally did it; a
 * wrapper can still get here first when another library's constructor
 * connects, and then pthread_once makes the race safe. Once ready, this
 * is one load: no lock on the call path.
 */
static void kashim_ensure_init(void)
{
	if (!__atomic_load_n(&kashim_ready, __ATOMIC_ACQUIRE))
		pthread_once(&kashim_once, kashim_init);
}

__attribute__((constructor)) static void kashim_constructor(void)
{
	kashim_ensure_init();
}

/*
 * A socket accepted from listener: nothing to do when the listen hook has
 * dealt with the listener, since the kernel copied its options; otherwise
 * (a listener made before kashim was loaded, inherited, or listening by a
 * raw syscall) configure the socket itself.
 */
static void kashim_after_accept(const char *call, int listener, int fd)
{
	int result;

	if (fd < 0 || !kashim_accept_side)
		return;
	/* fd is an accepted socket now: a listener it once held is closed. */
	kashim_listener_forget(fd);
	if (kashim_listener_marked(listener)) {
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
	int new_fd;

	kashim_ensure_init();
	new_fd = kashim_real_accept(fd, addr, addrlen);
	kashim_after_accept("accept", fd, new_fd);
	return new_fd;
}

KASHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	int new_fd;

	kashim_ensure_init();
	new_fd = kashim_real_accept4(fd, addr, addrlen, flags);
	kashim_after_accept("accept4", fd, new_fd);
	return new_fd;
}

/*
 * The listener is configured before the real listen: a connection that
 * completed between listen and our setsockopt would be cloned from an
 * unconfigured listener, and its accept skipped as covered. An unbound
 * socket has no port before listen binds one, so with KASHIM_PORTS it is
 * judged just after. The listener is marked once listening, whatever was
 * decided: its accepted sockets inherit that decision.
 */
static int kashim_listen(int fd, int backlog)
{
	int port = kashim_cfg.every_port ? KASHIM_PORT_LOCAL : kashim_local_port(fd);
	int result = 0, ret;

	if (port != 0)
		result = kashim_configure_scoped(&kashim_cfg, fd, port);
	ret = kashim_real_listen(fd, backlog);
	if (ret != 0)
		return ret;
	if (port == 0)
		result = kashim_configure_scoped(&kashim_cfg, fd, KASHIM_PORT_LOCAL);
	kashim_listener_mark(fd);
	if (kashim_cfg.debug)
		kashim_report_socket(&kashim_cfg, "listen", fd, NULL, 0, result);
	return ret;
}

KASHIM_EXPORT int listen(int fd, int backlog)
{
	kashim_ensure_init();
	if (!kashim_accept_side)
		return kashim_real_listen(fd, backlog);
	return kashim_listen(fd, backlog);
}

/*
 * The remote port of an IPv4/IPv6 address, or KASHIM_PORT_NONE. Only the
 * family and port need to be there: Linux takes a 24-byte sockaddr_in6
 * (RFC 2133's, without sin6_scope_id), and a short address makes the real
 * connect fail as it would without kashim.
 */
static int kashim_remote_port(const struct sockaddr *addr, socklen_t addrlen)
{
	_Static_assert(offsetof(struct sockaddr_in, sin_port) ==
		       offsetof(struct sockaddr_in6, sin6_port), "ports at one offset");
	const socklen_t needed = (socklen_t)(offsetof(struct sockaddr_in, sin_port) + sizeof(in_port_t));

	if (addr == NULL || addrlen < needed)
		return KASHIM_PORT_NONE;
	if (addr->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)addr)->sin_port);
	if (addr->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)addr)->sin6_port);
	return KASHIM_PORT_NONE;
}

/*
 * Options go on before the real connect, so that connect's own result and
 * errno (EINPROGRESS, ECONNREFUSED, ...) are the last word, and so that the
 * keepalive timer starts when the handshake completes.
 */
KASHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	int port;

	kashim_ensure_init();
	port = kashim_connect_side ? kashim_remote_port(addr, addrlen) : KASHIM_PORT_NONE;
	if (port != KASHIM_PORT_NONE) {
		int result = kashim_configure_scoped(&kashim_cfg, fd, port);

		if (kashim_cfg.debug)
			kashim_report_socket(&kashim_cfg, "connect", fd, addr, addrlen, result);
	}
	return kashim_real_connect(fd, addr, addrlen);
}

int kashim_own_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
	__attribute__((alias("accept")));
int kashim_own_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
	__attribute__((alias("accept4")));
int kashim_own_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
	__attribute__((alias("connect")));
int kashim_own_listen(int fd, int backlog)
	__attribute__((alias("listen")));

/*
 * glibc exports connect under this name too, for callers outside libc that
 * link to it; libc's own internal connects use a hidden alias and stay
 * out of reach.
 */
KASHIM_EXPORT int __connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
	__attribute__((alias("connect")));
