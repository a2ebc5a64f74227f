/*
 * Where libkashim.so is, and how it joins LD_PRELOAD. Used by the kashim
 * wrapper; nothing here is preloaded.
 */
#ifndef KASHIM_PRELOAD_H
#define KASHIM_PRELOAD_H

#include <stddef.h>

#define KASHIM_LIBRARY_NAME "libkashim.so"

/*
 * Find libkashim.so next to the running executable (the build tree keeps
 * both in one directory), then at exe_dir/from_bin (after installation;
 * from_bin is LIBDIR relative to BINDIR, fixed at build time). The
 * executable is found through /proc/self/exe, not argv[0], so symlinks and
 * PATH lookups do not matter.
 * Returns 0 with the canonical absolute path in path, or -1 with a message
 * naming the places looked at in err.
 */
int kashim_find_library(const char *from_bin, char *path, size_t path_size,
			char *err, size_t err_size);

/*
 * Whether LD_PRELOAD value list already holds library: an entry naming the
 * same file (same device and inode), the same string, or a bare
 * "libkashim.so" that the loader looks up in its own search path.
 */
int kashim_preload_has(const char *list, const char *library);

/*
 * The LD_PRELOAD to run with: list unchanged when it already holds library,
 * else library followed by list. First, because the loader searches
 * preloaded objects in order and the shim finds the real accept and connect
 * with dlsym(RTLD_NEXT): anything preloaded before it, libc included, would
 * be invisible to that lookup. list may be NULL. Returns a malloc'd string,
 * or NULL when out of memory.
 */
char *kashim_preload_compose(const char *list, const char *library);

#endif
