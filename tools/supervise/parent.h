/* kashim as the parent of COMMAND: signals and exit status passed through. */
#ifndef KASHIM_PARENT_H
#define KASHIM_PARENT_H

#include <sys/signalfd.h>
#include <sys/types.h>

/*
 * Should a signal kashim read be forwarded to COMMAND? Not SIGCHLD, not
 * one the kernel sent the whole process group (COMMAND has it already),
 * not kashim's own.
 */
int kashim_parent_forwarded(const struct signalfd_siginfo *info);

/*
 * After a SIGCHLD: 1 with *status once child has ended. A child that
 * stops stops kashim too; once kashim is continued, so is the child.
 */
int kashim_parent_child_changed(pid_t child, int *status);

/* Exit as the child did: its status, or death by its signal. */
__attribute__((noreturn)) void kashim_parent_exit_like(int status);

#endif
