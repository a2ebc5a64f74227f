/*
 * sigcheck: a signal handler that connects (through the shim, when it is
 * preloaded) while the main thread is blocked inside accept (through the
 * shim too), to the very listener main is accepting on. Prints key=value
 * lines: what accept returned, the handler's socket options, and how many
 * heap calls happened inside the handler.
 *
 *   sigcheck [--malloc-in-handler]
 *
 * The handler marks its start and end with write(-1, "sigcheck: handler
 * begin/end", ...), which fail with EBADF and do nothing else, so that a
 * system call trace can be cut to exactly the handler's calls.
 *
 * This program replaces malloc and friends with a counting bump allocator
 * (a program's own definitions take precedence over libc's for every
 * library, the shim included), so any heap use by the shim inside the
 * handler is counted. --malloc-in-handler is the control: it allocates
 * once in the handler, to show the counter sees it. Under AddressSanitizer
 * or ThreadSanitizer, which must own the heap, the counter is left out
 * (heap.counted=0).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "test_util.h"

#ifndef __has_feature
#define __has_feature(feature) 0
#endif
/* A sanitizer's runtime owns the heap: leave malloc to it. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
	__has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIGCHECK_COUNTS_HEAP 0
#else
#define SIGCHECK_COUNTS_HEAP 1
#endif

#define die(what) do { perror(what); exit(3); } while (0)

/* Per thread: another thread's heap calls meanwhile are not the handler's. */
static _Thread_local volatile sig_atomic_t in_handler;
static volatile sig_atomic_t handler_done;
static unsigned long heap_calls_in_handler; /* written by the handler's thread only */

#if SIGCHECK_COUNTS_HEAP
/*
 * A bump allocator over a static arena: never frees, never locks, needs no
 * real malloc to forward to (and so no dlsym, which itself allocates).
 * Each block starts with its size, for realloc.
 */
/* Exported even from a -fvisibility=hidden build: libc must find them. */
#define HEAP_API __attribute__((visibility("default")))
#define ARENA_SIZE (64UL << 20)
#define ALIGNMENT 16UL

static unsigned char arena[ARENA_SIZE] __attribute__((aligned(16)));
static size_t arena_used;

static void count_heap_call(void)
{
	if (in_handler)
		heap_calls_in_handler++;
}

static void *bump(size_t size, size_t alignment)
{
	size_t start, old, end;

	if (alignment < ALIGNMENT)
		alignment = ALIGNMENT;
	old = __atomic_load_n(&arena_used, __ATOMIC_RELAXED);
	do {
		start = (old + ALIGNMENT + alignment - 1) & ~(alignment - 1);
		end = start + size;
		if (size > ARENA_SIZE || end > ARENA_SIZE) {
			errno = ENOMEM;
			return NULL;
		}
	} while (!__atomic_compare_exchange_n(&arena_used, &old, end, 0,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	memcpy(arena + start - sizeof size, &size, sizeof size);
	return arena + start;
}

static size_t block_size(const void *block)
{
	size_t size;

	memcpy(&size, (const unsigned char *)block - sizeof size, sizeof size);
	return size;
}

HEAP_API void *malloc(size_t size)
{
	count_heap_call();
	return bump(size, ALIGNMENT);
}

HEAP_API void *calloc(size_t count, size_t size)
{
	size_t total;

	count_heap_call();
	if (__builtin_mul_overflow(count, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return bump(total, ALIGNMENT); /* the arena is never reused: still zero */
}

HEAP_API void *realloc(void *old, size_t size)
{
	void *block;

	count_heap_call();
	block = bump(size, ALIGNMENT);
	if (block != NULL && old != NULL) {
		size_t old_size = block_size(old);

		memcpy(block, old, old_size < size ? old_size : size);
	}
	return block;
}

/* cppcheck-suppress constParameter ; free's signature is the standard's */
HEAP_API void free(void *block)
{
	if (block != NULL)
		count_heap_call();
}

HEAP_API void *aligned_alloc(size_t alignment, size_t size)
{
	count_heap_call();
	return bump(size, alignment);
}

void *memalign(size_t alignment, size_t size);
HEAP_API void *memalign(size_t alignment, size_t size)
{
	count_heap_call();
	return bump(size, alignment);
}

HEAP_API int posix_memalign(void **result, size_t alignment, size_t size)
{
	count_heap_call();
	*result = bump(size, alignment);
	return *result == NULL ? ENOMEM : 0;
}

size_t malloc_usable_size(void *block);
HEAP_API size_t malloc_usable_size(void *block)
{
	return block == NULL ? 0 : block_size(block);
}
#endif

static int listener;
static struct sockaddr_in target;
static int handler_fd = -1;
static int handler_connect_ret = -2;
static int handler_connect_errno;
static int malloc_in_handler;

static void mark(const char *text)
{
	/* fails with EBADF: a marker in a system call trace, nothing more */
	if (write(-1, text, strlen(text)) >= 0)
		abort();
}

static void on_signal(int signo)
{
	int saved_errno = errno;

	(void)signo;
	in_handler = 1;
	mark("sigcheck: handler begin");
	handler_fd = socket(AF_INET, SOCK_STREAM, 0);
	handler_connect_ret = connect(handler_fd, (struct sockaddr *)&target, sizeof target);
	handler_connect_errno = handler_connect_ret == 0 ? 0 : errno;
	if (malloc_in_handler) {
		/* the control: deliberately unsafe, to prove the counter works */
		char *volatile block = malloc(32);

		if (block != NULL)
			block[0] = 1;
		free(block);
	}
	mark("sigcheck: handler end");
	in_handler = 0;
	handler_done = 1;
	errno = saved_errno;
}

/* Is thread tid blocked in accept or accept4 right now? */
static int in_accept(pid_t tid)
{
	char path[64], text[64];
	FILE *file;
	long number = -1;

	snprintf(path, sizeof path, "/proc/self/task/%ld/syscall", (long)tid);
	file = fopen(path, "r");
	if (file == NULL)
		return 0;
	if (fgets(text, sizeof text, file) != NULL)
		number = strtol(text, NULL, 10);
	fclose(file);
	return number == SYS_accept || number == SYS_accept4;
}

struct killer_args {
	pthread_t main_thread;
	pid_t main_tid;
	int waited_ms;
};

/* Wait until main is inside accept, then signal it. */
static void *killer(void *arg)
{
	struct killer_args *args = arg;
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	while (!in_accept(args->main_tid)) {
		if (args->waited_ms >= 5000) {
			fprintf(stderr, "sigcheck: main never blocked in accept\n");
			exit(3);
		}
		nanosleep(&tick, NULL);
		args->waited_ms += 10;
	}
	pthread_kill(args->main_thread, SIGUSR1);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction action;
	struct killer_args args;
	socklen_t length = sizeof target;
	pthread_t thread;
	int accepted;

	setvbuf(stdout, NULL, _IOLBF, 0);
	malloc_in_handler = argc > 1 && strcmp(argv[1], "--malloc-in-handler") == 0;

	memset(&target, 0, sizeof target);
	target.sin_family = AF_INET;
	target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&target, sizeof target) != 0 ||
	    listen(listener, 4) != 0 ||
	    getsockname(listener, (struct sockaddr *)&target, &length) != 0)
		die("listener");

	memset(&action, 0, sizeof action);
	action.sa_handler = on_signal;
	action.sa_flags = SA_RESTART; /* accept resumes, and takes the handler's connection */
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGUSR1, &action, NULL) != 0)
		die("sigaction");

	args.main_thread = pthread_self();
	args.main_tid = (pid_t)syscall(SYS_gettid);
	args.waited_ms = 0;
	if (pthread_create(&thread, NULL, killer, &args) != 0)
		die("pthread_create");

	accepted = accept(listener, NULL, NULL);
	pthread_join(thread, NULL);
	printf("accept.ok=%d\n", accepted >= 0);
	printf("handler.done=%d\n", (int)handler_done);
	printf("handler.connect=%d errno=%d\n", handler_connect_ret, handler_connect_errno);
	printf("handler.keepalive=%d\n", get_int(handler_fd, SOL_SOCKET, SO_KEEPALIVE));
	printf("handler.idle=%d\n", get_int(handler_fd, IPPROTO_TCP, TCP_KEEPIDLE));
	printf("accepted.keepalive=%d\n", get_int(accepted, SOL_SOCKET, SO_KEEPALIVE));
	printf("accepted.idle=%d\n", get_int(accepted, IPPROTO_TCP, TCP_KEEPIDLE));
	printf("heap.counted=%d\n", SIGCHECK_COUNTS_HEAP);
	printf("heap.calls_in_handler=%lu\n", heap_calls_in_handler);
	return 0;
}
