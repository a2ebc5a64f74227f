/*
 * A few slots, each one 64-bit word: the listener's fd + 1 in the high
 * half (0: free), the accepts still to configure in the low half. A word
 * changes only by compare-and-swap, so threads accepting from one listener
 * at once take each queued connection exactly once, and a slot that is
 * freed and taken by another listener meanwhile is never miscounted.
 */
#include "backlog.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Socket activation hands a program a few listeners; more than this many
 * draining at once fall back to configuring every accept. */
#define KASHIM_BACKLOG_SLOTS 16

static uint64_t kashim_slots[KASHIM_BACKLOG_SLOTS];
/* Slots in use, or about to be: the accept path's only read when 0. */
static int kashim_slots_used;

static uint64_t kashim_key(int fd)
{
	return (uint64_t)((unsigned)fd + 1U) << 32;
}

int kashim_backlog_add(int listener, unsigned count)
{
	uint64_t word = kashim_key(listener) | count;
	int i;

	if (listener < 0 || count == 0)
		return 0;
	__atomic_fetch_add(&kashim_slots_used, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < KASHIM_BACKLOG_SLOTS; i++) {
		uint64_t free_slot = 0;

		if (__atomic_compare_exchange_n(&kashim_slots[i], &free_slot, word, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return 0;
	}
	__atomic_fetch_sub(&kashim_slots_used, 1, __ATOMIC_SEQ_CST);
	return -1;
}

int kashim_backlog_pending(int listener)
{
	uint64_t key = kashim_key(listener);
	int i;

	if (__atomic_load_n(&kashim_slots_used, __ATOMIC_RELAXED) == 0 || listener < 0)
		return 0;
	for (i = 0; i < KASHIM_BACKLOG_SLOTS; i++) {
		uint64_t word = __atomic_load_n(&kashim_slots[i], __ATOMIC_SEQ_CST);

		if ((word & ~(uint64_t)UINT32_MAX) == key && (word & UINT32_MAX) != 0)
			return 1;
	}
	return 0;
}

void kashim_backlog_take(int listener)
{
	uint64_t key = kashim_key(listener);
	int i;

	if (__atomic_load_n(&kashim_slots_used, __ATOMIC_RELAXED) == 0 || listener < 0)
		return;
	for (i = 0; i < KASHIM_BACKLOG_SLOTS; i++) {
		uint64_t word = __atomic_load_n(&kashim_slots[i], __ATOMIC_SEQ_CST);

		while ((word & ~(uint64_t)UINT32_MAX) == key) {
			/* The last one frees the slot. */
			uint64_t next = (word & UINT32_MAX) > 1 ? word - 1 : 0;

			if (__atomic_compare_exchange_n(&kashim_slots[i], &word, next, 0,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
				if (next == 0)
					__atomic_fetch_sub(&kashim_slots_used, 1, __ATOMIC_SEQ_CST);
				return;
			}
		}
	}
}

void kashim_backlog_forget(int fd)
{
	uint64_t key = kashim_key(fd);
	int i;

	if (__atomic_load_n(&kashim_slots_used, __ATOMIC_RELAXED) == 0 || fd < 0)
		return;
	for (i = 0; i < KASHIM_BACKLOG_SLOTS; i++) {
		uint64_t word = __atomic_load_n(&kashim_slots[i], __ATOMIC_SEQ_CST);

		if ((word & ~(uint64_t)UINT32_MAX) == key &&
		    __atomic_compare_exchange_n(&kashim_slots[i], &word, 0, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			__atomic_fetch_sub(&kashim_slots_used, 1, __ATOMIC_SEQ_CST);
	}
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
