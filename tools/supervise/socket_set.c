/*
 * The supervisor does not see a close, so sockets are never taken out
 * one by one. Instead, when the set reaches its limit, it is rebuilt from
 * the sockets the kernel still lists, and the limit doubles only when
 * most of them are still open: the set follows the number of open
 * sockets, not of sockets ever made. A socket whose first connect failed
 * is listed nowhere, so it may be configured again at its next connect.
 */
#include "socket_set.h"

#include <stdio.h>

#define KASHIM_SET_FIRST_LIMIT 1024

int kashim_socket_set_has(const struct kashim_socket_set *set, unsigned long inode)
{
	return kashim_inode_find(&set->seen, inode) != NULL;
}

/* Copy into fresh the inodes of old that file (a /proc/net table) lists. */
static void kashim_keep_listed(struct kashim_inode_set *fresh,
			       const struct kashim_inode_set *old, const char *file)
{
	char line[512];
	FILE *table = fopen(file, "re");

	if (table == NULL)
		return;
	while (fgets(line, sizeof line, table) != NULL) {
		unsigned long inode;

		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu", &inode) == 1 &&
		    inode != 0 && kashim_inode_find(old, inode) != NULL)
			kashim_inode_add(fresh, inode, 0);
	}
	fclose(table);
}

/* Keep only the sockets still open, as pid's network namespace lists them. */
static void kashim_trim(struct kashim_socket_set *set, pid_t pid)
{
	struct kashim_inode_set fresh = { NULL, 0, 0 };
	char file[64];

	snprintf(file, sizeof file, "/proc/%d/net/tcp", (int)pid);
	kashim_keep_listed(&fresh, &set->seen, file);
	snprintf(file, sizeof file, "/proc/%d/net/tcp6", (int)pid);
	kashim_keep_listed(&fresh, &set->seen, file);
	kashim_inode_free(&set->seen);
	set->seen = fresh;
	if (set->seen.count * 2 >= set->limit)
		set->limit *= 2;
}

int kashim_socket_set_add(struct kashim_socket_set *set, unsigned long inode, pid_t pid)
{
	if (set->limit == 0)
		set->limit = KASHIM_SET_FIRST_LIMIT;
	if (set->seen.count >= set->limit)
		kashim_trim(set, pid);
	return kashim_inode_add(&set->seen, inode, 0);
}
