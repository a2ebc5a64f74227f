#include "attached.h"
#include "bpf_sys.h"
#include "cgroup_dir.h"
#include "sockops_prog.h"
#include "core/config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* pid's cgroup v2 path ("/a/b"), from /proc/PID/cgroup. */
static int kashim_process_cgroup(pid_t pid, char *path, size_t size)
{
	char file[64], line[PATH_MAX + 8];
	FILE *f;
	int found = -1;

	snprintf(file, sizeof file, "/proc/%ld/cgroup", (long)pid);
	f = fopen(file, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "0::/", 4) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line + 3) < size) {
			memcpy(path, line + 3, strlen(line + 3) + 1);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* What the program's instructions set, as kashim --cgroup's line says it. */
static void kashim_describe(const struct kashim_sockops_values *v, char *buf, size_t size)
{
	const struct {
		const char *key, *unit;
		int value;
	} timers[] = {
		{ "idle", "", v->keepidle }, { "intvl", "", v->keepintvl },
		{ "cnt", "", v->keepcnt }, { "user_timeout", "ms", v->user_timeout },
	};
	size_t i, used = 0;

	for (i = 0; i < sizeof timers / sizeof timers[0] && used < size; i++) {
		if (timers[i].value == KASHIM_UNSET)
			used += (size_t)snprintf(buf + used, size - used, "%s=system ", timers[i].key);
		else
			used += (size_t)snprintf(buf + used, size - used, "%s=%d%s ", timers[i].key,
						 timers[i].value, timers[i].unit);
	}
	if (used < size)
		snprintf(buf + used, size - used, "sides=%s ports=%s policy=%s",
			 v->sides == KASHIM_SIDES_ALL ? "accept,connect"
			 : v->sides == KASHIM_SIDE_ACCEPT ? "accept" : "connect",
			 v->ports ? v->port_list : "all", v->respect ? "respect" : "override");
}

/* The seconds since a load time on CLOCK_BOOTTIME. */
static long long kashim_age(uint64_t load_time)
{
	struct timespec now;

	if (clock_gettime(CLOCK_BOOTTIME, &now) != 0)
		return 0;
	return ((long long)now.tv_sec * 1000000000LL + now.tv_nsec - (long long)load_time) /
	       1000000000LL;
}

/* The kashim programs attached to the cgroup at dirfd itself, as lines. */
static int kashim_lines_for(int dirfd, const char *where, char (*lines)[KASHIM_ATTACHED_LINE],
			    int n, int max)
{
	static struct bpf_insn insns[KASHIM_SOCKOPS_MAX_INSNS * 4];
	uint32_t ids[64];
	long count, i;

	count = kashim_bpf_cgroup_programs(dirfd, 0, ids, 64);
	if (count < 0)
		return -1;
	for (i = 0; i < count && i < 64 && n < max; i++) {
		struct kashim_bpf_info info;
		struct kashim_sockops_values values;
		char described[256];

		if (kashim_bpf_program(ids[i], &info, insns, sizeof insns / sizeof insns[0]) != 0)
			return -1;
		if (strcmp(info.name, KASHIM_SOCKOPS_NAME) != 0)
			continue;
		if (kashim_sockops_read(insns, info.count, &values) != 0)
			snprintf(described, sizeof described, "values unreadable");
		else
			kashim_describe(&values, described, sizeof described);
		snprintf(lines[n++], KASHIM_ATTACHED_LINE,
			 "kashim's program on cgroup %.600s (bpf program %u, loaded %lld s ago): %s",
			 where, ids[i], kashim_age(info.load_time), described);
	}
	return n;
}

int kashim_cgroup_attached(pid_t pid, char (*lines)[KASHIM_ATTACHED_LINE], int max)
{
	char mount[PATH_MAX], path[PATH_MAX], dir[2 * PATH_MAX];
	int n = 0;

	if (kashim_cgroup_mount(mount, sizeof mount) != 0 ||
	    kashim_process_cgroup(pid, path, sizeof path) != 0)
		return -1;
	for (;;) {
		char *slash;
		int fd;

		snprintf(dir, sizeof dir, "%s%s", mount, path);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return n > 0 ? n : -1;
		n = kashim_lines_for(fd, path, lines, n, max);
		close(fd);
		if (n < 0)
			return -1;
		if (strcmp(path, "/") == 0)
			return n;
		slash = strrchr(path, '/');
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}
