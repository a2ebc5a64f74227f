/*
 * kashim as the parent of a program it supervises through seccomp user
 * notification: fork, filter, handshake, serve, and pass signals and the
 * exit status through as transparently as a parent can.
 */
#ifndef KASHIM_SUPERVISE_H
#define KASHIM_SUPERVISE_H

#include "tools/kashim/launch.h"

/*
 * Supervise argv. Returns only in a process that is to exec argv: the
 * child, once its filter is in place and served; or kashim itself when
 * there is nothing to configure (KASHIM_KEEPALIVE off), or supervision
 * proved impossible and launch->run_unconfigured is set. Otherwise it
 * exits as the child did, or 125 when supervision is impossible.
 */
void kashim_supervise(char *const *argv, const struct kashim_launch *launch);

#endif
