/*
 * legacy_server: the kind of server kashim is for. It accepts one TCP
 * connection and blocks in read() for as long as it takes; it never calls
 * setsockopt, so whatever keepalive its socket has comes from the shim.
 *
 *   legacy_server [--reply] ADDRESS PORT
 *       --reply: answer each request half a second after reading it, the
 *       way a slow server does; the answer may then sit unacknowledged
 *
 * Every event is one line on stdout, with the time since the server last
 * heard from or wrote to its client:
 *
 *   legacy_server: read 6 bytes after 0.00 s
 *   legacy_server: read failed: ETIMEDOUT (Connection timed out) after 4.00 s
 *
 * Exit status: 0 when the client closed the connection, 1 when a read or
 * write failed, 2 for a usage or setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REPLY_DELAY_NS 500000000L

/* Seconds on the monotonic clock: immune to the wall clock being set. */
static double kashim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The symbolic name of the errors a dead peer can cause, else NULL. */
static const char *kashim_errno_name(int error)
{
	switch (error) {
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNRESET: return "ECONNRESET";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	case EPIPE: return "EPIPE";
	default: return NULL;
	}
}

/* Print one event line; stdout is flushed so a watcher sees it at once. */
static void kashim_report(const char *what, double since)
{
	printf("legacy_server: %s after %.2f s\n", what, kashim_now() - since);
	fflush(stdout);
}

/* Report a failed call as "CALL failed: NAME (text)" and return 1. */
static int kashim_report_error(const char *call, int error, double since)
{
	char line[160];
	const char *name = kashim_errno_name(error);

	if (name)
		snprintf(line, sizeof line, "%s failed: %s (%s)", call, name, strerror(error));
	else
		snprintf(line, sizeof line, "%s failed: errno %d (%s)", call, error,
			 strerror(error));
	kashim_report(line, since);
	return 1;
}

/* A listening socket on ADDRESS:PORT; exits with status 2 on failure. */
static int kashim_listen(const char *address, const char *port_text)
{
	struct sockaddr_in addr;
	char *end;
	long port = strtol(port_text, &end, 10);
	int fd;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	if (*port_text == '\0' || *end != '\0' || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, address, &addr.sin_addr) != 1) {
		fprintf(stderr, "legacy_server: bad address %s:%s\n", address, port_text);
		exit(2);
	}
	addr.sin_port = htons((unsigned short)port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(fd, 1) != 0) {
		perror("legacy_server: listen");
		exit(2);
	}
	printf("legacy_server: listening on %s:%ld\n", address, port);
	fflush(stdout);
	return fd;
}

/* Serve one connection until it ends; returns the exit status. */
static int kashim_serve(int fd, int reply)
{
	const struct timespec delay = { 0, REPLY_DELAY_NS };
	double since = kashim_now();
	char buffer[4096];
	char line[64];

	for (;;) {
		ssize_t got = read(fd, buffer, sizeof buffer);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return kashim_report_error("read", errno, since);
		if (got == 0) {
			kashim_report("read returned 0: the client closed the connection", since);
			return 0;
		}
		snprintf(line, sizeof line, "read %zd bytes", got);
		kashim_report(line, since);
		since = kashim_now();
		if (!reply)
			continue;
		nanosleep(&delay, NULL);
		if (write(fd, buffer, (size_t)got) != got)
			return kashim_report_error("write", errno, since);
		snprintf(line, sizeof line, "wrote %zd bytes", got);
		kashim_report(line, since);
		since = kashim_now();
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in peer = { 0 }; /* accept fills it; zero for the analyser */
	socklen_t peer_length = sizeof peer;
	char peer_text[INET_ADDRSTRLEN];
	int reply = 0;
	int listener, fd;

	if (argc > 1 && strcmp(argv[1], "--reply") == 0) {
		reply = 1;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: legacy_server [--reply] ADDRESS PORT\n");
		return 2;
	}
	listener = kashim_listen(argv[1], argv[2]);
	fd = accept(listener, (struct sockaddr *)&peer, &peer_length);
	if (fd < 0) {
		perror("legacy_server: accept");
		return 2;
	}
	inet_ntop(AF_INET, &peer.sin_addr, peer_text, sizeof peer_text);
	printf("legacy_server: accepted %s:%u\n", peer_text, ntohs(peer.sin_port));
	fflush(stdout);
	return kashim_serve(fd, reply);
}
