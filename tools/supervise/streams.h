/*
 * The caller's standard streams, which kashim's supervisor lets go of
 * once its program runs, and where kashim's later lines go instead.
 */
#ifndef KASHIM_STREAMS_H
#define KASHIM_STREAMS_H

#include <sys/types.h>

/*
 * Make fds 0, 1 and 2 /dev/null and send kashim's lines from now on to
 * the standard error of program (the child just started); with
 * keep_stderr (--debug) fd 2 stays, and the lines go there. On failure
 * (no /dev/null, no pidfd) one line says so and the streams are kept.
 */
void kashim_streams_let_go(pid_t program, int keep_stderr);

/* program has been reaped: its number may name another process soon. */
void kashim_streams_program_gone(void);

#endif
