/*
 * bench-cycle: the benchmark's workload, run once per variant and round by
 * build/bench with the variant's LD_PRELOAD and environment.
 *
 *   bench-cycle SCENARIO CYCLES IDLE INTVL CNT [self]
 *
 * SCENARIO is accept, connect, both or unix. One cycle is a loopback
 * socket + connect + accept + close of both ends, the client closed with
 * an RST (SO_LINGER 0) so that TIME_WAIT never exhausts ports.
 *
 * Only the side(s) the scenario names go through libc and so through a
 * preloaded library; the other side makes raw system calls with
 * syscall(2), which no preload library sees (kashim, libkeepalive and
 * libdontdie all interpose libc functions). "self" makes the program set
 * SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT on the named
 * side(s) itself: the floor a preload library is measured against.
 *
 * Prints "ns=<CPU ns per cycle>" and "wall=<wall-clock ns per cycle>", then
 * what one extra cycle's sockets carry:
 * "accepted=1" when the accepted socket has keepalive on with exactly
 * IDLE/INTVL/CNT (0 otherwise), the same for "connected", and for unix
 * sockets whether SO_KEEPALIVE was turned on ("unix.keepalive=0|1").
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "../tests/helpers/test_util.h"

#define die(what) do { perror(what); exit(3); } while (0)

struct workload {
	int tcp;           /* 0: AF_UNIX stream sockets */
	int libc_accept;   /* the accept side goes through libc */
	int libc_connect;  /* the connect side goes through libc */
	int self;          /* the program sets the options itself */
	int idle, intvl, cnt;
	struct sockaddr_storage target;
	socklen_t target_length;
	int listener;
};

/* socket(2) through libc (and so any preload library) or straight to the kernel. */
static int open_socket(int libc, int domain)
{
	if (libc)
		return socket(domain, SOCK_STREAM, 0);
	return (int)syscall(SYS_socket, domain, SOCK_STREAM, 0);
}

static int connect_to(int libc, int fd, const struct workload *w)
{
	if (libc)
		return connect(fd, (const struct sockaddr *)&w->target, w->target_length);
	return (int)syscall(SYS_connect, fd, &w->target, w->target_length);
}

static int accept_from(int libc, int listener)
{
	if (libc)
		return accept(listener, NULL, NULL);
	return (int)syscall(SYS_accept, listener, NULL, NULL);
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof value);
}

/* What a careful program does itself: the timers, then keepalive on. */
static void configure_self(const struct workload *w, int fd)
{
	if (set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, w->idle) != 0 ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, w->intvl) != 0 ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, w->cnt) != 0 ||
	    set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) != 0)
		die("setsockopt");
}

/* 1 when fd carries keepalive with exactly the configured timers. */
static int carries_options(const struct workload *w, int fd)
{
	return get_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
	       get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE) == w->idle &&
	       get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL) == w->intvl &&
	       get_int(fd, IPPROTO_TCP, TCP_KEEPCNT) == w->cnt;
}

/*
 * The listener belongs to the accept side: when that side is under a
 * preload library, so are socket() and listen() (libraries that hook
 * socket() or listen() configure the listener, and accepted sockets
 * inherit its options).
 */
static void open_listener(struct workload *w)
{
	int domain = w->tcp ? AF_INET : AF_UNIX;
	int libc = w->libc_accept;

	memset(&w->target, 0, sizeof w->target);
	if (w->tcp) {
		struct sockaddr_in *in = (struct sockaddr_in *)&w->target;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		w->target_length = sizeof *in;
	} else {
		struct sockaddr_un *un = (struct sockaddr_un *)&w->target;

		un->sun_family = AF_UNIX;
		/* abstract namespace: nothing left on disk */
		snprintf(un->sun_path + 1, sizeof un->sun_path - 1, "kashim-bench-%ld",
			 (long)getpid());
		w->target_length = (socklen_t)sizeof *un;
	}
	w->listener = open_socket(libc, domain);
	if (w->listener < 0 ||
	    bind(w->listener, (struct sockaddr *)&w->target, w->target_length) != 0)
		die("listener");
	if ((libc ? listen(w->listener, 64)
		  : (int)syscall(SYS_listen, w->listener, 64)) != 0)
		die("listen");
	w->target_length = sizeof w->target;
	if (getsockname(w->listener, (struct sockaddr *)&w->target, &w->target_length) != 0)
		die("getsockname");
}

/*
 * One connection made and accepted. The caller closes both ends with
 * close_pair. Returns the accepted fd; *client gets the client's.
 */
static int open_pair(const struct workload *w, int *client)
{
	static const struct linger reset = { 1, 0 };
	int accepted;

	*client = open_socket(w->libc_connect, w->tcp ? AF_INET : AF_UNIX);
	if (*client < 0)
		die("socket");
	if (w->tcp && setsockopt(*client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) != 0)
		die("SO_LINGER");
	if (w->self && w->libc_connect)
		configure_self(w, *client);
	if (connect_to(w->libc_connect, *client, w) != 0)
		die("connect");
	accepted = accept_from(w->libc_accept, w->listener);
	if (accepted < 0)
		die("accept");
	if (w->self && w->libc_accept)
		configure_self(w, accepted);
	return accepted;
}

/* The client first: its RST frees both ends at once, no TIME_WAIT. */
static void close_pair(int client, int accepted)
{
	close(client);
	close(accepted);
}

/*
 * The bench compares CPU time (user + system) of this process: on a shared
 * machine the wall clock also counts the time other processes ran, which
 * swings runs by several per cent, while loopback TCP is processed in the
 * calling process's context, inside its CPU time.
 */
static double cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static double wall_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static int parse_scenario(struct workload *w, const char *name)
{
	w->tcp = strcmp(name, "unix") != 0;
	w->libc_accept = strcmp(name, "accept") == 0 || strcmp(name, "both") == 0 ||
			 strcmp(name, "unix") == 0;
	w->libc_connect = strcmp(name, "connect") == 0 || strcmp(name, "both") == 0 ||
			  strcmp(name, "unix") == 0;
	return w->libc_accept || w->libc_connect ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct workload w;
	long cycles, i;
	double cpu_start, wall_start, cpu, wall;
	int client, accepted;

	memset(&w, 0, sizeof w);
	if (argc < 6 || parse_scenario(&w, argv[1]) != 0 ||
	    (cycles = strtol(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: bench-cycle accept|connect|both|unix CYCLES IDLE INTVL CNT [self]\n");
		return 2;
	}
	w.idle = atoi(argv[3]);
	w.intvl = atoi(argv[4]);
	w.cnt = atoi(argv[5]);
	w.self = argc > 6 && strcmp(argv[6], "self") == 0 && w.tcp;
	open_listener(&w);

	/* Warm up: caches, the socket slab, the first-call binding of the shim. */
	for (i = 0; i < cycles / 10 + 1; i++) {
		accepted = open_pair(&w, &client);
		close_pair(client, accepted);
	}
	wall_start = wall_ns();
	cpu_start = cpu_ns();
	for (i = 0; i < cycles; i++) {
		accepted = open_pair(&w, &client);
		close_pair(client, accepted);
	}
	cpu = cpu_ns() - cpu_start;
	wall = wall_ns() - wall_start;
	printf("ns=%.1f\nwall=%.1f\n", cpu / (double)cycles, wall / (double)cycles);

	accepted = open_pair(&w, &client);
	if (w.tcp) {
		printf("accepted=%d\n", carries_options(&w, accepted));
		printf("connected=%d\n", carries_options(&w, client));
	} else {
		printf("unix.keepalive=%d\n", get_int(accepted, SOL_SOCKET, SO_KEEPALIVE) == 1 ||
					      get_int(client, SOL_SOCKET, SO_KEEPALIVE) == 1);
	}
	close_pair(client, accepted);
	close(w.listener);
	return 0;
}
