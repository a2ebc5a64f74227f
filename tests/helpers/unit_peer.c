/*
 * unit_peer: the service behind every unit of the booted-systemd check
 * (scripts/systemd-check). It never sets a socket option, so whatever
 * keepalive its sockets have comes from kashim. Built dynamic and static.
 *
 *   unit_peer serve PORT [UPSTREAM]   listen on 127.0.0.1:PORT, accept and
 *                                     hold every connection; with UPSTREAM,
 *                                     also hold one connection to that port
 *   unit_peer activated               accept and hold on the listener
 *                                     systemd passes as fd 3 (Accept=no)
 *   unit_peer notify PORT             serve, after telling systemd READY=1
 *                                     over $NOTIFY_SOCKET once listening
 *   unit_peer forking PORT PIDFILE    a daemon: the child serves and writes
 *                                     PIDFILE, the parent exits once it has
 *   unit_peer connect PORT COUNT      hold COUNT connections to PORT
 *
 * Each mode runs until killed. Exit status 2 for a usage or setup error.
 */
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void peer_fail(const char *what)
{
	fprintf(stderr, "unit_peer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned short peer_port(const char *text)
{
	char *end;
	long port = strtol(text, &end, 10);

	if (*end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "unit_peer: '%s' is not a port\n", text);
		exit(2);
	}
	return (unsigned short)port;
}

static struct sockaddr_in peer_loopback(unsigned short port)
{
	struct sockaddr_in addr;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	return addr;
}

static int peer_listen(unsigned short port)
{
	struct sockaddr_in addr = peer_loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0)
		peer_fail("listen");
	return fd;
}

static void peer_connect(unsigned short port)
{
	struct sockaddr_in addr = peer_loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
		peer_fail("connect");
	/* held open: never closed */
}

/* Accept on listener for ever, holding every connection. */
static void peer_accept_forever(int listener)
{
	for (;;) {
		if (accept(listener, NULL, NULL) < 0 && errno != EINTR)
			peer_fail("accept");
	}
}

/* READY=1 to systemd, as sd_notify(3) sends it. */
static void peer_notify(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr;
	socklen_t length;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof addr.sun_path) {
		fprintf(stderr, "unit_peer: no usable NOTIFY_SOCKET\n");
		exit(2);
	}
	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, path, strlen(path));
	if (path[0] == '@')
		addr.sun_path[0] = '\0'; /* abstract namespace */
	length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&addr, length) != 7)
		peer_fail("notify");
	close(fd);
}

/*
 * The forking daemon: returns in the child, which serves, with the fd to
 * write one byte to once it listens and has written its PID file; the
 * parent exits 0 then, as a daemon's start-up command does.
 */
static int peer_daemonize(void)
{
	int ready[2];
	pid_t child;
	char go;

	if (pipe(ready) != 0 || (child = fork()) < 0)
		peer_fail("fork");
	if (child > 0) {
		close(ready[1]);
		if (read(ready[0], &go, 1) != 1)
			exit(2);
		exit(0);
	}
	close(ready[0]);
	if (setsid() < 0)
		peer_fail("setsid");
	return ready[1];
}

static void peer_write_pidfile(const char *pidfile)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", pidfile);
	f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0 ||
	    rename(tmp, pidfile) != 0)
		peer_fail("pid file");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "serve") == 0 && (argc == 3 || argc == 4)) {
		int listener = peer_listen(peer_port(argv[2]));

		if (argc == 4)
			peer_connect(peer_port(argv[3]));
		peer_accept_forever(listener);
	} else if (strcmp(mode, "activated") == 0 && argc == 2) {
		peer_accept_forever(3);
	} else if (strcmp(mode, "notify") == 0 && argc == 3) {
		int listener = peer_listen(peer_port(argv[2]));

		peer_notify();
		peer_accept_forever(listener);
	} else if (strcmp(mode, "forking") == 0 && argc == 4) {
		int ready = peer_daemonize();
		int listener = peer_listen(peer_port(argv[2]));

		peer_write_pidfile(argv[3]);
		if (write(ready, "r", 1) != 1)
			peer_fail("ready");
		close(ready);
		peer_accept_forever(listener);
	} else if (strcmp(mode, "connect") == 0 && argc == 4) {
		long i, count = strtol(argv[3], NULL, 10);

		for (i = 0; i < count; i++)
			peer_connect(peer_port(argv[2]));
		for (;;)
			pause();
	} else {
		fprintf(stderr, "usage: unit_peer serve PORT [UPSTREAM] | activated | notify PORT |\n"
				"       forking PORT PIDFILE | connect PORT COUNT\n");
		return 2;
	}
	return 0;
}
