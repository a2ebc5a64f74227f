/*
 * What kind of program a process runs, from its ELF file (/proc/PID/exe):
 * whether the dynamic loader runs at all (so LD_PRELOAD can work), and
 * whether it is a Go program (whose net package makes its own system
 * calls, so a preloaded accept or connect is never called).
 */
#ifndef KASHIM_ELF_KIND_H
#define KASHIM_ELF_KIND_H

#include <sys/types.h>

#define KASHIM_ELF_STATIC 0x1 /* no PT_INTERP: no dynamic loader, no preload */
#define KASHIM_ELF_GO 0x2     /* a .note.go.buildid, .go.buildinfo or .gopclntab section */
#define KASHIM_ELF_FOREIGN 0x4 /* built for another machine than kashim (i386 on x86_64) */

/*
 * The KASHIM_ELF_* bits of process pid's executable. Returns them, or -1
 * with errno when /proc/PID/exe cannot be read or is not ELF.
 */
int kashim_elf_kind(pid_t pid);

/* The same for the executable file at path. */
int kashim_elf_kind_of_file(const char *path);

#endif
