/*
 * The cgroup a TCP listener was made in, from the kernel's socket
 * diagnostics (NETLINK_SOCK_DIAG, INET_DIAG_CGROUP_ID, Linux 5.7+): a
 * socket belongs to the cgroup of the process that made it, and the
 * connections it accepts to the same one, whoever holds it now.
 */
#ifndef KASHIM_SOCK_CGROUP_H
#define KASHIM_SOCK_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * For each of the n listener inodes, the id of its cgroup v2 (the inode
 * number of the cgroup's directory) into ids, 0 where it is not known (not
 * a listener of this network namespace, or a kernel that does not say).
 * Returns 0, or -1 with errno when the kernel could not be asked.
 */
int kashim_listener_cgroups(const unsigned long *inodes, size_t n, uint64_t *ids);

#endif
