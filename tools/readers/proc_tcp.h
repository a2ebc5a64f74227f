/*
 * The TCP socket tables of a process's network namespace, from
 * /proc/PID/net/tcp and /proc/PID/net/tcp6: address, state and the
 * kernel's pending timer for every TCP socket, keyed by inode.
 */
#ifndef KASHIM_PROC_TCP_H
#define KASHIM_PROC_TCP_H

#include "sockid.h"

#include <stddef.h>
#include <sys/types.h>

/* The "tr" column: which of the socket's timers is pending. */
enum kashim_tcp_timer {
	KASHIM_TIMER_NONE = 0,
	KASHIM_TIMER_RETRANSMIT = 1, /* also loss probe and RACK reordering */
	KASHIM_TIMER_KEEPALIVE = 2,  /* sk_timer: keepalive on a connection */
	KASHIM_TIMER_TIME_WAIT = 3,
	KASHIM_TIMER_ZERO_WINDOW = 4
};

struct kashim_tcp_entry {
	unsigned long inode;
	struct kashim_sockid id;
	int timer;                  /* enum kashim_tcp_timer */
	unsigned long timer_ticks;  /* until the timer fires, in clock ticks */
	unsigned probes;            /* keepalive or zero-window probes unanswered */
};

struct kashim_tcp_table {
	struct kashim_tcp_entry *entries;
	size_t count;
	size_t allocated;
};

/*
 * Read both tables of pid's network namespace into table (zeroed by the
 * caller, freed with kashim_tcp_table_free). A missing tcp6 (IPv6 disabled)
 * is not an error. Returns 0, or -1 with errno.
 */
int kashim_tcp_table_read(pid_t pid, struct kashim_tcp_table *table);

/* The entry for a socket inode, or NULL when it is not a TCP socket there. */
const struct kashim_tcp_entry *kashim_tcp_table_find(const struct kashim_tcp_table *table,
						     unsigned long inode);

void kashim_tcp_table_free(struct kashim_tcp_table *table);

/* "ESTABLISHED", "LISTEN", ... for a TCP state number. */
const char *kashim_tcp_state_name(int state);

/* "keepalive", "retransmit", ... for a timer; "none" for none. */
const char *kashim_tcp_timer_name(int timer);

#endif
