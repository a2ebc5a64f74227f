/*
 * One count per fd number, as seen.c has one bit: the accepts from that
 * listener still to configure. A count changes only by atomic
 * read-modify-writes, so threads accepting from one listener at once take
 * each queued connection exactly once. No fixed number of listeners: any
 * fd below KASHIM_SEEN_FDS has its count (256 KiB of .bss, whose pages
 * are touched only where a listener had connections queued at listen);
 * at and above it, nothing is marked seen either, so every accept from
 * such a listener is configured.
 */
#include "backlog.h"
#include "seen.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

static uint32_t kashim_counts[KASHIM_SEEN_FDS];
/* Listeners with a count left, or about to have one: the accept path's
 * only read when 0. */
static int kashim_listeners_left;

/* fd's count, or NULL for an fd outside the table. */
static uint32_t *kashim_count(int fd)
{
	return fd >= 0 && fd < KASHIM_SEEN_FDS ? &kashim_counts[fd] : NULL;
}

int kashim_backlog_add(int listener, unsigned count)
{
	uint32_t *slot = kashim_count(listener);

	if (slot == NULL || count == 0)
		return slot == NULL ? -1 : 0;
	__atomic_fetch_add(&kashim_listeners_left, 1, __ATOMIC_SEQ_CST);
	/* A count left from before (a listen on a listener kashim had not
	 * marked) is replaced: the queue holds what it holds now. */
	if (__atomic_exchange_n(slot, (uint32_t)count, __ATOMIC_SEQ_CST) != 0)
		__atomic_fetch_sub(&kashim_listeners_left, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int kashim_backlog_pending(int listener)
{
	uint32_t *slot;

	if (__atomic_load_n(&kashim_listeners_left, __ATOMIC_RELAXED) == 0)
		return 0;
	slot = kashim_count(listener);
	return slot != NULL && __atomic_load_n(slot, __ATOMIC_SEQ_CST) != 0;
}

void kashim_backlog_take(int listener)
{
	uint32_t *slot, count;

	if (__atomic_load_n(&kashim_listeners_left, __ATOMIC_RELAXED) == 0)
		return;
	slot = kashim_count(listener);
	if (slot == NULL)
		return;
	count = __atomic_load_n(slot, __ATOMIC_SEQ_CST);
	while (count != 0) {
		if (__atomic_compare_exchange_n(slot, &count, count - 1, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			/* The last one leaves the listener with none. */
			if (count == 1)
				__atomic_fetch_sub(&kashim_listeners_left, 1, __ATOMIC_SEQ_CST);
			return;
		}
	}
}

void kashim_backlog_forget(int fd)
{
	uint32_t *slot;

	if (__atomic_load_n(&kashim_listeners_left, __ATOMIC_RELAXED) == 0)
		return;
	slot = kashim_count(fd);
	if (slot != NULL && __atomic_load_n(slot, __ATOMIC_RELAXED) != 0 &&
	    __atomic_exchange_n(slot, 0, __ATOMIC_SEQ_CST) != 0)
		__atomic_fetch_sub(&kashim_listeners_left, 1, __ATOMIC_SEQ_CST);
}

unsigned kashim_backlog_queued(int listener)
{
	struct tcp_info info;
	/* Only as far as tcpi_unacked: the kernel copies no more than asked. */
	socklen_t wanted = (socklen_t)(offsetof(struct tcp_info, tcpi_unacked) +
				       sizeof info.tcpi_unacked);
	socklen_t length = wanted;
	int saved_errno = errno;
	unsigned queued = 0;

	if (getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &length) == 0 &&
	    length >= wanted && info.tcpi_state == TCP_LISTEN)
		queued = info.tcpi_unacked;
	errno = saved_errno;
	return queued;
}
