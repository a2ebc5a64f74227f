/*
 * Locating libkashim.so from the wrapper's own place on disk, and adding it
 * to LD_PRELOAD once. torsocks checks for its own path before adding it;
 * kashim does the same, by file identity rather than by spelling.
 */
#include "preload.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The loader splits LD_PRELOAD at spaces and colons (glibc and musl). */
#define KASHIM_PRELOAD_SEPARATORS " :\t\n"

/*
 * The directory of the running executable, from /proc/self/exe. Returns 0,
 * or -1 when /proc is not mounted or the path does not fit.
 */
static int kashim_exe_dir(char *dir, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (len <= 0 || (size_t)len >= size - 1)
		return -1;
	dir[len] = '\0';
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return -1;
	*(slash == dir ? slash + 1 : slash) = '\0';
	return 0;
}

/* realpath of candidate into path when it is a regular file. Returns 0 or -1. */
static int kashim_try_candidate(const char *candidate, char *path, size_t path_size)
{
	char resolved[PATH_MAX];
	struct stat st;

	if (realpath(candidate, resolved) == NULL || stat(resolved, &st) != 0 ||
	    !S_ISREG(st.st_mode) || strlen(resolved) >= path_size)
		return -1;
	memcpy(path, resolved, strlen(resolved) + 1);
	return 0;
}

int kashim_find_library(const char *from_bin, char *path, size_t path_size,
			char *err, size_t err_size)
{
	char dir[PATH_MAX];
	char here[PATH_MAX + 32];
	char installed[2 * PATH_MAX + 32];
	int same = strcmp(from_bin, ".") == 0;

	if (kashim_exe_dir(dir, sizeof dir) != 0) {
		snprintf(err, err_size, "cannot find %s: /proc/self/exe is unreadable, "
			 "so kashim does not know where it was installed", KASHIM_LIBRARY_NAME);
		return -1;
	}
	snprintf(here, sizeof here, "%s/%s", dir, KASHIM_LIBRARY_NAME);
	snprintf(installed, sizeof installed, "%s/%s/%s", dir, from_bin, KASHIM_LIBRARY_NAME);
	if (kashim_try_candidate(here, path, path_size) == 0)
		return 0;
	if (!same && kashim_try_candidate(installed, path, path_size) == 0)
		return 0;
	if (same)
		snprintf(err, err_size, "cannot find %s: looked for %s", KASHIM_LIBRARY_NAME, here);
	else
		snprintf(err, err_size, "cannot find %s: looked for %s and %s",
			 KASHIM_LIBRARY_NAME, here, installed);
	return -1;
}

/* Whether one LD_PRELOAD entry (len bytes at entry) is library itself. */
static int kashim_entry_is(const char *entry, size_t len, const char *library,
			   const struct stat *library_st)
{
	char copy[PATH_MAX];
	struct stat st;

	if (strlen(library) == len && strncmp(entry, library, len) == 0)
		return 1;
	if (len >= sizeof copy)
		return 0;
	memcpy(copy, entry, len);
	copy[len] = '\0';
	if (strchr(copy, '/') == NULL) /* a bare name: the loader searches for it */
		return strcmp(copy, KASHIM_LIBRARY_NAME) == 0;
	return library_st != NULL && stat(copy, &st) == 0 &&
	       st.st_dev == library_st->st_dev && st.st_ino == library_st->st_ino;
}

int kashim_preload_has(const char *list, const char *library)
{
	struct stat library_st;
	int have_st = stat(library, &library_st) == 0;
	const char *p = list;

	if (list == NULL)
		return 0;
	while (*p != '\0') {
		size_t len;

		p += strspn(p, KASHIM_PRELOAD_SEPARATORS);
		len = strcspn(p, KASHIM_PRELOAD_SEPARATORS);
		if (len > 0 && kashim_entry_is(p, len, library, have_st ? &library_st : NULL))
			return 1;
		p += len;
	}
	return 0;
}

char *kashim_preload_compose(const char *list, const char *library)
{
	size_t size;
	char *result;

	if (list != NULL && kashim_preload_has(list, library))
		return strdup(list);
	/* a value of only separators holds no library worth keeping */
	if (list == NULL || list[strspn(list, KASHIM_PRELOAD_SEPARATORS)] == '\0')
		return strdup(library);
	size = strlen(list) + 1 + strlen(library) + 1;
	result = malloc(size);
	if (result != NULL)
		snprintf(result, size, "%s:%s", library, list);
	return result;
}
