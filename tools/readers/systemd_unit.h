/*
 * The systemd unit a process runs in, as systemd itself names it from the
 * process's control group: kashim-inspect's unit label.
 */
#ifndef KASHIM_SYSTEMD_UNIT_H
#define KASHIM_SYSTEMD_UNIT_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Write into unit the systemd unit of process pid ("nginx.service",
 * "session-3.scope"), read from /proc/PID/cgroup: the first component of
 * its unified (or name=systemd) control group path that is not a slice.
 * "" when the process is in no unit (a slice's root, a machine without
 * systemd) or its cgroup file cannot be read. Returns 0, or -1 when the
 * file could not be read.
 */
int kashim_process_unit(pid_t pid, char *unit, size_t size);

/* The unit named by a cgroup path ("/system.slice/x.service/sub"), as above. */
void kashim_cgroup_path_unit(const char *path, char *unit, size_t size);

#endif
