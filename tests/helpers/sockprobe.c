/*
 * sockprobe: make real sockets the way an ordinary program would (it never
 * sets a keepalive option itself) and print, as key=value lines, what the
 * kernel reports back. Run with and without libkashim.so preloaded.
 *
 *   sockprobe pair [-6|-m] [--accept4 FLAGS] [--nonblock-connect] [--port PORT]
 *                  [--raw-listen] [--raw-accept] [--dunder-connect] [--autobind]
 *                  [--listener-keepalive IDLE] [--connect-keepalive IDLE]
 *       one loopback connection; FLAGS is none, nonblock, cloexec or
 *       nonblock,cloexec; -6 uses ::1, -m a v4-mapped address. --raw-*
 *       make the call with syscall(2), out of libc's (and kashim's) reach;
 *       --dunder-connect calls glibc's __connect alias. --*-keepalive:
 *       the program turns SO_KEEPALIVE on with TCP_KEEPIDLE=IDLE itself,
 *       on the listener before listen / on the client before connect;
 *       --autobind leaves the listener unbound, for listen to pick a port
 *   sockprobe reuse accepted|direct|dup2
 *       a listener made by listen() is closed and its fd number reused:
 *       first by an accepted socket, then by a listener listening by raw
 *       syscall (accepted), or at once by that listener (direct), or by
 *       such a listener made on another number and dup2()ed onto it
 *       (dup2); prints the options of a socket accepted from the last one
 *   sockprobe acceptcost COUNT [--raw-listen]
 *       median and mean nanoseconds of one accept(2) call, over COUNT
 *       loopback connections
 *   sockprobe unix | udp
 *       a unix stream connection / a connected UDP socket
 *   sockprobe errno CASE
 *       one call whose return value and errno are printed
 *   sockprobe errno-kept accept|accept4|connect|listen
 *       a successful call: is the caller's errno still there after it?
 *   sockprobe errno-all CASE...
 *       each CASE (CALL-KIND[-raw], e.g. accept-unix-raw) in a child:
 *       the call with errno set to EDOM before it; prints ret, errno
 *       ("kept" when EDOM is still there) and the socket's keepalive
 *   sockprobe threads THREADS CONNECTIONS IDLE
 *       every connection's both ends must carry keepalive with IDLE
 *   sockprobe fork | clearenv
 *       pair, in a forked child / after wiping the environment
 *   sockprobe secure
 *       pair, after printing whether the process runs in secure-execution
 *       mode (AT_SECURE) and whether libkashim.so is mapped into it
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_util.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define die(what) do { perror(what); exit(3); } while (0)

struct pair_options {
	int family;          /* AF_INET or AF_INET6 */
	int mapped;          /* connect to ::ffff:127.0.0.1 on a dual-stack listener */
	int use_accept4;
	int accept4_flags;
	int nonblock_connect;
	int port;              /* listen on this port; 0: any free one */
	int raw_listen;        /* listen by syscall(SYS_listen) */
	int raw_accept;        /* accept by syscall(SYS_accept4) */
	/* cppcheck-suppress unusedStructMember ; read only where __GLIBC__ is defined */
	int dunder_connect;    /* connect through glibc's __connect */
	int listener_idle;     /* >0: keepalive set on the listener by the program */
	int connect_idle;      /* >0: keepalive set on the client by the program */
	int autobind;          /* no bind: listen picks an ephemeral port */
};

#ifdef __GLIBC__
/* glibc exports connect under this name too; no header declares it. */
extern int __connect(int fd, const struct sockaddr *addr, socklen_t length);
#endif

/* The program's own keepalive choice, as curl or redis would make it. */
static void set_own_keepalive(int fd, int idle)
{
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) != 0)
		die("own keepalive");
}

/* A listener on loopback (or [::] for the mapped case), any free port. */
static int make_listener(const struct pair_options *opt, struct sockaddr_storage *target,
			 socklen_t *target_length)
{
	struct sockaddr_storage bound;
	socklen_t bound_length = sizeof bound;
	int fd, off = 0;

	memset(target, 0, sizeof *target);
	if (opt->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)target;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons((unsigned short)opt->port);
		*target_length = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)target;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = opt->mapped ? in6addr_any : in6addr_loopback;
		in6->sin6_port = htons((unsigned short)opt->port);
		*target_length = sizeof *in6;
	}
	fd = socket(opt->family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (opt->mapped && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0)
		die("IPV6_V6ONLY");
	if (opt->port != 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int)) != 0)
		die("SO_REUSEADDR");
	if (!opt->autobind && bind(fd, (struct sockaddr *)target, *target_length) != 0)
		die("bind");
	if (opt->listener_idle > 0)
		set_own_keepalive(fd, opt->listener_idle);
	if ((opt->raw_listen ? syscall(SYS_listen, fd, 64) : listen(fd, 64)) != 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&bound, &bound_length) != 0)
		die("getsockname");
	if (opt->family == AF_INET) {
		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign): getsockname filled it */
		((struct sockaddr_in *)target)->sin_port = ((struct sockaddr_in *)&bound)->sin_port;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)target;

		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign): as above */
		in6->sin6_port = ((struct sockaddr_in6 *)&bound)->sin6_port;
		if (opt->mapped) { /* connect to ::ffff:127.0.0.1 */
			static const unsigned char mapped[16] = {
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };

			memcpy(in6->sin6_addr.s6_addr, mapped, sizeof mapped);
		}
	}
	return fd;
}

/* Connect, blocking or not; print connect's own result and errno. */
static int connect_to(const struct pair_options *opt, const struct sockaddr_storage *target,
		      socklen_t target_length)
{
	int fd = socket(opt->family, SOCK_STREAM | (opt->nonblock_connect ? SOCK_NONBLOCK : 0), 0);
	int ret, saved;

	if (fd < 0)
		die("socket");
	if (opt->connect_idle > 0)
		set_own_keepalive(fd, opt->connect_idle);
	errno = 0;
#ifdef __GLIBC__
	if (opt->dunder_connect)
		ret = __connect(fd, (const struct sockaddr *)target, target_length);
	else
#endif
		ret = connect(fd, (const struct sockaddr *)target, target_length);
	saved = errno;
	printf("connect.ret=%d\n", ret);
	printf("connect.errno=%d\n", ret == 0 ? 0 : saved);
	if (ret != 0 && saved == EINPROGRESS) {
		struct pollfd pfd = { fd, POLLOUT, 0 };

		if (poll(&pfd, 1, 5000) != 1 || get_int(fd, SOL_SOCKET, SO_ERROR) != 0)
			die("non-blocking connect");
	} else if (ret != 0) {
		die("connect");
	}
	return fd;
}

static int run_pair(const struct pair_options *opt)
{
	struct sockaddr_storage target, peer;
	socklen_t target_length, peer_length = sizeof peer;
	int listener, client, accepted, flags;

	listener = make_listener(opt, &target, &target_length);
	client = connect_to(opt, &target, target_length);
	memset(&peer, 0, sizeof peer);
	if (opt->raw_accept)
		accepted = (int)syscall(SYS_accept4, listener, (struct sockaddr *)&peer,
					&peer_length, opt->accept4_flags);
	else if (opt->use_accept4)
		accepted = accept4(listener, (struct sockaddr *)&peer, &peer_length,
				   opt->accept4_flags);
	else
		accepted = accept(listener, (struct sockaddr *)&peer, &peer_length);
	if (accepted < 0)
		die("accept");
	printf("accept.addrlen=%u\n", (unsigned)peer_length);
	printf("accept.family=%d\n", peer.ss_family);
	flags = fcntl(accepted, F_GETFL);
	printf("accepted.nonblock=%d\n", (flags & O_NONBLOCK) != 0);
	printf("accepted.cloexec=%d\n", (fcntl(accepted, F_GETFD) & FD_CLOEXEC) != 0);
	print_options("connected", client);
	print_options("accepted", accepted);
	print_options("listener", listener);
	close(accepted);
	close(client);
	close(listener);
	return 0;
}

static int run_unix(void)
{
	struct sockaddr_un addr;
	int listener, client, accepted, ret;

	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	/* abstract namespace: nothing to clean up on disk */
	snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "sockprobe-%ld", (long)getpid());
	listener = socket(AF_UNIX, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(listener, 1) != 0)
		die("unix listener");
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	ret = connect(client, (struct sockaddr *)&addr, sizeof addr);
	printf("connect.ret=%d\n", ret);
	accepted = accept(listener, NULL, NULL);
	if (accepted < 0)
		die("accept");
	printf("unix.connected.keepalive=%d\n", get_int(client, SOL_SOCKET, SO_KEEPALIVE));
	printf("unix.accepted.keepalive=%d\n", get_int(accepted, SOL_SOCKET, SO_KEEPALIVE));
	return 0;
}

static int run_udp(void)
{
	struct sockaddr_in addr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int ret;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(9); /* discard; UDP connect sends nothing */
	ret = connect(fd, (struct sockaddr *)&addr, sizeof addr);
	printf("connect.ret=%d\n", ret);
	printf("udp.keepalive=%d\n", get_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	return 0;
}

static const char *errno_name(int error)
{
	static const struct { int value; const char *name; } names[] = {
		{ 0, "0" }, { EBADF, "EBADF" }, { ENOTSOCK, "ENOTSOCK" },
		{ EAGAIN, "EAGAIN" }, { EINVAL, "EINVAL" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ EINPROGRESS, "EINPROGRESS" }, { EISCONN, "EISCONN" }, { EFAULT, "EFAULT" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EALREADY, "EALREADY" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENOPROTOOPT, "ENOPROTOOPT" },
		{ ENOTCONN, "ENOTCONN" }, { EPIPE, "EPIPE" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	};
	static char unknown[32];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].value == error)
			return names[i].name;
	snprintf(unknown, sizeof unknown, "errno%d", error);
	return unknown;
}

/* A loopback port with nothing listening: bound, so no one else takes it. */
static int reserve_closed_port(struct sockaddr_in *addr)
{
	socklen_t length = sizeof *addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &length) != 0)
		die("reserve port");
	return fd;
}

static int run_errno(const char *which)
{
	struct pair_options opt = { .family = AF_INET };
	struct sockaddr_storage target;
	struct sockaddr_in closed;
	socklen_t target_length;
	int ret = 0, fd, listener;

	errno = 0;
	if (strcmp(which, "accept-notsock") == 0) {
		fd = open("/dev/null", O_RDONLY);
		ret = accept(fd, NULL, NULL);
	} else if (strcmp(which, "accept-badfd") == 0) {
		ret = accept(987, NULL, NULL);
	} else if (strcmp(which, "accept-eagain") == 0) {
		listener = make_listener(&opt, &target, &target_length);
		fcntl(listener, F_SETFL, O_NONBLOCK);
		ret = accept(listener, NULL, NULL);
	} else if (strcmp(which, "accept4-eagain") == 0) {
		listener = make_listener(&opt, &target, &target_length);
		fcntl(listener, F_SETFL, O_NONBLOCK);
		ret = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	} else if (strcmp(which, "accept4-badflags") == 0) {
		listener = make_listener(&opt, &target, &target_length);
		ret = accept4(listener, NULL, NULL, 0x40000000);
	} else if (strcmp(which, "connect-refused") == 0) {
		reserve_closed_port(&closed);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ret = connect(fd, (struct sockaddr *)&closed, sizeof closed);
	} else if (strcmp(which, "connect-inprogress") == 0) {
		(void)make_listener(&opt, &target, &target_length); /* open until exit */
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ret = connect(fd, (struct sockaddr *)&target, target_length);
	} else if (strcmp(which, "connect-eisconn") == 0) {
		(void)make_listener(&opt, &target, &target_length); /* open until exit */
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&target, target_length) != 0)
			die("first connect");
		errno = 0;
		ret = connect(fd, (struct sockaddr *)&target, target_length);
	} else if (strcmp(which, "connect-unspec") == 0) {
		/* a fresh socket, so "left untouched" can be seen afterwards */
		struct sockaddr unspec;

		fd = socket(AF_INET, SOCK_STREAM, 0);
		memset(&unspec, 0, sizeof unspec);
		unspec.sa_family = AF_UNSPEC;
		ret = connect(fd, &unspec, sizeof unspec);
		printf("after.keepalive=%d\n", get_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	} else if (strcmp(which, "connect-null") == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ret = connect(fd, NULL, 0);
		printf("after.keepalive=%d\n", get_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	} else if (strcmp(which, "connect-badfd") == 0) {
		reserve_closed_port(&closed);
		ret = connect(987, (struct sockaddr *)&closed, sizeof closed);
	} else if (strcmp(which, "connect-notsock") == 0) {
		reserve_closed_port(&closed);
		fd = open("/dev/null", O_RDONLY);
		ret = connect(fd, (struct sockaddr *)&closed, sizeof closed);
	} else {
		fprintf(stderr, "sockprobe: unknown errno case %s\n", which);
		return 2;
	}
	printf("ret=%d errno=%s\n", ret, errno_name(ret == 0 ? 0 : errno));
	return 0;
}

/*
 * A successful call must leave errno as the caller had it: glibc does not
 * touch it on success, and a program may read it afterwards (libkeepalive
 * left EINVAL there). EDOM is set first and printed after, with the
 * socket's SO_KEEPALIVE to show the shim really did its work. The listener
 * is made by raw syscall so that accept, not the listen hook, configures.
 */
static int run_errno_kept(const char *which)
{
	struct pair_options opt = { .family = AF_INET, .raw_listen = 1 };
	struct sockaddr_storage target;
	socklen_t target_length;
	int listener = make_listener(&opt, &target, &target_length);
	int client = socket(AF_INET, SOCK_STREAM, 0);
	int ret, after, configured_fd;

	if (client < 0)
		die("socket");
	if (strcmp(which, "connect") == 0) {
		errno = EDOM;
		ret = connect(client, (struct sockaddr *)&target, target_length);
		after = errno;
		configured_fd = client;
	} else if (strcmp(which, "listen") == 0) {
		configured_fd = socket(AF_INET, SOCK_STREAM, 0);
		errno = EDOM;
		ret = listen(configured_fd, 1);
		after = errno;
	} else {
		if (connect(client, (struct sockaddr *)&target, target_length) != 0)
			die("connect");
		errno = EDOM;
		if (strcmp(which, "accept") == 0)
			ret = accept(listener, NULL, NULL);
		else
			ret = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		after = errno;
		configured_fd = ret;
	}
	printf("ok=%d errno=%s keepalive=%d\n", ret >= 0, after == EDOM ? "kept" : errno_name(after),
	       get_int(configured_fd, SOL_SOCKET, SO_KEEPALIVE));
	return 0;
}

/*
 * Every interposed call, on success and on failure, for TCP, UDP, unix,
 * MPTCP (a socket on which one of kashim's setsockopt calls fails) and a
 * closed fd: errno is set to EDOM just before the call and printed just
 * after ("kept" when still EDOM), with the call's return value and the
 * keepalive of the socket kashim would have configured (-1: none). Run
 * with and without the shim, the lines must be the same but for the
 * keepalive. Listeners made by raw syscall are ones kashim did not see,
 * so that accept, not listen, configures.
 */
struct errno_case {
	long ret;
	int error;
	int fd; /* the socket to read SO_KEEPALIVE from afterwards, or -1 */
};

/* A fresh socket of kind ("tcp", "udp", "unix", "mptcp"), or -1. */
static int kind_socket(const char *kind)
{
	if (strcmp(kind, "udp") == 0)
		return socket(AF_INET, SOCK_DGRAM, 0);
	if (strcmp(kind, "unix") == 0)
		return socket(AF_UNIX, SOCK_STREAM, 0);
	if (strcmp(kind, "mptcp") == 0)
		return socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	return socket(AF_INET, SOCK_STREAM, 0);
}

/* A unique abstract unix address: nothing to clean up on disk. */
static socklen_t unix_address(struct sockaddr_storage *addr)
{
	static int serial;
	struct sockaddr_un *un = (struct sockaddr_un *)addr;

	memset(addr, 0, sizeof *addr);
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path + 1, sizeof un->sun_path - 1, "sockprobe-errno-%ld-%d",
		 (long)getpid(), serial++);
	return (socklen_t)sizeof *un;
}

/* A listener of kind bound to a free address, listening (by syscall when
 * raw, out of kashim's reach); its address in *addr. */
static int kind_listener(const char *kind, int raw, struct sockaddr_storage *addr,
			 socklen_t *length)
{
	int fd = kind_socket(kind);

	if (fd < 0)
		die("errno-all listener");
	if (strcmp(kind, "unix") == 0) {
		*length = unix_address(addr);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)addr;

		memset(addr, 0, sizeof *addr);
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*length = sizeof *in;
	}
	if (bind(fd, (struct sockaddr *)addr, *length) != 0 ||
	    getsockname(fd, (struct sockaddr *)addr, length) != 0)
		die("errno-all bind");
	if (strcmp(kind, "udp") != 0 && (raw ? syscall(SYS_listen, fd, 8) : listen(fd, 8)) != 0)
		die("errno-all listen");
	return fd;
}

/* An fd number that was a socket and is closed now. */
static int closed_fd(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	close(fd);
	return fd;
}

#define SENTINEL_CALL(result, call) \
	do {                            \
		errno = EDOM;               \
		(result).ret = (call);      \
		(result).error = errno;     \
	} while (0)

static struct errno_case errno_socket(const char *kind)
{
	struct errno_case c = { 0, 0, -1 };

	if (strcmp(kind, "bad") == 0)
		SENTINEL_CALL(c, socket(12345, SOCK_STREAM, 0));
	else if (strcmp(kind, "udp") == 0)
		SENTINEL_CALL(c, socket(AF_INET, SOCK_DGRAM, 0));
	else if (strcmp(kind, "unix") == 0)
		SENTINEL_CALL(c, socket(AF_UNIX, SOCK_STREAM, 0));
	else if (strcmp(kind, "mptcp") == 0)
		SENTINEL_CALL(c, socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP));
	else
		SENTINEL_CALL(c, socket(AF_INET, SOCK_STREAM, 0));
	c.fd = (int)c.ret;
	c.ret = c.ret >= 0 ? 0 : c.ret; /* the number is not the point */
	return c;
}

static struct errno_case errno_listen(const char *kind)
{
	struct errno_case c = { 0, 0, -1 };
	struct sockaddr_storage addr;
	socklen_t length;

	if (strcmp(kind, "closed") == 0) {
		SENTINEL_CALL(c, listen(closed_fd(), 8));
		return c;
	}
	if (strcmp(kind, "unbound") == 0) { /* listen picks the port */
		c.fd = kind_socket("tcp");
	} else {
		c.fd = kind_listener(kind, 0, &addr, &length);
		if (strcmp(kind, "udp") != 0) { /* listening already: a fresh one */
			close(c.fd);
			c.fd = kind_socket(kind);
			if (strcmp(kind, "unix") == 0)
				length = unix_address(&addr);
			else
				((struct sockaddr_in *)&addr)->sin_port = 0;
			if (bind(c.fd, (struct sockaddr *)&addr, length) != 0)
				die("errno-all bind");
		}
	}
	SENTINEL_CALL(c, listen(c.fd, 8));
	return c;
}

/* accept or accept4 (how) on a listener of kind; raw: one kashim did not see. */
static struct errno_case errno_accept(const char *how, const char *kind, int raw)
{
	struct errno_case c = { 0, 0, -1 };
	struct sockaddr_storage addr;
	socklen_t length;
	int listener, client;

	if (strcmp(kind, "closed") == 0) {
		listener = closed_fd();
	} else {
		listener = kind_listener(kind, raw, &addr, &length);
		client = kind_socket(kind);
		if (strcmp(kind, "eagain") == 0)
			fcntl(listener, F_SETFL, O_NONBLOCK);
		else if (client < 0 || connect(client, (struct sockaddr *)&addr, length) != 0)
			die("errno-all connect");
	}
	if (strcmp(how, "accept4") == 0)
		SENTINEL_CALL(c, accept4(listener, NULL, NULL, SOCK_CLOEXEC));
	else
		SENTINEL_CALL(c, accept(listener, NULL, NULL));
	c.fd = (int)c.ret;
	c.ret = c.ret >= 0 ? 0 : c.ret;
	return c;
}

/*
 * connect, or sendto/sendmsg with MSG_FASTOPEN (how), from a socket of
 * kind to a listener of kind; "refused" a TCP port nothing listens on.
 */
static struct errno_case errno_connect(const char *how, const char *kind)
{
	struct errno_case c = { 0, 0, -1 };
	struct sockaddr_storage addr;
	socklen_t length;
	int fd;

	if (strcmp(kind, "refused") == 0) {
		(void)reserve_closed_port((struct sockaddr_in *)&addr);
		length = sizeof(struct sockaddr_in);
		fd = kind_socket("tcp");
	} else if (strcmp(kind, "closed") == 0) {
		(void)reserve_closed_port((struct sockaddr_in *)&addr);
		length = sizeof(struct sockaddr_in);
		fd = closed_fd();
	} else {
		(void)kind_listener(kind, 0, &addr, &length); /* open until exit */
		fd = kind_socket(kind);
	}
	if (strcmp(how, "sendto") == 0) {
		SENTINEL_CALL(c, sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&addr, length));
	} else if (strcmp(how, "sendmsg") == 0) {
		struct iovec data = { .iov_base = "x", .iov_len = 1 };
		struct msghdr msg = { .msg_name = &addr, .msg_namelen = length,
				      .msg_iov = &data, .msg_iovlen = 1 };

		SENTINEL_CALL(c, sendmsg(fd, &msg, MSG_FASTOPEN));
	} else {
		SENTINEL_CALL(c, connect(fd, (struct sockaddr *)&addr, length));
	}
	c.fd = fd;
	return c;
}

/* One case by name: CALL-KIND[-raw]. */
static int run_errno_case(const char *name)
{
	char call[16], kind[16];
	int raw = strstr(name, "-raw") != NULL;
	struct errno_case c;

	if (sscanf(name, "%15[^-]-%15[^-]", call, kind) != 2) {
		fprintf(stderr, "sockprobe: bad errno-all case %s\n", name);
		return 2;
	}
	if (strcmp(call, "socket") == 0)
		c = errno_socket(kind);
	else if (strcmp(call, "listen") == 0)
		c = errno_listen(kind);
	else if (strcmp(call, "accept") == 0 || strcmp(call, "accept4") == 0)
		c = errno_accept(call, kind, raw);
	else if (strcmp(call, "connect") == 0 || strcmp(call, "sendto") == 0 ||
		 strcmp(call, "sendmsg") == 0)
		c = errno_connect(call, kind);
	else {
		fprintf(stderr, "sockprobe: bad errno-all call %s\n", call);
		return 2;
	}
	printf("%s ret=%ld errno=%s keepalive=%d\n", name, c.ret,
	       c.error == EDOM ? "kept" : errno_name(c.error),
	       c.fd >= 0 ? get_int(c.fd, SOL_SOCKET, SO_KEEPALIVE) : -1);
	return 0;
}

/* Each named case in a child of its own, so fds and ports never mix. */
static int run_errno_all(int count, char **names)
{
	int i, status = 0;

	for (i = 0; i < count; i++) {
		pid_t child = fork();
		int child_status;

		if (child < 0)
			die("fork");
		if (child == 0)
			exit(run_errno_case(names[i]));
		if (waitpid(child, &child_status, 0) != child || !WIFEXITED(child_status) ||
		    WEXITSTATUS(child_status) != 0)
			status = 1;
	}
	return status;
}

struct thread_job {
	int connections;
	int idle;
	int configured;
};

/* Each thread has its own listener, so accept always gets its own peer. */
static void *thread_main(void *arg)
{
	struct thread_job *job = arg;
	struct pair_options opt = { .family = AF_INET };
	struct sockaddr_storage target;
	socklen_t target_length;
	struct linger reset = { 1, 0 };
	int listener = make_listener(&opt, &target, &target_length);
	int i;

	for (i = 0; i < job->connections; i++) {
		int client = socket(AF_INET, SOCK_STREAM, 0);
		int accepted;

		if (client < 0 || connect(client, (struct sockaddr *)&target, target_length) != 0)
			die("thread connect");
		accepted = accept(listener, NULL, NULL);
		if (accepted < 0)
			die("thread accept");
		if (get_int(client, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
		    get_int(client, IPPROTO_TCP, TCP_KEEPIDLE) == job->idle &&
		    get_int(accepted, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
		    get_int(accepted, IPPROTO_TCP, TCP_KEEPIDLE) == job->idle)
			job->configured++;
		/* RST instead of FIN: no TIME_WAIT, so ports are never exhausted */
		setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
		close(client);
		close(accepted);
	}
	close(listener);
	return NULL;
}

static int run_threads(int threads, int connections, int idle)
{
	pthread_t ids[64];
	struct thread_job jobs[64];
	int i, configured = 0;

	if (threads < 1 || threads > 64)
		threads = 1;
	for (i = 0; i < threads; i++) {
		jobs[i].connections = connections;
		jobs[i].idle = idle;
		jobs[i].configured = 0;
		if (pthread_create(&ids[i], NULL, thread_main, &jobs[i]) != 0)
			die("pthread_create");
	}
	for (i = 0; i < threads; i++) {
		pthread_join(ids[i], NULL);
		configured += jobs[i].configured;
	}
	printf("connections=%d\nconfigured=%d\n", threads * connections, configured);
	return 0;
}

/*
 * The fd-reuse cases of the listen hook's mark: see the usage above.
 * Returns the fd number each listener got, so the test can see that the
 * number really was reused.
 */
static int run_reuse(const char *how)
{
	struct pair_options hooked = { .family = AF_INET };
	struct pair_options raw = { .family = AF_INET, .raw_listen = 1 };
	struct sockaddr_storage target, other_target;
	socklen_t target_length, other_length;
	int other, first, client, accepted, last;

	other = make_listener(&raw, &other_target, &other_length);
	first = make_listener(&hooked, &target, &target_length);
	client = connect_to(&raw, &other_target, other_length);
	printf("first.fd=%d\n", first);
	close(first);
	if (strcmp(how, "accepted") == 0) {
		accepted = accept(other, NULL, NULL); /* takes first's number */
		printf("accepted.fd=%d\n", accepted);
		close(accepted);
	}
	if (strcmp(how, "dup2") == 0) {
		/* made on another number while /dev/null holds first's, so that
		 * socket() never sees first's number handed out again */
		int hold = open("/dev/null", O_RDONLY);

		last = make_listener(&raw, &target, &target_length);
		close(hold);
		if (hold != first || dup2(last, first) != first)
			die("dup2");
		close(last);
		last = first;
	} else {
		last = make_listener(&raw, &target, &target_length);
	}
	printf("last.fd=%d\n", last);
	close(client);
	(void)connect_to(&raw, &target, target_length); /* open until exit */
	accepted = accept(last, NULL, NULL);
	if (accepted < 0)
		die("accept");
	print_options("accepted", accepted);
	return 0;
}

/*
 * Time accept(2) alone: the client connects by raw syscall so that the
 * shim's connect side does not get in the measurement, and is reset
 * (SO_LINGER 0) so that TIME_WAIT never runs out of ports.
 */
static int run_acceptcost(const struct pair_options *opt, int count)
{
	struct sockaddr_storage target;
	socklen_t target_length;
	struct linger reset = { 1, 0 };
	long long *took, total = 0;
	int listener = make_listener(opt, &target, &target_length);
	int i;

	took = calloc((size_t)count, sizeof *took);
	if (took == NULL || count < 1)
		die("acceptcost");
	for (i = 0; i < count; i++) {
		int client = socket(AF_INET, SOCK_STREAM, 0), accepted;
		long long start;

		if (client < 0 ||
		    syscall(SYS_connect, client, (struct sockaddr *)&target, target_length) != 0)
			die("acceptcost connect");
		start = now_ns();
		accepted = accept(listener, NULL, NULL);
		took[i] = now_ns() - start;
		if (accepted < 0)
			die("acceptcost accept");
		if (i == 0 && get_int(accepted, IPPROTO_TCP, TCP_KEEPIDLE) < 0)
			die("acceptcost getsockopt");
		total += took[i];
		setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
		close(client);
		close(accepted);
	}
	qsort(took, (size_t)count, sizeof *took, compare_ll);
	printf("accepts=%d\nmedian_ns=%lld\nmean_ns=%lld\n", count, took[count / 2],
	       total / count);
	free(took);
	return 0;
}

/* AT_SECURE, and whether the shim is loaded at all (so that "untouched"
 * cannot just mean "never loaded"). */
static void print_secure(void)
{
	char line[512];
	int mapped = 0;
	FILE *maps = fopen("/proc/self/maps", "r");

	while (maps != NULL && fgets(line, sizeof line, maps) != NULL)
		if (strstr(line, "/libkashim.so") != NULL)
			mapped = 1;
	if (maps != NULL)
		fclose(maps);
	printf("at_secure=%lu\n", getauxval(AT_SECURE));
	printf("kashim.mapped=%d\n", mapped);
}

static int parse_accept4_flags(const char *text)
{
	int flags = 0;

	if (strstr(text, "nonblock") != NULL)
		flags |= SOCK_NONBLOCK;
	if (strstr(text, "cloexec") != NULL)
		flags |= SOCK_CLOEXEC;
	return flags;
}

int main(int argc, char **argv)
{
	struct pair_options opt = { .family = AF_INET };
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: sockprobe pair|unix|udp|errno|threads|fork|clearenv ...\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-6") == 0) {
			opt.family = AF_INET6;
		} else if (strcmp(argv[i], "-m") == 0) {
			opt.family = AF_INET6;
			opt.mapped = 1;
		} else if (strcmp(argv[i], "--accept4") == 0 && i + 1 < argc) {
			opt.use_accept4 = 1;
			opt.accept4_flags = parse_accept4_flags(argv[++i]);
		} else if (strcmp(argv[i], "--nonblock-connect") == 0) {
			opt.nonblock_connect = 1;
		} else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			opt.port = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--raw-listen") == 0) {
			opt.raw_listen = 1;
		} else if (strcmp(argv[i], "--autobind") == 0) {
			opt.autobind = 1;
		} else if (strcmp(argv[i], "--raw-accept") == 0) {
			opt.raw_accept = 1;
		} else if (strcmp(argv[i], "--dunder-connect") == 0) {
#ifdef __GLIBC__
			opt.dunder_connect = 1;
#else
			fprintf(stderr, "sockprobe: __connect is glibc's\n");
			return 77;
#endif
		} else if (strcmp(argv[i], "--listener-keepalive") == 0 && i + 1 < argc) {
			opt.listener_idle = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--connect-keepalive") == 0 && i + 1 < argc) {
			opt.connect_idle = atoi(argv[++i]);
		}
	}
	if (strcmp(argv[1], "pair") == 0)
		return run_pair(&opt);
	if (strcmp(argv[1], "reuse") == 0 && argc == 3)
		return run_reuse(argv[2]);
	if (strcmp(argv[1], "acceptcost") == 0 && argc >= 3)
		return run_acceptcost(&opt, atoi(argv[2]));
	if (strcmp(argv[1], "unix") == 0)
		return run_unix();
	if (strcmp(argv[1], "udp") == 0)
		return run_udp();
	if (strcmp(argv[1], "errno-kept") == 0 && argc == 3)
		return run_errno_kept(argv[2]);
	if (strcmp(argv[1], "errno-all") == 0 && argc >= 3)
		return run_errno_all(argc - 2, argv + 2);
	if (strcmp(argv[1], "errno") == 0 && argc == 3)
		return run_errno(argv[2]);
	if (strcmp(argv[1], "threads") == 0 && argc == 5)
		return run_threads(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (strcmp(argv[1], "secure") == 0) {
		print_secure();
		return run_pair(&opt);
	}
	if (strcmp(argv[1], "fork") == 0) {
		pid_t child = fork();
		int status;

		if (child < 0)
			die("fork");
		if (child == 0)
			return run_pair(&opt);
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
			die("waitpid");
		return WEXITSTATUS(status);
	}
	if (strcmp(argv[1], "clearenv") == 0) {
		clearenv();
		printf("environ.cleared=%d\n", getenv("KASHIM_KEEPIDLE") == NULL);
		return run_pair(&opt);
	}
	fprintf(stderr, "sockprobe: unknown command %s\n", argv[1]);
	return 2;
}
