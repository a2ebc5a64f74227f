/*
 * alloc-connect.so: the control for alloc-count.so. A preload library
 * shaped like kashim (a connect interposer bound with dlsym) that makes
 * exactly one heap allocation per connect, through libc (strdup), so a
 * test can show the counter sees allocations made inside a preloaded
 * library's wrapper.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

static connect_fn real_connect;

__attribute__((constructor)) static void bind_connect(void)
{
	real_connect = (connect_fn)dlsym(RTLD_NEXT, "connect");
	if (real_connect == NULL)
		abort();
}

__attribute__((visibility("default")))
int connect(int fd, const struct sockaddr *addr, socklen_t length)
{
	/* volatile: the compiler may not drop a strdup whose result is freed */
	/* cppcheck-suppress unusedAllocatedMemory ; the allocation is the point */
	char *volatile copy = strdup("one allocation per connect");

	free(copy);
	return real_connect(fd, addr, length);
}
