/*
 * pthread_once for libkashim.so. Before glibc 2.34 it lives in libpthread,
 * which a program without threads never loads, and naming libpthread
 * would load it into every process kashim is preloaded into, at a
 * start-up cost near kashim's own (make bench). So it is bound weakly:
 * where it is missing, the process has no threads (they come from
 * libpthread), and a flag does the job.
 */
#include "glibc.h"

#include <pthread.h>
#include <stddef.h>

int kashim_libc_pthread_once(pthread_once_t *once, void (*init)(void)) __attribute__((weak));
KASHIM_FIRST_VERSION(kashim_libc_pthread_once, pthread_once);

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	if (kashim_libc_pthread_once != NULL)
		return kashim_libc_pthread_once(once, init);
	if (*once == PTHREAD_ONCE_INIT) {
		*once = !PTHREAD_ONCE_INIT;
		init();
	}
	return 0;
}
