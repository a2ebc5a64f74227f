/*
 * __libc_start_main for programs: crt1 from glibc 2.34 on calls the
 * GLIBC_2.34 version, which older glibc lacks.
 */
#include "glibc.h"

#include <stddef.h>
#include <stdint.h>

typedef int (*kashim_main_fn)(int, char **, char **);

/* Spelled as glibc's own names, so that they can be defined here. */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define KASHIM_HIDDEN __attribute__((visibility("hidden")))
extern KASHIM_HIDDEN void _init(void);
extern KASHIM_HIDDEN void (*const __init_array_start[])(int, char **, char **);
extern KASHIM_HIDDEN void (*const __init_array_end[])(int, char **, char **);
int __libc_start_main(kashim_main_fn main_fn, int argc, char **argv, kashim_main_fn init,
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

int kashim_libc_start_main(kashim_main_fn main_fn, int argc, char **argv, kashim_main_fn init,
			   void (*fini)(void), void (*rtld_fini)(void), void *stack_end);
KASHIM_FIRST_VERSION(kashim_libc_start_main, __libc_start_main);

/*
 * The program's constructors, run as glibc before 2.34 expected the
 * program to run them (its __libc_csu_init, which crt1 passed in). crt1
 * from 2.34 on passes none and leaves them to libc, and an older libc
 * would then skip them; given this, a newer one runs it in their place.
 */
static int kashim_run_constructors(int argc, char **argv, char **envp)
{
	/* two symbols the linker puts around one array: distance by address */
	size_t count = ((uintptr_t)__init_array_end - (uintptr_t)__init_array_start) /
		       sizeof __init_array_start[0];

	_init();
	for (size_t i = 0; i < count; i++)
		__init_array_start[i](argc, argv, envp);
	return 0;
}

/* crt1's call: the first __libc_start_main, with the constructors given. */
int __libc_start_main(kashim_main_fn main_fn, int argc, char **argv, kashim_main_fn init,
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	return kashim_libc_start_main(main_fn, argc, argv,
				      init != NULL ? init : kashim_run_constructors, fini,
				      rtld_fini, stack_end);
}
