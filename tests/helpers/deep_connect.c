/*
 * A library that connects on its caller's behalf: edgeprobe deepbind loads
 * it with and without RTLD_DEEPBIND, which makes its own connect bind to
 * libc's ahead of any preloaded library's (libkashim(7), LIMITATIONS).
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int deep_connect(const struct sockaddr_in *addr);

__attribute__((visibility("default"))) int deep_connect(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0)
		return -1;
	return fd;
}
