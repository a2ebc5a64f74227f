/*
 * The unit from /proc/PID/cgroup, as systemd's cg_path_get_unit finds
 * it: slices nest, a unit does not, and what a unit delegates below
 * itself ("/system.slice/x.service/payload") still belongs to that unit.
 */
#include "systemd_unit.h"
#include "core/config/name.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The suffixes of units that hold processes. */
static const char *const kashim_unit_suffixes[] = { ".service", ".scope", ".socket",
						     ".mount", ".swap" };

void kashim_cgroup_path_unit(const char *path, char *unit, size_t size)
{
	const char *p = path;
	size_t i;

	if (size > 0)
		unit[0] = '\0';
	for (;;) {
		size_t length;

		while (*p == '/')
			p++;
		length = strcspn(p, "/\n");
		if (length == 0)
			return;
		if (!kashim_name_ends_with(p, length, ".slice"))
			break;
		p += length;
	}
	for (i = 0; i < sizeof kashim_unit_suffixes / sizeof kashim_unit_suffixes[0]; i++) {
		size_t length = strcspn(p, "/\n");

		if (kashim_name_ends_with(p, length, kashim_unit_suffixes[i]) && length < size) {
			memcpy(unit, p, length);
			unit[length] = '\0';
			return;
		}
	}
}

int kashim_process_unit(pid_t pid, char *unit, size_t size)
{
	char path[64], text[4096];
	const char *line, *next;
	ssize_t got = -1;
	int fd;

	if (size > 0)
		unit[0] = '\0';
	snprintf(path, sizeof path, "/proc/%ld/cgroup", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, text, sizeof text - 1);
		close(fd);
	}
	if (got < 0)
		return -1;
	text[got] = '\0';
	/* "0::/path" (unified) or "N:name=systemd:/path" (legacy, hybrid) */
	for (line = text; *line != '\0'; line = next) {
		size_t length = strcspn(line, "\n");
		const char *controllers = memchr(line, ':', length);
		const char *cgroup = NULL;

		next = line + length + (line[length] == '\n');
		if (controllers != NULL)
			cgroup = memchr(controllers + 1, ':', length - (size_t)(controllers + 1 - line));
		if (cgroup == NULL || (cgroup != controllers + 1 &&
				       strncmp(controllers + 1, "name=systemd:", 13) != 0))
			continue;
		kashim_cgroup_path_unit(cgroup + 1, unit, size);
		if (size > 0 && unit[0] != '\0')
			return 0;
	}
	return 0;
}
