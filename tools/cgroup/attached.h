/*
 * For kashim-inspect: is kashim's program attached to a process's cgroup
 * or one above it, and with what values? Read from the kernel
 * (BPF_PROG_QUERY, the program's translated instructions), not from any
 * file kashim keeps.
 */
#ifndef KASHIM_CGROUP_ATTACHED_H
#define KASHIM_CGROUP_ATTACHED_H

#include <stddef.h>
#include <sys/types.h>

/*
 * One line per kashim program that runs for pid's TCP connections, from
 * its cgroup up ("kashim's program on /a/b (id 12, attached 30 s ago):
 * idle=31 ..."), into lines (each KASHIM_ATTACHED_LINE bytes; at most
 * max). Returns how many, 0 when none, or -1 when it cannot be told (no
 * cgroup v2, or not allowed: the queries need CAP_NET_ADMIN and
 * CAP_SYS_ADMIN).
 */
#define KASHIM_ATTACHED_LINE 1024
int kashim_cgroup_attached(pid_t pid, char (*lines)[KASHIM_ATTACHED_LINE], int max);

#endif
