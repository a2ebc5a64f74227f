/* kashim as the parent of COMMAND: signals and exit status passed through. */
#ifndef KASHIM_PARENT_H
#define KASHIM_PARENT_H

#include <sys/signalfd.h>
#include <sys/types.h>

/*
 * Should a signal kashim read be forwarded to COMMAND? Not SIGCHLD, not
 * one the kernel sent the whole process group (COMMAND has it already),
 * not kashim's own or its watcher's (the SIGCONT that follows COMMAND's).
 */
int kashim_parent_forwarded(const struct signalfd_siginfo *info);

/*
 * After a SIGCHLD: 1 with *status once child has ended. A child that
 * stops stops kashim too, with its signal; kashim goes on when it is
 * continued (and passes that on) or when the child is continued alone.
 */
int kashim_parent_child_changed(pid_t child, int *status);

/* Exit as the child did: its status, or death by its signal. */
__attribute__((noreturn)) void kashim_parent_exit_like(int status);

#endif
