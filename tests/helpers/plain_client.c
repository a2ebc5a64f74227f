/*
 * plain_client: a client that keeps connecting, the kind kashim --watch is
 * for. Built static (gcc -static), so no preload library can reach it.
 *
 *   plain_client PORT COUNT PAUSE_MS STOPFILE
 *
 * Opens COUNT connections to 127.0.0.1:PORT, one every PAUSE_MS, and holds
 * them all; prints "connected N" after each; then waits until STOPFILE
 * exists and exits 0. It never sets a socket option.
 */
#include "test_util.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void plain_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { 0 };
	long count, pause_ms, i;

	if (argc != 5) {
		fprintf(stderr, "usage: plain_client PORT COUNT PAUSE_MS STOPFILE\n");
		return 2;
	}
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((unsigned short)parse_number(argv[1]));
	count = parse_number(argv[2]);
	pause_ms = parse_number(argv[3]);
	for (i = 1; i <= count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
			perror("plain_client: connect");
			return 2;
		}
		printf("connected %ld\n", i);
		fflush(stdout);
		plain_sleep_ms(pause_ms);
	}
	while (access(argv[4], F_OK) != 0)
		plain_sleep_ms(50);
	return 0;
}
