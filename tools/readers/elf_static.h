/*
 * What kind of executable COMMAND is, found the way execvp(3) finds it:
 * a static one has no ELF interpreter, so LD_PRELOAD cannot reach it.
 */
#ifndef KASHIM_ELF_STATIC_H
#define KASHIM_ELF_STATIC_H

#include <limits.h>

struct kashim_command {
	char path[PATH_MAX];   /* the file that runs: a script's interpreter */
	int is_static;         /* an ELF executable without PT_INTERP */
	int native;            /* built for the machine kashim was built for */
	int privileged;        /* setuid, setgid or with file capabilities */
};

/*
 * Look name up as execvp would (through PATH unless it holds a '/'),
 * following "#!" lines to the interpreter that really runs, and read its
 * ELF program headers. Returns 0 with cmd filled, or -1 when nothing
 * executable is found or it cannot be read (not an ELF file, say): the
 * caller then runs name as before and lets execvp report any error.
 */
int kashim_inspect_command(const char *name, struct kashim_command *cmd);

#endif
