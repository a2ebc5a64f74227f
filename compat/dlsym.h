/*
 * What compat/dlsym.c does where glibc's dlsym is missing, callable on its
 * own so that a test can hold it against glibc's.
 */
#ifndef KASHIM_COMPAT_DLSYM_H
#define KASHIM_COMPAT_DLSYM_H

/*
 * dlsym(handle, name) for handle RTLD_DEFAULT, or RTLD_NEXT as seen from
 * the object that holds the address caller: the address of name's default
 * version in the first loaded object (after caller's, for RTLD_NEXT) that
 * defines it as a function, or NULL. Any other handle gives NULL. Of a
 * function with several versions it gives the default one, as glibc 2.34
 * and later do for both handles (older glibc gave RTLD_NEXT the oldest);
 * the functions kashim binds have one.
 */
void *kashim_find_symbol(const void *handle, const char *name, const void *caller);

#endif
