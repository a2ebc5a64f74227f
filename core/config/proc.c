/*
 * What kashim reads from /proc: the system's keepalive timers and this
 * process's names. open/read/readlink only, no stdio, since this may run
 * in a constructor before stdio is usable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

/* A small non-negative integer from a /proc file, or fallback. */
static int kashim_read_proc_int(const char *path, int fallback)
{
	char text[32];
	ssize_t got;
	long value = 0;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fallback;
	got = read(fd, text, sizeof text - 1);
	close(fd);
	if (got <= 0 || text[0] < '0' || text[0] > '9')
		return fallback;
	for (i = 0; i < got && text[i] >= '0' && text[i] <= '9' && value < INT_MAX / 10; i++)
		value = value * 10 + (text[i] - '0');
	return (int)value;
}

void kashim_read_system_timers(struct kashim_system_timers *timers)
{
	int saved_errno = errno;

	timers->keepidle = kashim_read_proc_int("/proc/sys/net/ipv4/tcp_keepalive_time", 7200);
	timers->keepintvl = kashim_read_proc_int("/proc/sys/net/ipv4/tcp_keepalive_intvl", 75);
	timers->keepcnt = kashim_read_proc_int("/proc/sys/net/ipv4/tcp_keepalive_probes", 9);
	errno = saved_errno;
}

/* Copy the part of path after its last '/' into name (size bytes). */
static void kashim_copy_basename(char *name, size_t size, const char *path, size_t length)
{
	size_t start = length;

	while (start > 0 && path[start - 1] != '/')
		start--;
	length -= start;
	if (length >= size)
		length = size - 1;
	memcpy(name, path + start, length);
	name[length] = '\0';
}

void kashim_identity_from(struct kashim_identity *who, const char *exe_link,
			  const char *argv0)
{
	static const char deleted[] = " (deleted)";
	const size_t deleted_length = sizeof deleted - 1;
	char path[4096];
	ssize_t got;
	int saved_errno = errno;

	who->exe[0] = '\0';
	got = readlink(exe_link, path, sizeof path);
	if (got > 0 && (size_t)got < sizeof path) {
		size_t length = (size_t)got;

		/* A binary replaced while it runs (a package upgrade) reads
		 * "/usr/sbin/nginx (deleted)": it is still nginx. */
		if (length > deleted_length &&
		    memcmp(path + length - deleted_length, deleted, deleted_length) == 0)
			length -= deleted_length;
		kashim_copy_basename(who->exe, sizeof who->exe, path, length);
	}
	who->argv0[0] = '\0';
	if (argv0 != NULL)
		kashim_copy_basename(who->argv0, sizeof who->argv0, argv0, strlen(argv0));
	errno = saved_errno;
}

void kashim_read_identity(struct kashim_identity *who)
{
	kashim_identity_from(who, "/proc/self/exe", program_invocation_name);
}
