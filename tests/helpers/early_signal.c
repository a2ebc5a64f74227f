/*
 * libearly-signal.so: a library whose constructor, running before the
 * shim's, arms a fast interval timer whose SIGALRM handler calls connect,
 * as a library that reports to a monitor from a timer might. The signals
 * keep coming while the shim's constructor initialises it on the same
 * thread, so some handler's connect arrives in the middle of that
 * initialisation. Preload it after libkashim.so (glibc runs preloaded
 * libraries' constructors last first). After EARLY_SIGNALS handler runs
 * the timer is disarmed; at exit the library prints
 *   early_signal.calls=N      handler runs
 *   early_signal.wrong=M      connects that did not fail with EBADF
 * on stderr. A hang is the bug this library exists to show.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define EARLY_SIGNALS 400

static volatile sig_atomic_t early_calls;
static volatile sig_atomic_t early_wrong;

static void early_handler(int signo)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(9) };
	int saved_errno = errno;

	(void)signo;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* fd -1: the kernel answers EBADF at once, with or without the shim */
	if (connect(-1, (struct sockaddr *)&addr, sizeof addr) != -1 || errno != EBADF)
		early_wrong++;
	if (++early_calls >= EARLY_SIGNALS) {
		struct itimerval off;

		memset(&off, 0, sizeof off);
		setitimer(ITIMER_REAL, &off, NULL);
	}
	errno = saved_errno;
}

__attribute__((constructor)) static void early_signal_constructor(void)
{
	struct sigaction action;
	struct itimerval every = { { 0, 20 }, { 0, 20 } };

	memset(&action, 0, sizeof action);
	action.sa_handler = early_handler;
	action.sa_flags = SA_RESTART;
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGALRM, &action, NULL) != 0 || setitimer(ITIMER_REAL, &every, NULL) != 0)
		perror("early_signal");
}

__attribute__((destructor)) static void early_signal_destructor(void)
{
	struct itimerval off;

	memset(&off, 0, sizeof off);
	setitimer(ITIMER_REAL, &off, NULL);
	fprintf(stderr, "early_signal.calls=%d\nearly_signal.wrong=%d\n", (int)early_calls,
		(int)early_wrong);
}
