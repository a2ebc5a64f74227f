/*
 * What /proc says about a process, for --missing's reasons: whether
 * libkashim.so is mapped into it, whether it started with AT_SECURE,
 * whether it is a kernel thread; and the list of every process.
 */
#include "proc_facts.h"
#include "missing.h"
#include "tools/readers/process.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A whole /proc file, NUL-terminated, malloc'd; NULL with errno on failure. */
char *kashim_read_whole(pid_t pid, const char *file, size_t *length)
{
	char path[64];
	size_t used = 0, size = 4096;
	char *buf = malloc(size + 1);
	int fd, saved_errno;

	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (buf == NULL || fd < 0)
		goto fail;
	for (;;) {
		ssize_t got = read(fd, buf + used, size - used);

		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		used += (size_t)got;
		if (used == size) {
			char *grown = realloc(buf, 2 * size + 1);

			if (grown == NULL)
				goto fail;
			buf = grown;
			size *= 2;
		}
	}
	close(fd);
	buf[used] = '\0';
	*length = used;
	return buf;
fail:
	saved_errno = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = saved_errno;
	return NULL;
}

/* Is libkashim.so mapped into pid? -1 when its maps cannot be read. */
int kashim_shim_loaded(pid_t pid)
{
	size_t length;
	char *maps = kashim_read_whole(pid, "maps", &length);
	int loaded;

	if (maps == NULL)
		return -1;
	loaded = strstr(maps, "/libkashim.so\n") != NULL ||
		 strstr(maps, "/libkashim.so (deleted)\n") != NULL;
	free(maps);
	return loaded;
}

/* Did pid start with AT_SECURE (set-user-ID, file capabilities)? */
int kashim_secure(pid_t pid)
{
	size_t length, i;
	char *auxv = kashim_read_whole(pid, "auxv", &length);
	int secure = 0;

	if (auxv == NULL)
		return 0;
	for (i = 0; i + 2 * sizeof(unsigned long) <= length; i += 2 * sizeof(unsigned long)) {
		unsigned long pair[2];

		memcpy(pair, auxv + i, sizeof pair);
		if (pair[0] == AT_SECURE)
			secure = pair[1] != 0;
	}
	free(auxv);
	return secure;
}

/*
 * Is pid a kernel thread (PF_KTHREAD in the flags of /proc/PID/stat,
 * which anyone may read)? It holds no socket, and --all skips it even
 * where its /proc/PID/fd may not be read.
 */
int kashim_kernel_thread(pid_t pid)
{
	size_t length;
	char *stat = kashim_read_whole(pid, "stat", &length);
	const char *p = stat != NULL ? strrchr(stat, ')') : NULL;
	unsigned long flags = 0;
	int field;

	/* after "pid (comm)": state ppid pgrp session tty_nr tpgid flags */
	for (field = 0; p != NULL && field < 7; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		flags = strtoul(p + 1, NULL, 10);
	free(stat);
	return (flags & 0x00200000UL) != 0; /* PF_KTHREAD */
}

/* Every process ID under /proc but our own, in a malloc'd array. */
pid_t *kashim_all_pids(size_t *count)
{
	DIR *dir = opendir("/proc");
	struct dirent *entry;
	pid_t *pids = NULL, self = getpid();
	size_t used = 0, allocated = 0;

	if (dir == NULL) {
		perror("kashim-inspect: /proc");
		exit(KASHIM_MISSING_UNREADABLE);
	}
	while ((entry = readdir(dir)) != NULL) {
		pid_t pid;

		if (kashim_parse_pid(entry->d_name, &pid) != 0 || pid == self ||
		    kashim_kernel_thread(pid))
			continue;
		if (used == allocated) {
			size_t more = allocated == 0 ? 256 : 2 * allocated;
			pid_t *grown = realloc(pids, more * sizeof *grown);

			if (grown == NULL) {
				perror("kashim-inspect");
				exit(KASHIM_MISSING_UNREADABLE);
			}
			pids = grown;
			allocated = more;
		}
		pids[used++] = pid;
	}
	closedir(dir);
	*count = used;
	return pids;
}
