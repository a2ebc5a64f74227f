/*
 * The supervisor does not see a close, so sockets are never taken out
 * one by one. Instead, when the set reaches its limit, it is rebuilt from
 * the sockets the kernel still lists, and the limit doubles only when
 * most of them are still open: the set follows the number of open
 * sockets, not of sockets ever made. A socket whose first connect failed
 * is listed nowhere, so it may be configured again at its next connect.
 */
#include "socket_set.h"
#include "tools/readers/proc_tcp.h"

#define KASHIM_SET_FIRST_LIMIT 1024

int kashim_socket_set_has(const struct kashim_socket_set *set, unsigned long inode)
{
	return kashim_inode_find(&set->seen, inode) != NULL;
}

/*
 * Keep only the sockets still open, as pid's network namespace lists them.
 * A socket missing from a table that could not be read whole is dropped
 * too: at worst it is configured again at its next call.
 */
static void kashim_trim(struct kashim_socket_set *set, pid_t pid)
{
	struct kashim_inode_set fresh = { NULL, 0, 0 };
	struct kashim_tcp_table table = { NULL, 0, 0 };
	size_t i;

	(void)kashim_tcp_table_read(pid, &table);
	for (i = 0; i < table.count; i++) {
		if (kashim_inode_find(&set->seen, table.entries[i].inode) != NULL)
			kashim_inode_add(&fresh, table.entries[i].inode, 0);
	}
	kashim_tcp_table_free(&table);
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
