/*
 * plain_server: a server that accepts every connection on loopback and
 * holds it, sending nothing, for kashim --pid to reach from outside.
 * Built dynamic and static (gcc -static): neither is ever preloaded.
 *
 *   plain_server [--main-exits] REPORT [OWN_IDLE]
 *
 * Once listening on an ephemeral port it writes "pid=N" and "port=N" to
 * REPORT (atomically, by rename). It never sets a socket option, unless
 * OWN_IDLE is given: then it turns keepalive on itself, with that idle
 * time, on every socket it accepts, as some programs do. With
 * --main-exits, main hands the accepting to a thread and calls
 * pthread_exit, as some daemons do: the process goes on with its main
 * thread a zombie.
 */
#include "test_util.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void plain_fail(const char *what)
{
	perror(what);
	exit(2);
}

/* Write pid= and port= to path, whole or not at all. */
static void plain_report(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		plain_fail("plain_server: report");
	fprintf(f, "pid=%ld\nport=%u\n", (long)getpid(), port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		plain_fail("plain_server: report");
}

static int plain_listener, plain_own_idle;

/* Accept and hold every connection, for ever. */
static void *plain_accept_all(void *unused)
{
	int one = 1;

	(void)unused;
	for (;;) {
		int fd = accept(plain_listener, NULL, NULL);

		if (fd < 0)
			plain_fail("plain_server: accept");
		if (plain_own_idle > 0 &&
		    (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) != 0 ||
		     setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &plain_own_idle,
				sizeof plain_own_idle) != 0))
			plain_fail("plain_server: setsockopt");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { 0 };
	socklen_t length = sizeof addr;
	int main_exits = argc > 1 && strcmp(argv[1], "--main-exits") == 0;
	int listener;
	pthread_t thread;

	argc -= main_exits;
	argv += main_exits;
	if (argc < 2) {
		fprintf(stderr, "usage: plain_server [--main-exits] REPORT [OWN_IDLE]\n");
		return 2;
	}
	plain_own_idle = argc > 2 ? (int)parse_number(argv[2]) : 0;
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(listener, 64) != 0 ||
	    getsockname(listener, (struct sockaddr *)&addr, &length) != 0)
		plain_fail("plain_server: listen");
	plain_listener = listener;
	plain_report(argv[1], ntohs(addr.sin_port));
	if (!main_exits)
		plain_accept_all(NULL);
	if (pthread_create(&thread, NULL, plain_accept_all, NULL) != 0)
		plain_fail("plain_server: pthread_create");
	pthread_exit(NULL);
}
