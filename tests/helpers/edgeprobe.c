/*
 * edgeprobe: the cases a wider run under real programs broke, each as one
 * small program that behaves as those programs do (it never sets a
 * keepalive option unless the case says the program does). Prints
 * key=value lines; run it with and without libkashim.so preloaded.
 *
 *   edgeprobe efault bad|partial|sendto
 *       libc's connect (or sendto with MSG_FASTOPEN) with an address the
 *       kernel cannot read: the pointer 1, or a sockaddr_in of which only
 *       the first 6 bytes are mapped; prints ret, errno and the socket's
 *       keepalive afterwards
 *   edgeprobe relisten off|own
 *       listen, then the program turns keepalive off (or sets its own
 *       idle time of 77 s) and calls listen again, as nginx does with
 *       so_keepalive; prints the options of an accepted socket
 *   edgeprobe shutdown-listen
 *       listen, keepalive off, shutdown, listen again; accepted socket's
 *   edgeprobe reconnect
 *       non-blocking connect, the program turns keepalive off, polls, and
 *       calls connect again to see it completed; prints the client's
 *   edgeprobe fdreuse
 *       connect, close, a new socket on the same number connects too;
 *       prints the second socket's options
 *   edgeprobe mptcp
 *       an MPTCP listener and client; exits 77 when the kernel has none
 *   edgeprobe fastopen sendto|sendmsg
 *       a TCP Fast Open client, which never calls connect; exits 77 when
 *       the kernel refuses client Fast Open
 *   edgeprobe unix-keepalive
 *       a unix stream listener on which the program turned SO_KEEPALIVE on
 *   edgeprobe backlog THREADS QUEUED
 *       a listener listening by raw syscall (as one inherited from a
 *       socket-activating parent would be) holds QUEUED connections when
 *       the program calls listen() on it; QUEUED more come after; THREADS
 *       threads accept all of them at once. Prints how many accepted
 *       sockets carry keepalive
 *   edgeprobe udpcost COUNT
 *       median nanoseconds of one UDP sendto over COUNT datagrams
 *   edgeprobe manylisten N
 *       N listeners, each listening by raw syscall with one connection
 *       queued when the program calls listen(); then the program turns
 *       keepalive off on each and calls listen again (nginx's so_keepalive
 *       =off), and one more connection comes to each. Prints the last
 *       listener's keepalive and its two accepted sockets'
 *   edgeprobe stderr-reuse
 *       closes fd 2 before its first TCP socket, a connection accepted
 *       from a listener made by raw syscalls (as an inherited one is),
 *       which takes number 2; prints how many bytes the peer received
 *   edgeprobe first-threads N
 *       N threads make the process's first TCP sockets at once
 *   edgeprobe fork-after
 *       connects, then forks a child that connects too
 *   edgeprobe respect
 *       two clients: one sets TCP_KEEPIDLE=100 while SO_KEEPALIVE is
 *       still off (socat's keepidle=100), one only turns SO_KEEPALIVE on
 *       (haproxy's option tcpka); prints both after connect
 *   edgeprobe deepbind on|off LIBRARY
 *       dlopen LIBRARY (RTLD_DEEPBIND with on) and connect through its
 *       deep_connect(); prints the connected socket's options
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_util.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define die(what) do { perror(what); exit(3); } while (0)

static void set_int(int fd, int level, int name, int value)
{
	if (setsockopt(fd, level, name, &value, sizeof value) != 0)
		die("setsockopt");
}

/* A socket of protocol bound to loopback, any free port, in *addr. */
static int bound_socket(int protocol, struct sockaddr_in *addr)
{
	socklen_t length = sizeof *addr;
	int fd = socket(AF_INET, SOCK_STREAM, protocol);

	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &length) != 0)
		return -1;
	return fd;
}

static int listening_socket(struct sockaddr_in *addr)
{
	int fd = bound_socket(0, addr);

	if (fd < 0 || listen(fd, 16) != 0)
		die("listener");
	return fd;
}

static int connected_socket(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0)
		die("connect");
	return fd;
}

static int accepted_socket(int listener)
{
	int fd = accept(listener, NULL, NULL);

	if (fd < 0)
		die("accept");
	return fd;
}

/* errno's name for the few a case can see (musl has no strerrorname_np). */
static const char *error_name(long ret, int error)
{
	static const struct { int value; const char *name; } names[] = {
		{ EFAULT, "EFAULT" }, { EINPROGRESS, "EINPROGRESS" }, { EISCONN, "EISCONN" },
		{ EALREADY, "EALREADY" }, { EBADF, "EBADF" }, { EINVAL, "EINVAL" },
	};
	static char unknown[32];
	size_t i;

	if (ret >= 0)
		return "0";
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].value == error)
			return names[i].name;
	snprintf(unknown, sizeof unknown, "errno%d", error);
	return unknown;
}

static void print_result(long ret, int error)
{
	printf("ret=%ld errno=%s\n", ret, error_name(ret, error));
}

static int run_efault(const char *how)
{
	struct sockaddr_in listener_addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long ret;
	int error;

	(void)listening_socket(&listener_addr); /* open until exit */
	if (strcmp(how, "bad") == 0) {
		ret = connect(fd, (const struct sockaddr *)1, sizeof(struct sockaddr_in));
	} else if (strcmp(how, "sendto") == 0) {
		ret = sendto(fd, "x", 1, MSG_FASTOPEN, (const struct sockaddr *)1,
			     sizeof(struct sockaddr_in));
	} else if (strcmp(how, "partial") == 0) {
		/* family and port, the listener's, then two bytes of address, then an
		 * unmapped page: the kernel cannot copy the 16 bytes */
		long page = sysconf(_SC_PAGESIZE);
		unsigned char *pages = mmap(NULL, (size_t)(2 * page), PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct sockaddr_in *partial;

		if (pages == MAP_FAILED || mprotect(pages + page, (size_t)page, PROT_NONE) != 0)
			die("mmap");
		partial = (struct sockaddr_in *)(void *)(pages + page - 6);
		memcpy(partial, &listener_addr, 6);
		ret = connect(fd, (const struct sockaddr *)partial, sizeof *partial);
	} else {
		fprintf(stderr, "edgeprobe: unknown efault case %s\n", how);
		return 2;
	}
	error = errno;
	print_result(ret, error);
	printf("after.keepalive=%d\n", get_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	return 0;
}

static int run_relisten(const char *how, int shut)
{
	struct sockaddr_in addr;
	socklen_t length = sizeof addr;
	int listener = listening_socket(&addr);

	if (strcmp(how, "own") == 0) {
		set_int(listener, SOL_SOCKET, SO_KEEPALIVE, 1);
		set_int(listener, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	} else {
		set_int(listener, SOL_SOCKET, SO_KEEPALIVE, 0);
	}
	if (shut && shutdown(listener, SHUT_RDWR) != 0)
		die("shutdown");
	/* after a shutdown an ephemeral port is given up: listen takes another */
	if (listen(listener, 16) != 0 ||
	    getsockname(listener, (struct sockaddr *)&addr, &length) != 0)
		die("second listen");
	(void)connected_socket(&addr);
	print_options("accepted", accepted_socket(listener));
	return 0;
}

static int run_reconnect(void)
{
	struct sockaddr_in addr;
	struct pollfd ready;
	int fd, ret;

	(void)listening_socket(&addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ret = connect(fd, (struct sockaddr *)&addr, sizeof addr);
	printf("first.ret=%d first.errno=%s\n", ret, error_name(ret, errno));
	set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 0);
	ready.fd = fd;
	ready.events = POLLOUT;
	if (poll(&ready, 1, 5000) != 1)
		die("poll");
	ret = connect(fd, (struct sockaddr *)&addr, sizeof addr);
	printf("second.ret=%d second.errno=%s\n", ret, error_name(ret, errno));
	print_options("connected", fd);
	return 0;
}

static int run_fdreuse(void)
{
	struct sockaddr_in addr;
	int first, second;

	(void)listening_socket(&addr);
	first = connected_socket(&addr);
	printf("first.fd=%d\n", first);
	close(first);
	second = connected_socket(&addr);
	printf("second.fd=%d\n", second);
	print_options("second", second);
	return 0;
}

static int run_mptcp(void)
{
	struct sockaddr_in addr;
	int listener = bound_socket(IPPROTO_MPTCP, &addr), client;

	if (listener < 0) {
		printf("no MPTCP here: %s\n", strerror(errno));
		return 77;
	}
	if (listen(listener, 16) != 0)
		die("listen");
	client = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	if (client < 0 || connect(client, (struct sockaddr *)&addr, sizeof addr) != 0)
		die("mptcp connect");
	printf("client.protocol=%d\n", get_int(client, SOL_SOCKET, SO_PROTOCOL));
	print_options("listener", listener);
	print_options("connected", client);
	print_options("accepted", accepted_socket(listener));
	return 0;
}

static int run_fastopen(const char *how)
{
	struct sockaddr_in addr;
	int listener = listening_socket(&addr);
	int client = socket(AF_INET, SOCK_STREAM, 0);
	long ret;

	if (strcmp(how, "sendmsg") == 0) {
		struct iovec data = { .iov_base = "x", .iov_len = 1 };
		struct msghdr msg = { .msg_name = &addr, .msg_namelen = sizeof addr,
				      .msg_iov = &data, .msg_iovlen = 1 };

		ret = sendmsg(client, &msg, MSG_FASTOPEN);
	} else {
		ret = sendto(client, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&addr, sizeof addr);
	}
	if (ret < 0 && (errno == EOPNOTSUPP || errno == EPIPE)) {
		printf("no client Fast Open here: %s\n", strerror(errno));
		return 77;
	}
	print_result(ret, errno);
	print_options("connected", client);
	print_options("accepted", accepted_socket(listener));
	return 0;
}

static int run_unix_keepalive(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int listener = socket(AF_UNIX, SOCK_STREAM, 0), client, accepted;

	/* abstract name: nothing to clean up */
	snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "edgeprobe-%d", (int)getpid());
	if (listener < 0)
		die("socket");
	set_int(listener, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 4) != 0)
		die("unix listener");
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	set_int(client, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (connect(client, (struct sockaddr *)&addr, sizeof addr) != 0)
		die("unix connect");
	accepted = accepted_socket(listener);
	printf("accepted.keepalive=%d\n", get_int(accepted, SOL_SOCKET, SO_KEEPALIVE));
	return 0;
}

struct backlog_run {
	int listener;
	int total;
	int taken;      /* accepts claimed so far, by every thread */
	int configured; /* accepted sockets with keepalive on */
};

/* Claim an accept while any is left, so that no thread blocks for ever. */
static void *backlog_thread(void *arg)
{
	struct backlog_run *run = arg;

	while (__atomic_fetch_add(&run->taken, 1, __ATOMIC_RELAXED) < run->total) {
		int fd = accept(run->listener, NULL, NULL);

		if (fd < 0)
			die("accept");
		if (get_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 1)
			__atomic_fetch_add(&run->configured, 1, __ATOMIC_RELAXED);
		close(fd);
	}
	return NULL;
}

static int run_backlog(int threads, int queued)
{
	struct backlog_run run = { .total = 2 * queued };
	pthread_t ids[64];
	struct sockaddr_in addr;
	int i;

	run.listener = bound_socket(0, &addr);
	if (run.listener < 0 || threads > 64 || syscall(SYS_listen, run.listener, 4 * queued) != 0)
		die("raw listen");
	for (i = 0; i < queued; i++)
		(void)connected_socket(&addr); /* open until exit */
	if (listen(run.listener, 4 * queued) != 0)
		die("listen");
	for (i = 0; i < queued; i++)
		(void)connected_socket(&addr);
	for (i = 0; i < threads; i++)
		if (pthread_create(&ids[i], NULL, backlog_thread, &run) != 0)
			die("pthread_create");
	for (i = 0; i < threads; i++)
		pthread_join(ids[i], NULL);
	printf("accepted=%d\nconfigured=%d\n", run.total, run.configured);
	return 0;
}

/* sendto one datagram at a time to a socket that drains them as it goes. */
static int run_udpcost(int count)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t length = sizeof addr;
	int receiver = socket(AF_INET, SOCK_DGRAM, 0), sender = socket(AF_INET, SOCK_DGRAM, 0);
	long long *times = calloc((size_t)count, sizeof *times), start;
	char buf[64];
	int i;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (times == NULL || receiver < 0 || sender < 0 ||
	    bind(receiver, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    getsockname(receiver, (struct sockaddr *)&addr, &length) != 0)
		die("udp");
	for (i = 0; i < count; i++) {
		start = now_ns();
		if (sendto(sender, "ping", 4, 0, (struct sockaddr *)&addr, sizeof addr) != 4)
			die("sendto");
		times[i] = now_ns() - start;
		if (recv(receiver, buf, sizeof buf, 0) != 4)
			die("recv");
	}
	qsort(times, (size_t)count, sizeof *times, compare_ll);
	printf("sendto.median_ns=%lld\n", times[count / 2]);
	return 0;
}

/* A listener made by raw syscalls, out of any preload's sight. */
static int raw_listener(struct sockaddr_in *addr)
{
	socklen_t length = sizeof *addr;
	int fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);

	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || syscall(SYS_bind, fd, addr, sizeof *addr) != 0 ||
	    syscall(SYS_getsockname, fd, addr, &length) != 0 || syscall(SYS_listen, fd, 64) != 0)
		die("raw listener");
	return fd;
}

static int run_manylisten(int count)
{
	struct sockaddr_in addr[256];
	int listener[256], i, first, second;

	if (count > 256)
		die("manylisten: at most 256");
	for (i = 0; i < count; i++) {
		listener[i] = bound_socket(0, &addr[i]);
		if (listener[i] < 0 || syscall(SYS_listen, listener[i], 8) != 0)
			die("raw listen");
		(void)connected_socket(&addr[i]); /* queued: open until exit */
		if (listen(listener[i], 8) != 0)
			die("listen");
	}
	for (i = 0; i < count; i++) {
		set_int(listener[i], SOL_SOCKET, SO_KEEPALIVE, 0);
		if (listen(listener[i], 8) != 0)
			die("listen again");
		(void)connected_socket(&addr[i]);
	}
	i = count - 1;
	printf("listener.keepalive=%d\n", get_int(listener[i], SOL_SOCKET, SO_KEEPALIVE));
	first = accepted_socket(listener[i]);
	second = accepted_socket(listener[i]);
	printf("queued.keepalive=%d\n", get_int(first, SOL_SOCKET, SO_KEEPALIVE));
	printf("later.keepalive=%d\n", get_int(second, SOL_SOCKET, SO_KEEPALIVE));
	return 0;
}

static int run_stderr_reuse(void)
{
	struct sockaddr_in addr;
	int listener = raw_listener(&addr), peer, accepted;
	char buf[4096];
	ssize_t got;

	/* the listener as one inherited from systemd would be, and a client
	 * out of kashim's sight: the accept is the process's first TCP call */
	peer = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (peer < 0 || syscall(SYS_connect, peer, &addr, sizeof addr) != 0)
		die("raw connect");
	close(STDERR_FILENO);
	accepted = accept(listener, NULL, NULL);
	if (accepted < 0)
		die("accept");
	/* anything kashim wrote went out before accept returned; give
	 * loopback a moment to carry it */
	usleep(100000);
	got = recv(peer, buf, sizeof buf, MSG_DONTWAIT);
	printf("accepted.fd=%d\npeer.bytes=%zd\n", accepted, got < 0 ? (ssize_t)0 : got);
	return 0;
}

struct first_run {
	struct sockaddr_in addr;
	pthread_barrier_t start;
};

static void *first_thread(void *arg)
{
	struct first_run *run = arg;

	pthread_barrier_wait(&run->start);
	(void)connected_socket(&run->addr);
	return NULL;
}

static int run_first_threads(int threads)
{
	struct first_run run;
	pthread_t ids[64];
	int i;

	if (threads > 64)
		die("first-threads: at most 64");
	(void)raw_listener(&run.addr);
	pthread_barrier_init(&run.start, NULL, (unsigned)threads);
	for (i = 0; i < threads; i++)
		if (pthread_create(&ids[i], NULL, first_thread, &run) != 0)
			die("pthread_create");
	for (i = 0; i < threads; i++)
		pthread_join(ids[i], NULL);
	printf("threads=%d\n", threads);
	return 0;
}

static int run_fork_after(void)
{
	struct sockaddr_in addr;
	pid_t child;
	int status;

	(void)raw_listener(&addr);
	(void)connected_socket(&addr);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		(void)connected_socket(&addr);
		_exit(0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		die("waitpid");
	printf("child.status=%d\n", WEXITSTATUS(status));
	return 0;
}

static int run_respect(void)
{
	struct sockaddr_in addr;
	int own, bare;

	(void)raw_listener(&addr);
	own = socket(AF_INET, SOCK_STREAM, 0);
	bare = socket(AF_INET, SOCK_STREAM, 0);
	if (own < 0 || bare < 0)
		die("socket");
	set_int(own, IPPROTO_TCP, TCP_KEEPIDLE, 100);
	set_int(bare, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (connect(own, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    connect(bare, (struct sockaddr *)&addr, sizeof addr) != 0)
		die("connect");
	print_options("own_idle", own);
	print_options("bare", bare);
	return 0;
}

#ifdef RTLD_DEEPBIND
static int run_deepbind(const char *how, const char *library)
{
	struct sockaddr_in addr;
	int (*deep_connect)(const struct sockaddr_in *);
	void *handle;
	int fd;

	(void)raw_listener(&addr);
	handle = dlopen(library, RTLD_NOW | (strcmp(how, "on") == 0 ? RTLD_DEEPBIND : 0));
	if (handle == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 3;
	}
	*(void **)&deep_connect = dlsym(handle, "deep_connect");
	if (deep_connect == NULL || (fd = deep_connect(&addr)) < 0)
		die("deep_connect");
	print_options("connected", fd);
	return 0;
}
#else
static int run_deepbind(const char *how, const char *library)
{
	(void)how;
	(void)library;
	printf("this C library has no RTLD_DEEPBIND\n");
	return 77;
}
#endif

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && strcmp(argv[1], "efault") == 0)
		return run_efault(argv[2]);
	if (argc == 3 && strcmp(argv[1], "relisten") == 0)
		return run_relisten(argv[2], 0);
	if (argc == 2 && strcmp(argv[1], "shutdown-listen") == 0)
		return run_relisten("off", 1);
	if (argc == 2 && strcmp(argv[1], "reconnect") == 0)
		return run_reconnect();
	if (argc == 2 && strcmp(argv[1], "fdreuse") == 0)
		return run_fdreuse();
	if (argc == 2 && strcmp(argv[1], "mptcp") == 0)
		return run_mptcp();
	if (argc == 3 && strcmp(argv[1], "fastopen") == 0)
		return run_fastopen(argv[2]);
	if (argc == 2 && strcmp(argv[1], "unix-keepalive") == 0)
		return run_unix_keepalive();
	if (argc == 4 && strcmp(argv[1], "backlog") == 0 && atoi(argv[2]) > 0 && atoi(argv[3]) > 0)
		return run_backlog(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "udpcost") == 0 && atoi(argv[2]) > 0)
		return run_udpcost(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "manylisten") == 0 && atoi(argv[2]) > 0)
		return run_manylisten(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "stderr-reuse") == 0)
		return run_stderr_reuse();
	if (argc == 3 && strcmp(argv[1], "first-threads") == 0 && atoi(argv[2]) > 0)
		return run_first_threads(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "fork-after") == 0)
		return run_fork_after();
	if (argc == 2 && strcmp(argv[1], "respect") == 0)
		return run_respect();
	if (argc == 4 && strcmp(argv[1], "deepbind") == 0)
		return run_deepbind(argv[2], argv[3]);
	fprintf(stderr, "usage: edgeprobe efault|relisten|shutdown-listen|reconnect|fdreuse|"
			"mptcp|fastopen|unix-keepalive|backlog|udpcost|manylisten|stderr-reuse|"
			"first-threads|fork-after|respect|deepbind ...\n");
	return 2;
}
