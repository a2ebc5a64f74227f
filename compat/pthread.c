/*
 * pthread_create and pthread_join, for test programs: before glibc 2.34
 * they live in libpthread, which the Makefile names for those programs.
 */
#include "glibc.h"

#include <pthread.h>

int kashim_libc_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			       void *(*start)(void *), void *arg);
int kashim_libc_pthread_join(pthread_t thread, void **result);
KASHIM_FIRST_VERSION(kashim_libc_pthread_create, pthread_create);
KASHIM_FIRST_VERSION(kashim_libc_pthread_join, pthread_join);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
		   void *arg)
{
	return kashim_libc_pthread_create(thread, attr, start, arg);
}

int pthread_join(pthread_t thread, void **result)
{
	return kashim_libc_pthread_join(thread, result);
}
