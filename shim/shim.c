/*
 * The interposers: libkashim.so's only exported functions. Each calls the
 * real libc function and hands new TCP sockets to kashim_configure. All
 * real work lives in config.c and apply.c; this file binds them to libc.
 */
#include "apply.h"
#include "config.h"
#include "log.h"
#include "sockaddr.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#define KASHIM_EXPORT __attribute__((visibility("default")))

typedef int (*kashim_accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*kashim_accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*kashim_connect_fn)(int, const struct sockaddr *, socklen_t);

static kashim_accept_fn kashim_real_accept;
static kashim_accept4_fn kashim_real_accept4;
static kashim_connect_fn kashim_real_connect;

/* Written once by kashim_init, read-only afterwards. */
static struct kashim_config kashim_cfg;
static pthread_once_t kashim_once = PTHREAD_ONCE_INIT;
static int kashim_ready;

KASHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
KASHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
KASHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/*
 * Our own wrappers' addresses, through hidden aliases defined at the end of
 * this file. Writing &accept here would go through the GOT and yield
 * whichever accept comes first globally: libc's, when libc is preloaded
 * ahead of us.
 */
int kashim_own_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int kashim_own_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int kashim_own_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/*
 * Find name in the next library (libc). When libc itself was preloaded
 * ahead of us, nothing after us defines it, but then the global lookup
 * finds libc's, ahead of ours. Aborts only when both fail: carrying on
 * would mean calling NULL, or ourselves for ever.
 */
static void *kashim_bind(const char *name, void *self)
{
	void *real = dlsym(RTLD_NEXT, name);

	if (real == NULL || real == self)
		real = dlsym(RTLD_DEFAULT, name);
	if (real == NULL || real == self) {
		kashim_log("cannot find the real %s() (%s); aborting", name,
			   real == NULL ? "dlsym found none" : "dlsym returned kashim's own");
		abort();
	}
	return real;
}

/*
 * Warn when the program's calls cannot reach our wrappers because another
 * definition comes first in the global lookup order (libc preloaded ahead
 * of us): kashim then does nothing, and the operator should know why.
 */
static void kashim_check_shadowed(void)
{
	if (dlsym(RTLD_DEFAULT, "connect") != (void *)kashim_own_connect ||
	    dlsym(RTLD_DEFAULT, "accept") != (void *)kashim_own_accept)
		kashim_log("another library ahead of libkashim.so in LD_PRELOAD defines "
			   "accept/connect, so kashim is not reached; put libkashim.so first");
}

static void kashim_warn(enum kashim_var var, const char *message)
{
	const char *fallback = "keeping the system default";

	if (var == KASHIM_VAR_KEEPALIVE)
		fallback = "keeping keepalive on";
	else if (var == KASHIM_VAR_DEBUG)
		fallback = "keeping debug off";
	else if (var == KASHIM_VAR_USER_TIMEOUT)
		fallback = "leaving TCP_USER_TIMEOUT unset";
	kashim_log("%s; %s", message, fallback);
}

/* Append " name=value" when the option is configured. */
static size_t kashim_describe_option(char *buf, size_t size, const char *name,
				     int value, const char *unit)
{
	if (value == KASHIM_UNSET)
		return 0;
	return kashim_format(buf, size, " %s=%d%s", name, value, unit);
}

static size_t kashim_describe_config(char *buf, size_t size)
{
	size_t len = 0;

	len += kashim_describe_option(buf + len, size - len, "idle", kashim_cfg.keepidle, "");
	len += kashim_describe_option(buf + len, size - len, "intvl", kashim_cfg.keepintvl, "");
	len += kashim_describe_option(buf + len, size - len, "cnt", kashim_cfg.keepcnt, "");
	len += kashim_describe_option(buf + len, size - len, "user_timeout",
				      kashim_cfg.user_timeout, "ms");
	if (len == 0)
		len = kashim_format(buf, size, " (system timers)");
	return len;
}

static const char *kashim_getenv(const char *name)
{
	return getenv(name);
}

static void kashim_init(void)
{
	struct kashim_system_timers system;
	char described[128];

	kashim_real_accept = (kashim_accept_fn)kashim_bind("accept", (void *)kashim_own_accept);
	kashim_real_accept4 = (kashim_accept4_fn)kashim_bind("accept4", (void *)kashim_own_accept4);
	kashim_real_connect = (kashim_connect_fn)kashim_bind("connect", (void *)kashim_own_connect);

	kashim_read_system_timers(&system);
	kashim_config_load(&kashim_cfg, kashim_getenv, kashim_warn, &system);
	if (kashim_cfg.enabled)
		kashim_check_shadowed();
	if (kashim_cfg.debug) {
		kashim_describe_config(described, sizeof described);
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

/* One debug line for a configured socket; only with KASHIM_DEBUG. Keeps errno. */
static void kashim_debug_socket(const char *call, int fd, const struct sockaddr *peer,
				socklen_t peer_length, int failed)
{
	struct sockaddr_storage local;
	socklen_t local_length = sizeof local;
	char local_text[64], peer_text[64], described[128];
	int saved_errno = errno;

	if (peer == NULL) {
		struct sockaddr_storage peer_buf;

		peer_length = sizeof peer_buf;
		if (getpeername(fd, (struct sockaddr *)&peer_buf, &peer_length) != 0)
			peer_length = 0;
		kashim_format_sockaddr(peer_text, sizeof peer_text,
				       (struct sockaddr *)&peer_buf, peer_length);
	} else {
		kashim_format_sockaddr(peer_text, sizeof peer_text, peer, peer_length);
	}
	kashim_describe_config(described, sizeof described);
	if (peer != NULL) {
		/* connect: the local address is not chosen yet */
		kashim_log("%s fd=%d ->%s keepalive%s%s", call, fd, peer_text, described,
			   failed ? " (some options refused)" : "");
		errno = saved_errno;
		return;
	}
	if (getsockname(fd, (struct sockaddr *)&local, &local_length) != 0)
		local_length = 0;
	kashim_format_sockaddr(local_text, sizeof local_text,
			       (struct sockaddr *)&local, local_length);
	kashim_log("%s fd=%d %s<-%s keepalive%s%s", call, fd, local_text, peer_text,
		   described, failed ? " (some options refused)" : "");
	errno = saved_errno;
}

static void kashim_after_accept(const char *call, int fd)
{
	int failed;

	if (fd < 0 || !kashim_cfg.enabled)
		return;
	failed = kashim_configure(&kashim_cfg, fd);
	if (kashim_cfg.debug && failed != KASHIM_NOT_TCP)
		kashim_debug_socket(call, fd, NULL, 0, failed);
}

KASHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	int new_fd;

	kashim_ensure_init();
	new_fd = kashim_real_accept(fd, addr, addrlen);
	kashim_after_accept("accept", new_fd);
	return new_fd;
}

KASHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	int new_fd;

	kashim_ensure_init();
	new_fd = kashim_real_accept4(fd, addr, addrlen, flags);
	kashim_after_accept("accept4", new_fd);
	return new_fd;
}

/*
 * Options go on before the real connect, so that connect's own result and
 * errno (EINPROGRESS, ECONNREFUSED, ...) are the last word, and so that the
 * keepalive timer starts when the handshake completes.
 */
KASHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	kashim_ensure_init();
	if (kashim_cfg.enabled && addr != NULL && addrlen >= (socklen_t)sizeof(sa_family_t) &&
	    (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
		int failed = kashim_configure(&kashim_cfg, fd);

		if (kashim_cfg.debug && failed != KASHIM_NOT_TCP)
			kashim_debug_socket("connect", fd, addr, addrlen, failed);
	}
	return kashim_real_connect(fd, addr, addrlen);
}

int kashim_own_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
	__attribute__((alias("accept")));
int kashim_own_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
	__attribute__((alias("accept4")));
int kashim_own_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
	__attribute__((alias("connect")));
