/*
 * stress: many threads accepting and connecting while others fork, all
 * released at once, for the thread sanitizer, helgrind and memcheck to
 * watch the shim under load. Every connection's both ends, in the parent
 * and in every forked child, must carry keepalive with TCP_KEEPIDLE IDLE.
 * With libstress-early.so preloaded too, its constructor's threads (which
 * race the shim's initialisation) are counted as well.
 *
 *   stress WORKERS ROUNDS FORKERS FORKS IDLE
 *   stress control-race    an unsynchronised counter: a race for TSan
 *   stress control-leak    100 bytes lost: an error for memcheck
 *
 * Prints key=value lines; exits 0 when it ran, whatever it counted.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_util.h"

#define MAX_THREADS 64

#define die(what) do { perror(what); exit(3); } while (0)

struct job {
	int rounds;
	int idle;
	int done;
	int configured;
};

static pthread_barrier_t start_line;

static int configured(int fd, int idle)
{
	return get_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
	       get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE) == idle;
}

static int make_listener(struct sockaddr_in *target)
{
	socklen_t length = sizeof *target;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(target, 0, sizeof *target);
	target->sin_family = AF_INET;
	target->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)target, sizeof *target) != 0 ||
	    listen(fd, 16) != 0 || getsockname(fd, (struct sockaddr *)target, &length) != 0)
		die("listener");
	return fd;
}

/*
 * One connection through the shim, made blocking or not, accepted with
 * accept or accept4. Returns 1 when both ends are configured.
 */
static int one_pair(int listener, const struct sockaddr_in *target, int idle, int variant)
{
	struct linger reset = { 1, 0 };
	int client, accepted, ok;

	client = socket(AF_INET, SOCK_STREAM | ((variant & 1) ? SOCK_NONBLOCK : 0), 0);
	if (client < 0)
		die("socket");
	if (connect(client, (const struct sockaddr *)target, sizeof *target) != 0) {
		struct pollfd pfd = { client, POLLOUT, 0 };

		if (errno != EINPROGRESS || poll(&pfd, 1, 5000) != 1)
			die("connect");
	}
	if (variant & 2)
		accepted = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	else
		accepted = accept(listener, NULL, NULL);
	if (accepted < 0)
		die("accept");
	ok = configured(client, idle) && configured(accepted, idle);
	/* RST instead of FIN: no TIME_WAIT, so ports are never exhausted */
	setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	close(client);
	close(accepted);
	return ok;
}

static void *worker(void *arg)
{
	struct job *job = arg;
	struct sockaddr_in target;
	int listener = make_listener(&target);
	int i;

	pthread_barrier_wait(&start_line);
	for (i = 0; i < job->rounds; i++) {
		job->configured += one_pair(listener, &target, job->idle, i);
		job->done++;
	}
	close(listener);
	return NULL;
}

/* Fork while the workers run; each child makes a connection of its own. */
static void *forker(void *arg)
{
	struct job *job = arg;
	int i;

	pthread_barrier_wait(&start_line);
	for (i = 0; i < job->rounds; i++) {
		int status;
		pid_t child = fork();

		if (child < 0)
			die("fork");
		if (child == 0) {
			struct sockaddr_in target;
			int listener = make_listener(&target);

			_exit(one_pair(listener, &target, job->idle, i) ? 0 : 1);
		}
		if (waitpid(child, &status, 0) != child)
			die("waitpid");
		job->done++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			job->configured++;
	}
	return NULL;
}

static int race_counter;

static void *racer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		race_counter++; /* deliberately unsynchronised */
	return NULL;
}

static int control_race(void)
{
	pthread_t a, b;

	pthread_create(&a, NULL, racer, NULL);
	pthread_create(&b, NULL, racer, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("race_counter=%d\n", race_counter);
	return 0;
}

/* Where the control's block is dropped: a global, so no analyser objects. */
static char *volatile leak_sink;

static int control_leak(void)
{
	leak_sink = malloc(100);
	if (leak_sink != NULL)
		memset(leak_sink, 1, 100);
	leak_sink = NULL; /* deliberately lost */
	printf("leaked=100\n");
	return 0;
}

/* Threads started before main by libstress-early.so, when it is preloaded. */
static void report_early(int idle)
{
	int (*collect)(int, int *);
	int connections = 0, count = 0;

	*(void **)&collect = dlsym(RTLD_DEFAULT, "stress_early_collect");
	if (collect != NULL)
		count = collect(idle, &connections);
	printf("early.connections=%d\nearly.configured=%d\n", connections, count);
}

int main(int argc, char **argv)
{
	pthread_t ids[2 * MAX_THREADS];
	struct job jobs[2 * MAX_THREADS];
	int workers, rounds, forkers, forks, idle, i, n;
	int pairs = 0, pairs_ok = 0, children = 0, children_ok = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "control-race") == 0)
		return control_race();
	if (argc == 2 && strcmp(argv[1], "control-leak") == 0)
		return control_leak();
	if (argc != 6) {
		fprintf(stderr, "usage: stress WORKERS ROUNDS FORKERS FORKS IDLE\n");
		return 2;
	}
	workers = atoi(argv[1]);
	rounds = atoi(argv[2]);
	forkers = atoi(argv[3]);
	forks = atoi(argv[4]);
	idle = atoi(argv[5]);
	if (workers < 0 || workers > MAX_THREADS || forkers < 0 || forkers > MAX_THREADS ||
	    workers + forkers == 0) {
		fprintf(stderr, "stress: 1-%d threads of each kind\n", MAX_THREADS);
		return 2;
	}
	n = workers + forkers;
	if (pthread_barrier_init(&start_line, NULL, (unsigned)n) != 0)
		die("pthread_barrier_init");
	memset(jobs, 0, sizeof jobs);
	for (i = 0; i < n; i++) {
		jobs[i].rounds = i < workers ? rounds : forks;
		jobs[i].idle = idle;
		if (pthread_create(&ids[i], NULL, i < workers ? worker : forker, &jobs[i]) != 0)
			die("pthread_create");
	}
	for (i = 0; i < n; i++) {
		pthread_join(ids[i], NULL);
		if (i < workers) {
			pairs += jobs[i].done;
			pairs_ok += jobs[i].configured;
		} else {
			children += jobs[i].done;
			children_ok += jobs[i].configured;
		}
	}
	pthread_barrier_destroy(&start_line);
	report_early(idle);
	printf("pairs=%d\npairs.configured=%d\n", pairs, pairs_ok);
	printf("children=%d\nchildren.configured=%d\n", children, children_ok);
	return 0;
}
