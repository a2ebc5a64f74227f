/*
 * A hash set of socket inodes. Sockets are never taken out one by one:
 * the supervisor does not see a close. Instead, when half the slots are
 * used, the set is rebuilt from the sockets the kernel still lists; it
 * doubles only when most of what it holds is still alive, so its size
 * follows the number of open sockets, not of sockets ever made.
 */
#include "socket_set.h"

#include <stdio.h>
#include <stdlib.h>

#define KASHIM_SET_FIRST 1024

static size_t kashim_slot(const struct kashim_socket_set *set, unsigned long inode)
{
	size_t i = (size_t)(inode * 0x9e3779b97f4a7c15ULL) & (set->capacity - 1);

	while (set->slots[i] != 0 && set->slots[i] != inode)
		i = (i + 1) & (set->capacity - 1);
	return i;
}

int kashim_socket_set_has(const struct kashim_socket_set *set, unsigned long inode)
{
	return set->capacity != 0 && set->slots[kashim_slot(set, inode)] == inode;
}

static void kashim_put(struct kashim_socket_set *set, unsigned long inode)
{
	size_t i = kashim_slot(set, inode);

	if (set->slots[i] == 0) {
		set->slots[i] = inode;
		set->count++;
	}
}

/* Copy into fresh the inodes of old that file (a /proc/net table) lists. */
static void kashim_keep_listed(struct kashim_socket_set *fresh,
			       const struct kashim_socket_set *old, const char *file)
{
	char line[512];
	FILE *table = fopen(file, "re");

	if (table == NULL)
		return;
	while (fgets(line, sizeof line, table) != NULL) {
		unsigned long inode;

		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu", &inode) == 1 &&
		    inode != 0 && kashim_socket_set_has(old, inode))
			kashim_put(fresh, inode);
	}
	fclose(table);
}

/* Rebuild set with room to grow, keeping only sockets still open. */
static int kashim_rebuild(struct kashim_socket_set *set, pid_t pid)
{
	struct kashim_socket_set fresh = { NULL, set->capacity, 0 };
	char file[64];

	if (fresh.capacity == 0)
		fresh.capacity = KASHIM_SET_FIRST;
	fresh.slots = calloc(fresh.capacity, sizeof *fresh.slots);
	if (fresh.slots == NULL)
		return -1;
	if (set->capacity != 0) {
		snprintf(file, sizeof file, "/proc/%d/net/tcp", (int)pid);
		kashim_keep_listed(&fresh, set, file);
		snprintf(file, sizeof file, "/proc/%d/net/tcp6", (int)pid);
		kashim_keep_listed(&fresh, set, file);
	}
	if (fresh.count * 4 >= fresh.capacity) {
		struct kashim_socket_set bigger = { NULL, fresh.capacity * 2, 0 };
		size_t i;

		bigger.slots = calloc(bigger.capacity, sizeof *bigger.slots);
		if (bigger.slots == NULL) {
			free(fresh.slots);
			return -1;
		}
		for (i = 0; i < fresh.capacity; i++)
			if (fresh.slots[i] != 0)
				kashim_put(&bigger, fresh.slots[i]);
		free(fresh.slots);
		fresh = bigger;
	}
	free(set->slots);
	*set = fresh;
	return 0;
}

int kashim_socket_set_add(struct kashim_socket_set *set, unsigned long inode, pid_t pid)
{
	if ((set->count + 1) * 2 > set->capacity && kashim_rebuild(set, pid) != 0)
		return -1;
	kashim_put(set, inode);
	return 0;
}
