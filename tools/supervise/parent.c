/*
 * What kashim does as the parent of COMMAND, whatever it serves it with
 * (the seccomp supervisor, a cgroup of its own): pass signals on, follow
 * a stop, and exit as COMMAND did.
 */
#include "parent.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Forward a signal to COMMAND unless it has it already or it is
 * kashim's own: the terminal signals the whole foreground process
 * group, COMMAND included, as the kernel (SI_KERNEL), as do resource
 * limits; a SIGPIPE on kashim's own write comes from kashim itself.
 */
int kashim_parent_forwarded(const struct signalfd_siginfo *info)
{
	return info->ssi_signo != SIGCHLD && info->ssi_code != SI_KERNEL &&
	       info->ssi_pid != (uint32_t)getpid();
}

/*
 * After a SIGCHLD: returns 1 with *status once the child has ended. A
 * child that stops stops kashim too, as a shell expects of its job; once
 * kashim is continued, so is the child.
 */
int kashim_parent_child_changed(pid_t child, int *status)
{
	int st;

	while (waitpid(child, &st, WNOHANG | WUNTRACED) == child) {
		if (WIFSTOPPED(st)) {
			kill(getpid(), SIGSTOP);
			kill(child, SIGCONT);
		} else {
			*status = st;
			return 1;
		}
	}
	return 0;
}

/* Exit as the child did: its status, or death by its signal. */
void kashim_parent_exit_like(int status)
{
	const struct rlimit no_core = { 0, 0 };
	sigset_t only;
	int sig;

	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	sig = WTERMSIG(status);
	/* the child dumped its core already, if any was due */
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&only);
	sigaddset(&only, sig);
	kill(getpid(), sig);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	exit(128 + sig); /* only if the signal did not end us */
}
