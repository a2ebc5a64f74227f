/*
 * alloc-count.so: counts every heap allocation a process makes, preloaded
 * before the library under test. glibc lets a preloaded malloc replace its
 * own for the whole process, libc's internal callers (strdup, stdio,
 * getaddrinfo, ...) included, so nothing allocates unseen. Each function
 * counts the call and hands it to glibc's own allocator (__libc_*).
 *
 * At exit, writes "allocations=N" to the file ALLOC_COUNT_FILE names.
 * Calls before the constructor count too: the counter is static data.
 */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *old, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);
void __libc_free(void *block);

static unsigned long allocations;
static char output_path[4096];

static void count_one(void)
{
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
}

EXPORT void *malloc(size_t size)
{
	count_one();
	return __libc_malloc(size);
}

EXPORT void *calloc(size_t count, size_t size)
{
	count_one();
	return __libc_calloc(count, size);
}

EXPORT void *realloc(void *old, size_t size)
{
	count_one();
	return __libc_realloc(old, size);
}

/* glibc's own reallocarray calls its realloc internally, unseen: wrap it. */
EXPORT void *reallocarray(void *old, size_t count, size_t size)
{
	count_one();
	if (size != 0 && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(old, count * size);
}

EXPORT void *memalign(size_t alignment, size_t size)
{
	count_one();
	return __libc_memalign(alignment, size);
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
	count_one();
	return __libc_memalign(alignment, size);
}

EXPORT int posix_memalign(void **block, size_t alignment, size_t size)
{
	void *got;

	count_one();
	if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
		return EINVAL;
	got = __libc_memalign(alignment, size);
	if (got == NULL)
		return ENOMEM;
	*block = got;
	return 0;
}

EXPORT void *valloc(size_t size)
{
	count_one();
	return __libc_valloc(size);
}

EXPORT void *pvalloc(size_t size)
{
	count_one();
	return __libc_pvalloc(size);
}

EXPORT void free(void *block)
{
	__libc_free(block);
}

/* Remember where to write: the program may clear its environment. */
__attribute__((constructor)) static void remember_output(void)
{
	const char *path = getenv("ALLOC_COUNT_FILE");

	if (path != NULL && strlen(path) < sizeof output_path)
		memcpy(output_path, path, strlen(path) + 1);
}

/* Runs at exit, after main and the atexit handlers. */
__attribute__((destructor)) static void report(void)
{
	char line[64];
	int fd, length;

	if (output_path[0] == '\0')
		return;
	length = snprintf(line, sizeof line, "allocations=%lu\n",
			  __atomic_load_n(&allocations, __ATOMIC_RELAXED));
	fd = open(output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)length) != length) {
		/* the test reads a missing or short count as a failure */
	}
	close(fd);
}
