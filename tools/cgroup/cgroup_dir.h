/*
 * The cgroup v2 side of kashim --cgroup and --mode=cgroup: finding the v2
 * hierarchy, checking a directory is in it, listing the processes a
 * cgroup (with its descendants) holds, and the cgroups kashim makes for
 * a COMMAND of its own.
 */
#ifndef KASHIM_CGROUP_DIR_H
#define KASHIM_CGROUP_DIR_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo
 * (the mount of its root preferred: in hybrid mode /sys/fs/cgroup/unified,
 * in unified mode /sys/fs/cgroup). Returns 0, or -1 when none is mounted.
 */
int kashim_cgroup_mount(char *path, size_t size);

/*
 * Open dir as a cgroup v2 directory. Returns its fd (O_DIRECTORY), or -1
 * with one line in err: not found, not a directory, a cgroup v1 directory,
 * no cgroup v2 hierarchy at all.
 */
int kashim_cgroup_open(const char *dir, char *err, size_t err_size);

/* Is the cgroup at dirfd the root of its hierarchy (it has no cgroup.type)? */
int kashim_cgroup_is_root(int dirfd);

/* The processes of a cgroup and of every cgroup below it. */
struct kashim_cgroup_pids {
	pid_t *pids;
	size_t count, allocated;
	int has_self; /* kashim itself is one of them */
};

/*
 * Fill pids (zeroed by the caller; free pids->pids) from the cgroup.procs
 * of the cgroup at dir and of its descendants. Returns 0, or -1 with errno.
 */
int kashim_cgroup_list(const char *dir, struct kashim_cgroup_pids *pids);

/*
 * Make a cgroup for a COMMAND of kashim's own beside kashim's: a child of
 * kashim's cgroup named kashim-run.PID (PID kashim's), written into path.
 * Empty leftovers of that naming whose kashim is gone are removed first.
 * Returns the new cgroup's fd, or -1 with one line in err.
 */
int kashim_cgroup_make_own(char *path, size_t size, char *err, size_t err_size);

/*
 * Remove the cgroup at path once the processes in it are gone, waiting up
 * to wait_ms for them. Returns 0, or -1 with errno (EBUSY: some remain).
 */
int kashim_cgroup_remove(const char *path, int wait_ms);

#endif
