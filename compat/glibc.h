/*
 * Built on a new glibc, run on glibc 2.17 and later (RHEL 7 onwards): the
 * binaries kashim exists for live on old systems. glibc gave some of the
 * functions kashim calls a new symbol version after 2.17 (stat: 2.33;
 * dlsym, pthread_*, __libc_start_main: 2.34, when libdl and libpthread
 * moved into libc), and the linker binds to the newest. Each file of
 * compat/ defines one such function, hidden, in the binary that calls it,
 * and calls the function's first version, which every later glibc keeps.
 * The Makefile links them as an archive, so a binary gets only those it
 * calls, and only on glibc.
 */
#ifndef KASHIM_COMPAT_GLIBC_H
#define KASHIM_COMPAT_GLIBC_H

#include <features.h>

/* The architecture's first glibc version, and what __xstat was given. */
#if defined(__GLIBC__) && defined(__x86_64__)
#define KASHIM_GLIBC_BASE "GLIBC_2.2.5"
#define KASHIM_STAT_VER 1
#elif defined(__GLIBC__) && defined(__aarch64__)
#define KASHIM_GLIBC_BASE "GLIBC_2.17"
#define KASHIM_STAT_VER 0
#endif

/* Calls to local go to glibc's first version of name. */
#define KASHIM_FIRST_VERSION(local, name) \
	__asm__(".symver " #local "," #name "@" KASHIM_GLIBC_BASE)

#endif
