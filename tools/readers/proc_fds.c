/*
 * Reading /proc/PID/fd. Each socket fd is a link to "socket:[INODE]"; the
 * inode is what ties it to a line of /proc/PID/net/tcp.
 */
#include "proc_fds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parse a whole non-negative decimal number. Returns 0, or -1 if text is not one. */
static int kashim_parse_ulong(const char *text, const char *end_at, unsigned long *value)
{
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	*value = strtoul(text, &end, 10);
	if (errno != 0 || end == text || strcmp(end, end_at) != 0)
		return -1;
	return 0;
}

/* The socket inode behind /proc/PID/fd/NAME. Returns 0, or -1 if not a socket. */
static int kashim_fd_socket_inode(int dir_fd, const char *name, unsigned long *inode)
{
	char link[64];
	ssize_t len = readlinkat(dir_fd, name, link, sizeof link - 1);

	if (len <= 0)
		return -1;
	link[len] = '\0';
	if (strncmp(link, "socket:[", 8) != 0)
		return -1;
	return kashim_parse_ulong(link + 8, "]", inode);
}

static int kashim_compare_fds(const void *a, const void *b)
{
	const struct kashim_socket_fd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

int kashim_list_socket_fds(pid_t pid, struct kashim_socket_fd **fds, size_t *count)
{
	char path[64];
	struct kashim_socket_fd *list = NULL;
	size_t used = 0, allocated = 0;
	struct dirent *entry;
	DIR *dir;
	int saved_errno;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	dir = opendir(path);
	if (dir == NULL)
		return -1;
	while ((entry = readdir(dir)) != NULL) {
		unsigned long fd, inode;

		if (kashim_parse_ulong(entry->d_name, "", &fd) != 0 || fd > 0x7fffffffUL ||
		    kashim_fd_socket_inode(dirfd(dir), entry->d_name, &inode) != 0)
			continue;
		if (used == allocated) {
			size_t more = allocated == 0 ? 16 : 2 * allocated;
			struct kashim_socket_fd *grown = realloc(list, more * sizeof *list);

			if (grown == NULL)
				goto fail;
			list = grown;
			allocated = more;
		}
		list[used].fd = (int)fd;
		list[used].inode = inode;
		used++;
	}
	closedir(dir);
	if (used > 1)
		qsort(list, used, sizeof *list, kashim_compare_fds);
	*fds = list;
	*count = used;
	return 0;
fail:
	saved_errno = errno;
	closedir(dir);
	free(list);
	errno = saved_errno;
	return -1;
}

void kashim_process_name(pid_t pid, char *name, size_t size)
{
	char path[64];
	ssize_t len;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	snprintf(name, size, "?");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, name, size - 1);
	close(fd);
	if (len <= 0) {
		snprintf(name, size, "?");
		return;
	}
	name[len] = '\0';
	name[strcspn(name, "\n")] = '\0';
}
