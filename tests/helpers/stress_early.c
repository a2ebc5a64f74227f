/*
 * libstress-early.so: threads that make the process's first connects and
 * accepts before the shim's own constructor has run. Preload it after
 * libkashim.so (the loader runs the constructors of preloaded libraries
 * last first), so this constructor starts its threads, lets them all go at
 * once and returns while they run: their first calls into the shim race
 * each other and the shim's constructor, which runs next on the main
 * thread. stress collects the results with stress_early_collect.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "test_util.h"

#define EARLY_THREADS 8

struct early_result {
	int client_keepalive;
	int client_idle;
	int accepted_keepalive;
	int accepted_idle;
	int failed;
};

static pthread_t early_threads[EARLY_THREADS];
static struct early_result early_results[EARLY_THREADS];
static int early_started;
static int early_go;
static int early_listener = -1;
static struct sockaddr_in early_target;

int stress_early_collect(int idle, int *connections) __attribute__((visibility("default")));

/* One connection to the shared listener, and one accept on it. */
static void *early_main(void *arg)
{
	struct early_result *result = arg;
	struct linger reset = { 1, 0 };
	int client, accepted;

	while (!__atomic_load_n(&early_go, __ATOMIC_ACQUIRE))
		sched_yield();
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0 ||
	    connect(client, (struct sockaddr *)&early_target, sizeof early_target) != 0) {
		result->failed = 1;
		return NULL;
	}
	accepted = accept(early_listener, NULL, NULL);
	if (accepted < 0) {
		result->failed = 1;
		return NULL;
	}
	result->client_keepalive = get_int(client, SOL_SOCKET, SO_KEEPALIVE);
	result->client_idle = get_int(client, IPPROTO_TCP, TCP_KEEPIDLE);
	result->accepted_keepalive = get_int(accepted, SOL_SOCKET, SO_KEEPALIVE);
	result->accepted_idle = get_int(accepted, IPPROTO_TCP, TCP_KEEPIDLE);
	setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	close(client);
	close(accepted);
	return NULL;
}

/* Start the threads, then let them all go at once and return at once. */
__attribute__((constructor)) static void early_constructor(void)
{
	static const char started[] = "stress-early: threads started\n";
	socklen_t length = sizeof early_target;
	int i;

	memset(&early_target, 0, sizeof early_target);
	early_target.sin_family = AF_INET;
	early_target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* socket and listen by raw syscall: the shim's socket and listen would
	 * run its init here, before the threads exist, and there would be no
	 * race */
	early_listener = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (early_listener < 0 ||
	    bind(early_listener, (struct sockaddr *)&early_target, sizeof early_target) != 0 ||
	    syscall(SYS_listen, early_listener, EARLY_THREADS) != 0 ||
	    getsockname(early_listener, (struct sockaddr *)&early_target, &length) != 0)
		return;
	for (i = 0; i < EARLY_THREADS; i++) {
		if (pthread_create(&early_threads[i], NULL, early_main, &early_results[i]) != 0)
			break;
		early_started++;
	}
	/* A marker for the test: this line comes before the shim's "loaded:" one. */
	if (write(STDERR_FILENO, started, sizeof started - 1) < 0) {
		/* stderr closed: the marker is only for the test's eyes */
	}
	__atomic_store_n(&early_go, 1, __ATOMIC_RELEASE);
}

/*
 * Join the early threads. Returns how many of their connections had
 * keepalive with TCP_KEEPIDLE idle on both ends; *connections is how many
 * were made, and is 0 when the constructor could not start.
 */
int stress_early_collect(int idle, int *connections)
{
	int i, configured = 0;

	*connections = 0;
	for (i = 0; i < early_started; i++) {
		const struct early_result *result = &early_results[i];

		pthread_join(early_threads[i], NULL);
		if (result->failed)
			continue;
		(*connections)++;
		if (result->client_keepalive == 1 && result->client_idle == idle &&
		    result->accepted_keepalive == 1 && result->accepted_idle == idle)
			configured++;
	}
	if (early_listener >= 0)
		close(early_listener);
	return configured;
}
