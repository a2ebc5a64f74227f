/*
 * The sockets kashim's supervisor has already dealt with, by inode: a
 * socket is configured at the first listen or connect seen for it, and a
 * later call on it leaves the program's own settings alone.
 */
#ifndef KASHIM_SOCKET_SET_H
#define KASHIM_SOCKET_SET_H

#include "tools/readers/inode_set.h"

#include <sys/types.h>

struct kashim_socket_set {
	struct kashim_inode_set seen;
	size_t limit; /* trim the set when it holds this many */
};

/* Has inode been added? */
int kashim_socket_set_has(const struct kashim_socket_set *set, unsigned long inode);

/*
 * Add inode. When the set reaches its limit, sockets no longer open are
 * dropped first: the live ones are those /proc/PID/net/tcp and tcp6 list
 * (pid's network namespace). Returns 0, or -1 when out of memory (the
 * socket is then simply not remembered).
 */
int kashim_socket_set_add(struct kashim_socket_set *set, unsigned long inode, pid_t pid);

#endif
