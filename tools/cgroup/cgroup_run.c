/*
 * The cgroup is made and the program attached before the fork, and the
 * child joins the cgroup before it execs: no connection of COMMAND's
 * comes before the program. When COMMAND ends while descendants of its
 * (a daemon it forked) are still in the cgroup, a detached copy of kashim
 * holds the link until the cgroup is empty, then removes it, as the
 * supervisor stays for such descendants; the exit status is COMMAND's
 * all the same.
 */
#include "cgroup_run.h"
#include "attach.h"
#include "cgroup_dir.h"
#include "tools/supervise/parent.h"
#include "tools/cli/exit_status.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>


static char kashim_own[PATH_MAX];

/* Say why nothing could be attached; exit 125 unless run_unconfigured. */
static void kashim_unattached(const struct kashim_launch *launch, const char *command,
			      const char *why)
{
	if (!launch->run_unconfigured) {
		fprintf(stderr, "kashim: cannot run '%s' in a cgroup of its own: %s "
			"(--run-unconfigured runs it without keepalive)\n", command, why);
		exit(KASHIM_EXIT_FAILURE);
	}
	fprintf(stderr, "kashim: running '%s' without keepalive: %s\n", command, why);
}

/* In the child: join the cgroup (by its fd's path) before exec. */
static void kashim_join(const char *path)
{
	char procs[PATH_MAX + 16];
	int fd;

	snprintf(procs, sizeof procs, "%s/cgroup.procs", path);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		fprintf(stderr, "kashim: cannot join cgroup %s: %s\n", path, strerror(errno));
		_exit(KASHIM_EXIT_FAILURE);
	}
	close(fd);
}

/* Is the cgroup at path still populated (cgroup.events says so)? */
static int kashim_populated(int events_fd)
{
	char buf[256];
	ssize_t got = pread(events_fd, buf, sizeof buf - 1, 0);

	if (got <= 0)
		return 0;
	buf[got] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

/*
 * COMMAND has ended; if descendants remain in the cgroup, a detached copy
 * holds link until they are gone. Either way the cgroup is removed.
 */
static void kashim_leave(int link)
{
	char events[PATH_MAX + 16];
	struct pollfd fd;
	pid_t copy = -1;
	int null, populated;

	snprintf(events, sizeof events, "%s/cgroup.events", kashim_own);
	fd.fd = open(events, O_RDONLY | O_CLOEXEC);
	fd.events = POLLPRI;
	populated = fd.fd >= 0 && kashim_populated(fd.fd);
	if (!populated || (copy = fork()) != 0) {
		if (fd.fd >= 0)
			close(fd.fd);
		close(link);
		/* the copy removes it; without one, whatever remains keeps it */
		if (copy <= 0)
			(void)kashim_cgroup_remove(kashim_own, 1000);
		return;
	}
	/* the copy: no terminal, none of the caller's pipes */
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	while (kashim_populated(fd.fd))
		(void)poll(&fd, 1, 60000); /* cgroup.events signals POLLPRI on change */
	close(link);
	(void)kashim_cgroup_remove(kashim_own, 1000);
	_exit(0);
}

/* Forward signals until the child ends; detach, clean up, exit as it did. */
__attribute__((noreturn))
static void kashim_wait_child(pid_t child, int link)
{
	struct signalfd_siginfo info[16];
	sigset_t all;
	int status = 0, ended = 0, signal_fd;

	sigfillset(&all);
	signal_fd = signalfd(-1, &all, SFD_CLOEXEC);
	if (signal_fd < 0) {
		fprintf(stderr, "kashim: cannot read signals: signalfd: %s\n", strerror(errno));
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		ended = 1;
	}
	while (!ended) {
		ssize_t got = read(signal_fd, info, sizeof info);
		size_t i, count = got > 0 ? (size_t)got / sizeof info[0] : 0;

		for (i = 0; i < count; i++) {
			if (info[i].ssi_signo == SIGCHLD)
				ended |= kashim_parent_child_changed(child, &status);
			else if (kashim_parent_forwarded(&info[i]))
				kill(child, (int)info[i].ssi_signo);
		}
	}
	kashim_leave(link);
	kashim_parent_exit_like(status);
}

void kashim_cgroup_exec(char *const *argv, const struct kashim_launch *launch,
			const struct kashim_cgroup_request *req,
			const char *const values[KASHIM_VAR_COUNT])
{
	static struct kashim_config cfg; /* 8 KiB of port bitmap */
	char err[PATH_MAX + 256];
	sigset_t all, saved;
	uint32_t program;
	pid_t child;
	int cgroup_fd, link;

	kashim_cgroup_config(&cfg, values);
	if (!cfg.enabled)
		return; /* nothing to configure */
	if (kashim_attach_possible(&cfg, kashim_cgroup_kernel(req), err, sizeof err) != 0) {
		kashim_unattached(launch, argv[0], err);
		return;
	}
	cgroup_fd = kashim_cgroup_make_own(kashim_own, sizeof kashim_own, err, sizeof err);
	if (cgroup_fd < 0) {
		kashim_unattached(launch, argv[0], err);
		return;
	}
	link = kashim_attach(&cfg, cgroup_fd, cfg.debug, &program, err, sizeof err);
	close(cgroup_fd);
	if (link < 0) {
		(void)kashim_cgroup_remove(kashim_own, 0);
		kashim_unattached(launch, argv[0], err);
		return;
	}
	if (cfg.debug) {
		char described[512];

		kashim_attach_describe(&cfg, described, sizeof described);
		fprintf(stderr, "kashim: attached to %s (bpf program %u): %s\n", kashim_own, program,
			described);
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &saved);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "kashim: cannot start '%s': %s\n", argv[0], strerror(errno));
		close(link);
		(void)kashim_cgroup_remove(kashim_own, 0);
		exit(KASHIM_EXIT_FAILURE);
	}
	if (child == 0) {
		close(link);
		kashim_join(kashim_own);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return;
	}
	kashim_wait_child(child, link);
}
