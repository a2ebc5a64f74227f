/*
 * A set of socket inodes, each with a small value: kashim --watch's memory
 * of the sockets it has dealt with, so that it never touches one twice.
 * Open addressing, so a pass over 10,000 sockets is 10,000 lookups of a
 * few memory reads each.
 */
#ifndef KASHIM_INODE_SET_H
#define KASHIM_INODE_SET_H

#include <stddef.h>

struct kashim_inode_slot {
	unsigned long inode; /* 0: empty (socket inodes are never 0) */
	unsigned value;
};

struct kashim_inode_set {
	struct kashim_inode_slot *slots;
	size_t size;  /* a power of two, or 0 */
	size_t count;
};

/* The slot of inode, or NULL when it is not in the set. */
const struct kashim_inode_slot *kashim_inode_find(const struct kashim_inode_set *set,
						  unsigned long inode);

/* Add inode (not 0) with value, or change its value. Returns 0, or -1 out of memory. */
int kashim_inode_add(struct kashim_inode_set *set, unsigned long inode, unsigned value);

/* Empty the set, keeping its memory for the next pass. */
void kashim_inode_clear(struct kashim_inode_set *set);

void kashim_inode_free(struct kashim_inode_set *set);

#endif
