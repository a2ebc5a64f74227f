/*
 * Small functions that several test programs (and the benchmark) share.
 * Header-only and static inline, so each program stays one file to build
 * and an unused one costs nothing.
 */
#ifndef KASHIM_TEST_UTIL_H
#define KASHIM_TEST_UTIL_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* An int socket option as the kernel reports it, or -1 when it cannot. */
static inline int get_int(int fd, int level, int name)
{
	int value = -1;
	socklen_t length = sizeof value;

	if (getsockopt(fd, level, name, &value, &length) != 0)
		return -1;
	return value;
}

/* Print fd's keepalive options as SIDE.keepalive=1 and so on. */
static inline void print_options(const char *side, int fd)
{
	printf("%s.keepalive=%d\n", side, get_int(fd, SOL_SOCKET, SO_KEEPALIVE));
	printf("%s.idle=%d\n", side, get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE));
	printf("%s.intvl=%d\n", side, get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL));
	printf("%s.cnt=%d\n", side, get_int(fd, IPPROTO_TCP, TCP_KEEPCNT));
	printf("%s.user_timeout=%d\n", side, get_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
}

/*
 * A clock's reading in nanoseconds: CLOCK_MONOTONIC for the wall clock,
 * CLOCK_PROCESS_CPUTIME_ID for this process's CPU time (user + system).
 */
static inline double clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Are the double quotes in a kashim message balanced, escapes aside? */
static inline int quotes_balanced(const char *message)
{
	int open = 0;

	for (; *message != '\0'; message++) {
		if (*message == '\\' && message[1] != '\0')
			message++;
		else if (*message == '"')
			open = !open;
	}
	return !open;
}

/* A whole decimal number from text, or -1 when text is not one. */
static inline long parse_number(const char *text)
{
	char *end;
	long value = strtol(text, &end, 10);

	return end == text || *end != '\0' ? -1 : value;
}

/* CLOCK_MONOTONIC now, in nanoseconds: for timing one call. */
static inline long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* qsort's comparison for long long, for medians. */
static inline int compare_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

#endif
