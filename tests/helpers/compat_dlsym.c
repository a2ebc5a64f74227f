/*
 * compat_dlsym NAME...: for each NAME, whether compat/dlsym.c's own lookup
 * finds what glibc's dlsym finds, from this program, for RTLD_NEXT and
 * RTLD_DEFAULT: one line each, "NAME next=same|DIFFERENT default=...",
 * and how many of the two glibc found. Run with and without libkashim.so
 * preloaded (then the next connect after this program is kashim's).
 * First prints constructor=1 when this program's constructor ran: built on
 * glibc 2.34 or later, that is compat/start.c's job on older glibc.
 */
#include "../../compat/dlsym.h"

#include <dlfcn.h>
#include <stdio.h>

static int kashim_constructed;

__attribute__((constructor)) static void kashim_construct(void)
{
	kashim_constructed = 1;
}

static const char *kashim_compare(void *handle, const char *name, int *found)
{
	void *glibc = dlsym(handle, name);
	void *own = kashim_find_symbol(handle, name, (const void *)kashim_compare);

	*found += glibc != NULL;
	return glibc == own ? "same" : "DIFFERENT";
}

int main(int argc, char **argv)
{
	printf("constructor=%d\n", kashim_constructed);
	for (int i = 1; i < argc; i++) {
		int found = 0;
		const char *next = kashim_compare(RTLD_NEXT, argv[i], &found);
		const char *any = kashim_compare(RTLD_DEFAULT, argv[i], &found);

		printf("%s next=%s default=%s found=%d\n", argv[i], next, any, found);
	}
	return 0;
}
