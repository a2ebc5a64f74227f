#include "cgroup_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* What kashim calls the cgroups it makes; leftovers are found by it. */
#define KASHIM_OWN_PREFIX "kashim-run."

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void kashim_unescape(char *s)
{
	char *out = s;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

int kashim_cgroup_mount(char *path, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], root[PATH_MAX], point[PATH_MAX];
	int found = -1, best_root = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		const char *dash = strstr(line, " - ");
		char type[32];

		if (dash == NULL || sscanf(dash, " - %31s", type) != 1 ||
		    strcmp(type, "cgroup2") != 0 ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2)
			continue;
		kashim_unescape(point);
		if (found == 0 && (best_root || strcmp(root, "/") != 0))
			continue;
		snprintf(path, size, "%s", point);
		best_root = strcmp(root, "/") == 0;
		found = 0;
	}
	fclose(f);
	return found;
}

int kashim_cgroup_open(const char *dir, char *err, size_t err_size)
{
	char mount[PATH_MAX];
	struct statfs fs;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, err_size, "cannot open cgroup %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return fd;
	close(fd);
	if (kashim_cgroup_mount(mount, sizeof mount) != 0)
		snprintf(err, err_size, "%s is not a cgroup v2 directory, and no cgroup v2 "
			 "hierarchy is mounted (mount -t cgroup2 none DIR)", dir);
	else
		snprintf(err, err_size, "%s is not a cgroup v2 directory%s; the v2 hierarchy is "
			 "mounted at %s", dir,
			 fs.f_type == CGROUP_SUPER_MAGIC ? " (it is cgroup v1)" : "", mount);
	return -1;
}

int kashim_cgroup_is_root(int dirfd)
{
	/* cgroup.type is on every cgroup but the root (CFTYPE_NOT_ON_ROOT) */
	return faccessat(dirfd, "cgroup.type", F_OK, 0) != 0 && errno == ENOENT;
}

static int kashim_add_pid(struct kashim_cgroup_pids *pids, pid_t pid)
{
	if (pids->count == pids->allocated) {
		size_t more = pids->allocated ? pids->allocated * 2 : 64;
		pid_t *grown = realloc(pids->pids, more * sizeof *grown);

		if (grown == NULL)
			return -1;
		pids->pids = grown;
		pids->allocated = more;
	}
	pids->pids[pids->count++] = pid;
	if (pid == getpid())
		pids->has_self = 1;
	return 0;
}

/* The walk's state: nftw's callback takes no argument of its own. */
static struct kashim_cgroup_pids *kashim_walk_pids;

/* nftw's callback: each cgroup's cgroup.procs into kashim_walk_pids. */
static int kashim_read_procs(const char *path, const struct stat *st, int type,
			     struct FTW *ftw)
{
	char procs[PATH_MAX + 16];
	FILE *f;
	long pid;
	int result = 0;

	(void)st;
	(void)ftw;
	if (type != FTW_D)
		return 0;
	snprintf(procs, sizeof procs, "%s/cgroup.procs", path);
	f = fopen(procs, "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : -1; /* removed meanwhile */
	while (result == 0 && fscanf(f, "%ld", &pid) == 1)
		result = kashim_add_pid(kashim_walk_pids, (pid_t)pid);
	fclose(f);
	return result;
}

int kashim_cgroup_list(const char *dir, struct kashim_cgroup_pids *pids)
{
	kashim_walk_pids = pids;
	return nftw(dir, kashim_read_procs, 16, FTW_PHYS) == 0 ? 0 : -1;
}

/* kashim's own cgroup v2 directory, from /proc/self/cgroup and the mount. */
static int kashim_own_cgroup(char *path, size_t size)
{
	char mount[PATH_MAX], line[PATH_MAX + 8];
	FILE *f;
	int found = -1;

	if (kashim_cgroup_mount(mount, sizeof mount) != 0)
		return -1;
	f = fopen("/proc/self/cgroup", "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "0::/", 4) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if ((size_t)snprintf(path, size, "%s%s", mount, strcmp(line + 3, "/") == 0 ? ""
							    : line + 3) < size)
			found = 0;
	}
	fclose(f);
	return found;
}

/* Remove the empty kashim-run.PID cgroups in parent whose kashim is gone. */
static void kashim_clean_leftovers(const char *parent)
{
	DIR *dir = opendir(parent);
	struct dirent *entry;

	if (dir == NULL)
		return;
	while ((entry = readdir(dir)) != NULL) {
		const char *digits = entry->d_name + strlen(KASHIM_OWN_PREFIX);
		char *end;
		long pid;

		if (entry->d_type != DT_DIR ||
		    strncmp(entry->d_name, KASHIM_OWN_PREFIX, strlen(KASHIM_OWN_PREFIX)) != 0)
			continue;
		pid = strtol(digits, &end, 10);
		if (end == digits || *end != '\0' || pid <= 0 ||
		    (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;
		/* rmdir refuses a cgroup that still has processes: those stay */
		(void)unlinkat(dirfd(dir), entry->d_name, AT_REMOVEDIR);
	}
	closedir(dir);
}

int kashim_cgroup_make_own(char *path, size_t size, char *err, size_t err_size)
{
	char parent[PATH_MAX];
	int fd;

	if (kashim_own_cgroup(parent, sizeof parent) != 0) {
		snprintf(err, err_size, "no cgroup v2 hierarchy is mounted, or kashim's own cgroup "
			 "in it cannot be read from /proc/self/cgroup");
		return -1;
	}
	kashim_clean_leftovers(parent);
	if ((size_t)snprintf(path, size, "%s/" KASHIM_OWN_PREFIX "%ld", parent,
			     (long)getpid()) >= size) {
		snprintf(err, err_size, "cgroup path too long under %s", parent);
		return -1;
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(err, err_size, "cannot make cgroup %s: %s", path, strerror(errno));
		return -1;
	}
	fd = kashim_cgroup_open(path, err, err_size);
	if (fd < 0)
		(void)rmdir(path);
	return fd;
}

int kashim_cgroup_remove(const char *path, int wait_ms)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int waited = 0;

	while (rmdir(path) != 0) {
		if (errno != EBUSY || waited >= wait_ms)
			return errno == ENOENT ? 0 : -1;
		nanosleep(&pause, NULL);
		waited += 10;
	}
	return 0;
}
