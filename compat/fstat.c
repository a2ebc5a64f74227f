/*
 * fstat, like stat (stat.c), is a function of libc only since glibc 2.33;
 * before, <sys/stat.h> turned it into a call to __fxstat. A file of its
 * own so that a binary calling only one of them imports only that one
 * (the library reads its configuration file with fstat, never stat).
 */
#include "glibc.h"

#include <sys/stat.h>

/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
int __fxstat(int version, int fd, struct stat *buf);
KASHIM_FIRST_VERSION(__fxstat, __fxstat);

int fstat(int fd, struct stat *buf)
{
	return __fxstat(KASHIM_STAT_VER, fd, buf);
}
