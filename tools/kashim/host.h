/*
 * kashim --host on|off|status: libkashim.so in /etc/ld.so.preload, so that
 * every dynamically linked program of the host loads it and takes its
 * settings from the configuration file (core/config/conffile.h).
 */
#ifndef KASHIM_HOST_H
#define KASHIM_HOST_H

/* The loader's own file: glibc reads this path whatever the PREFIX. */
#define KASHIM_HOST_PRELOAD "/etc/ld.so.preload"

/* Is action one of on, off, status? */
int kashim_host_action_valid(const char *action);

/*
 * Carry out action as root and return kashim's exit status (0, or 125
 * with one line on stderr). from_bin is LIBDIR relative to BINDIR, as for
 * kashim_find_library; programs is --programs' list (status shows what
 * each name would get), or NULL.
 *   on:     add the library's absolute path to /etc/ld.so.preload, as its
 *           last line, once, after a test process has loaded it; the file
 *           is replaced atomically (a temporary file in /etc, renamed)
 *   off:    remove the lines naming a libkashim.so and nothing else; a
 *           file left empty is removed (the loader reads none the same)
 *   status: whether it is on, the configuration file in force, and the
 *           values each of programs gets from it
 */
int kashim_host_run(const char *action, const char *from_bin, const char *programs);

#endif
