/*
 * stat is a function of libc only since glibc 2.33; before, <sys/stat.h>
 * turned it into a call to __xstat, which later glibc still has.
 */
#include "glibc.h"

#include <sys/stat.h>

/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
int __xstat(int version, const char *path, struct stat *buf);
KASHIM_FIRST_VERSION(__xstat, __xstat);

int stat(const char *path, struct stat *buf)
{
	return __xstat(KASHIM_STAT_VER, path, buf);
}
