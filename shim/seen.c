/*
 * A static bitmap, one bit per fd below KASHIM_SEEN_FDS (8 KiB of
 * .bss, touched only where fds are marked): nothing is allocated, and a
 * fork copies it along with the fds it describes. Bits change with atomic
 * read-modify-writes, so threads that listen or connect at once cannot
 * lose a mark.
 */
#include "seen.h"

#include <stddef.h>

#define KASHIM_WORD_BITS (8 * sizeof(unsigned long))

static unsigned long kashim_seen_bits[KASHIM_SEEN_FDS / KASHIM_WORD_BITS];

/* The word holding fd's bit, or NULL for an fd outside the bitmap. */
static unsigned long *kashim_word(int fd, unsigned long *bit)
{
	unsigned index;

	if (fd < 0 || fd >= KASHIM_SEEN_FDS)
		return NULL;
	index = (unsigned)fd;
	*bit = 1UL << (index % KASHIM_WORD_BITS);
	return &kashim_seen_bits[index / KASHIM_WORD_BITS];
}

void kashim_seen_mark(int fd)
{
	unsigned long bit, *word = kashim_word(fd, &bit);

	if (word != NULL)
		__atomic_fetch_or(word, bit, __ATOMIC_RELAXED);
}

int kashim_seen(int fd)
{
	unsigned long bit, *word = kashim_word(fd, &bit);

	return word != NULL && (__atomic_load_n(word, __ATOMIC_RELAXED) & bit) != 0;
}

void kashim_seen_forget(int fd)
{
	unsigned long bit, *word = kashim_word(fd, &bit);

	/* Test first: the common case writes nothing, so threads accepting
	 * at once do not fight over the cache line. */
	if (word != NULL && (__atomic_load_n(word, __ATOMIC_RELAXED) & bit) != 0)
		__atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);
}
