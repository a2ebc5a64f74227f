/*
 * What kashim does as the parent of COMMAND, whatever it serves it with
 * (the seccomp supervisor, a cgroup of its own): pass signals on, follow
 * a stop, and exit as COMMAND did.
 */
#include "parent.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How often the watcher looks whether COMMAND runs again. */
#define KASHIM_WATCH_NS 20000000L

/* The last watcher (see kashim_watch_for_continue): its SIGCONT is not passed on. */
static pid_t kashim_watcher;

/*
 * Forward a signal to COMMAND unless it has it already or it is
 * kashim's own: the terminal signals the whole foreground process
 * group, COMMAND included, as the kernel (SI_KERNEL), as do resource
 * limits; a SIGPIPE on kashim's own write comes from kashim itself.
 */
int kashim_parent_forwarded(const struct signalfd_siginfo *info)
{
	return info->ssi_signo != SIGCHLD && info->ssi_code != SI_KERNEL &&
	       info->ssi_pid != (uint32_t)getpid() &&
	       (kashim_watcher == 0 || info->ssi_pid != (uint32_t)kashim_watcher);
}

/* Process pid's state letter in /proc/PID/stat ('T' stopped), or 0 when gone. */
static char kashim_state_of(pid_t pid)
{
	char path[64], stat[512], *end;
	ssize_t got;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	got = read(fd, stat, sizeof stat - 1);
	close(fd);
	stat[got > 0 ? got : 0] = '\0';
	/* "PID (NAME) S ...": the name may hold anything, ") " included */
	end = strrchr(stat, ')');
	if (end == NULL || end[1] != ' ')
		return 0;
	return end[2];
}

/*
 * While kashim stops because COMMAND stopped, a child of kashim's looks
 * every 20 ms whether COMMAND runs again without kashim (kill -CONT of
 * its PID alone, a debugger, cpulimit) and then continues kashim, which
 * would otherwise stay stopped while COMMAND's next listen or connect
 * waited for it. Returns the watcher's PID, or -1 when it cannot fork
 * (kashim then stops as before). The watcher keeps every signal blocked,
 * so a terminal's stop does not stop it.
 */
static pid_t kashim_watch_for_continue(pid_t child)
{
	const struct timespec pause = { 0, KASHIM_WATCH_NS };
	pid_t parent = getpid(), pid = fork();
	char state;

	if (pid != 0)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(0);
	for (;;) {
		nanosleep(&pause, NULL);
		state = kashim_state_of(child);
		/* COMMAND runs, or has ended: wake kashim once it has stopped */
		if (state != 'T' && state != 't' && kashim_state_of(parent) == 'T') {
			kill(parent, SIGCONT);
			_exit(0);
		}
	}
}

/*
 * Stop kashim as COMMAND stopped, with its signal (a shell says
 * "Stopped" for SIGTSTP, "Stopped (signal)" for SIGSTOP), until kashim
 * is continued: with its job by a shell's fg or bg (COMMAND gets that
 * SIGCONT too), alone (the SIGCONT read then is passed on), or by the
 * watcher once COMMAND has been continued alone.
 */
static void kashim_stop_like(pid_t child, int sig)
{
	sigset_t one;
	pid_t watcher = kashim_watch_for_continue(child);

	if (watcher > 0)
		kashim_watcher = watcher;
	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		sig = SIGSTOP;
	sigemptyset(&one);
	sigaddset(&one, sig);
	kill(getpid(), sig);
	/* kashim's signals are blocked (it reads them from a signalfd): a
	 * terminal's stop signal stops it only while unblocked. In an
	 * orphaned process group the kernel drops it and kashim goes on. */
	if (sig != SIGSTOP) {
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		sigprocmask(SIG_BLOCK, &one, NULL);
	}
	if (watcher > 0) {
		kill(watcher, SIGKILL);
		waitpid(watcher, NULL, 0);
	}
}

/*
 * After a SIGCHLD: returns 1 with *status once the child has ended. A
 * child that stops stops kashim too, with the same signal, as a shell
 * expects of its job; kashim goes on when continued itself (passing the
 * SIGCONT on) or when the child is continued alone.
 */
int kashim_parent_child_changed(pid_t child, int *status)
{
	int st;

	while (waitpid(child, &st, WNOHANG | WUNTRACED) == child) {
		if (WIFSTOPPED(st)) {
			kashim_stop_like(child, WSTOPSIG(st));
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
