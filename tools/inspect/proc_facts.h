/* What /proc says about a process, for kashim-inspect --missing. */
#ifndef KASHIM_PROC_FACTS_H
#define KASHIM_PROC_FACTS_H

#include <stddef.h>
#include <sys/types.h>

/* A whole /proc file, NUL-terminated, malloc'd; NULL with errno on failure. */
char *kashim_read_whole(pid_t pid, const char *file, size_t *length);

/* Is libkashim.so mapped into pid? -1 when its maps cannot be read. */
int kashim_shim_loaded(pid_t pid);

/* Did pid start with AT_SECURE (set-user-ID, file capabilities)? */
int kashim_secure(pid_t pid);

/*
 * Is pid a kernel thread (PF_KTHREAD in the flags of /proc/PID/stat,
 * which anyone may read)? It holds no socket, and --all skips it even
 * where its /proc/PID/fd may not be read.
 */
int kashim_kernel_thread(pid_t pid);

/*
 * Every process ID under /proc but our own and kernel threads, in a
 * malloc'd array; exits with KASHIM_MISSING_UNREADABLE when /proc cannot
 * be listed.
 */
pid_t *kashim_all_pids(size_t *count);

#endif
