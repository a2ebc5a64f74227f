/*
 * Naming and reaching another process: what the operator tools (kashim
 * --pid, kashim-inspect) share about a PID given on the command line.
 */
#ifndef KASHIM_PROCESS_H
#define KASHIM_PROCESS_H

#include "core/config/config.h"

#include <stddef.h>
#include <sys/types.h>

/* A process ID: decimal digits only, 1 to INT_MAX. Returns 0 or -1. */
int kashim_parse_pid(const char *text, pid_t *pid);

/*
 * Say plainly on stderr why process pid (called name) could not be
 * reached while doing what, error being the errno that stopped it: for a
 * refusal, also what would grant the permission. tool is the command's
 * name ("kashim-inspect"), retry how to run it again as root
 * ("kashim-inspect 4242"), action what it needs the permission for
 * ("Reading").
 */
void kashim_explain_unreached(const char *tool, const char *retry, const char *action,
			      pid_t pid, const char *name, int error, const char *what);

/*
 * The names KASHIM_PROGRAMS is matched against, for process pid: the
 * basename of /proc/PID/exe and of its argv[0] from /proc/PID/cmdline;
 * "" for a name that cannot be read.
 */
void kashim_process_identity(pid_t pid, struct kashim_identity *who);

/* name with control and non-ASCII bytes as '?', safe to print on a terminal. */
void kashim_printable(char *buf, size_t size, const char *name);

#endif
