#include "inode_set.h"

#include <stdlib.h>
#include <string.h>

/* Fibonacci hashing: consecutive inodes (the kernel hands them out in
 * order) spread over the table instead of filling one run of it. */
static size_t kashim_slot_of(const struct kashim_inode_set *set, unsigned long inode)
{
	return (size_t)((unsigned long long)inode * 11400714819323198485ULL >> 20) &
	       (set->size - 1);
}

const struct kashim_inode_slot *kashim_inode_find(const struct kashim_inode_set *set,
						  unsigned long inode)
{
	size_t i;

	if (set->size == 0)
		return NULL;
	for (i = kashim_slot_of(set, inode); set->slots[i].inode != 0; i = (i + 1) & (set->size - 1)) {
		if (set->slots[i].inode == inode)
			return &set->slots[i];
	}
	return NULL;
}

/* Put inode into slots (size a power of two, at most half full). */
static void kashim_place(struct kashim_inode_set *set, unsigned long inode, unsigned value)
{
	size_t i = kashim_slot_of(set, inode);

	while (set->slots[i].inode != 0 && set->slots[i].inode != inode)
		i = (i + 1) & (set->size - 1);
	if (set->slots[i].inode == 0)
		set->count++;
	set->slots[i].inode = inode;
	set->slots[i].value = value;
}

/* Double the table, keeping every entry. Returns 0, or -1 out of memory. */
static int kashim_grow(struct kashim_inode_set *set)
{
	struct kashim_inode_set bigger = { NULL, set->size == 0 ? 64 : 2 * set->size, 0 };
	size_t i;

	bigger.slots = calloc(bigger.size, sizeof *bigger.slots);
	if (bigger.slots == NULL)
		return -1;
	for (i = 0; i < set->size; i++) {
		if (set->slots[i].inode != 0)
			kashim_place(&bigger, set->slots[i].inode, set->slots[i].value);
	}
	free(set->slots);
	*set = bigger;
	return 0;
}

int kashim_inode_add(struct kashim_inode_set *set, unsigned long inode, unsigned value)
{
	if (2 * (set->count + 1) > set->size && kashim_grow(set) != 0)
		return -1;
	kashim_place(set, inode, value);
	return 0;
}

void kashim_inode_clear(struct kashim_inode_set *set)
{
	if (set->slots != NULL)
		memset(set->slots, 0, set->size * sizeof *set->slots);
	set->count = 0;
}

void kashim_inode_free(struct kashim_inode_set *set)
{
	free(set->slots);
	memset(set, 0, sizeof *set);
}
