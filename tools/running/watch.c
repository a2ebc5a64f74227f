/* kashim --watch: the wait between passes. */
#include "running.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long kashim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t kashim_wait(struct kashim_target *targets, size_t n, long interval_ms)
{
	long long deadline = kashim_now_ms() + interval_ms;
	struct pollfd *polls = calloc(n, sizeof *polls);
	size_t i, live = 0;

	if (polls == NULL)
		kashim_oom();
	for (;;) {
		long long left = deadline - kashim_now_ms();
		int ready;

		live = 0;
		for (i = 0; i < n; i++) {
			polls[i].fd = targets[i].pidfd; /* a negative fd is ignored */
			polls[i].events = POLLIN;
			polls[i].revents = 0;
			live += targets[i].pidfd >= 0;
		}
		if (live == 0 || left <= 0)
			break;
		ready = poll(polls, (nfds_t)n, (int)left);
		if (ready <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (polls[i].revents != 0 && targets[i].pidfd >= 0) {
				printf("PID %ld (%s): exited\n", (long)targets[i].pid, targets[i].name);
				fflush(stdout);
				kashim_target_close(&targets[i]);
			}
		}
	}
	free(polls);
	return live;
}
