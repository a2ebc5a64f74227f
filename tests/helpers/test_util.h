/*
 * Small functions that several test programs (and the benchmark) share.
 * Header-only and static inline, so each program stays one file to build
 * and an unused one costs nothing.
 */
#ifndef KASHIM_TEST_UTIL_H
#define KASHIM_TEST_UTIL_H

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

#endif
