/*
 * kashim --unit NAME, running: the program attached to each cgroup of
 * the plan (unit_plan.c) and the --pid pass over what is open there; the
 * listeners systemd made in PID 1 configured directly (an accepted
 * connection belongs to its listener's cgroup, so no attachment to the
 * service reaches it, while a listener's values pass to every connection
 * it accepts). Then, until SIGINT, SIGTERM or SIGHUP, each cgroup is
 * watched (inotify on its parent, and a look every second) and attached
 * to again when systemd makes it again at a restart: removing a cgroup
 * removes its attachments.
 */
#include "listeners.h"
#include "unit_cmd.h"
#include "unit_plan.h"
#include "core/apply.h"
#include "core/config/name.h"
#include "tools/cgroup/attach.h"
#include "tools/cgroup/cgroup_cmd.h"
#include "tools/cgroup/cgroup_dir.h"
#include "tools/readers/inode_set.h"
#include "tools/readers/sockopts.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cli/exit_status.h"

/* What a run shares between its steps. */
struct kashim_follow {
	struct kashim_plan *plan;
	const struct kashim_config *cfg;
	const char *const *values;
	int debug, force, status;
	int pidfd1;                     /* PID 1, whose listeners are configured */
	struct kashim_inode_set done;   /* listeners already configured */
	ino_t init_cgroup;              /* PID 1's cgroup directory */
};

/* The inode of PID 1's cgroup v2 directory; 0 if unknown. */
static ino_t kashim_init_cgroup(void)
{
	char mount[PATH_MAX], line[PATH_MAX];
	struct stat st;
	FILE *f = fopen("/proc/1/cgroup", "re");
	ino_t inode = 0;

	if (f == NULL || kashim_cgroup_mount(mount, sizeof mount) != 0) {
		if (f != NULL)
			fclose(f);
		return 0;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char full[2 * PATH_MAX];

		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(full, sizeof full, "%s%s", mount, line + 3);
		if (stat(full, &st) == 0)
			inode = st.st_ino;
	}
	fclose(f);
	return inode;
}

/*
 * Attach to f's cgroup, now at inode, and configure what is open in it.
 * Returns 0, or -1 having said why on stderr.
 */
static int kashim_attach_followed(struct kashim_follow *run, struct kashim_followed *f,
				  ino_t inode)
{
	struct kashim_cgroup_pids pids;
	char err[2 * PATH_MAX], described[512];
	uint32_t program = 0;
	int fd;

	f->inode = inode; /* tried once per cgroup made */
	memset(&pids, 0, sizeof pids);
	fd = kashim_cgroup_open(f->path, err, sizeof err);
	if (fd >= 0 && kashim_cgroup_list(f->path, &pids) != 0)
		snprintf(err, sizeof err, "cannot list the processes of %s: %s", f->path,
			 strerror(errno));
	else if (fd >= 0 && pids.has_self && !run->force)
		snprintf(err, sizeof err, "%s contains kashim itself: attaching there reaches "
			 "kashim's own connections; --force attaches anyway", f->path);
	else if (fd >= 0 && (f->link = kashim_attach(run->cfg, fd, run->debug, &program, err,
						     sizeof err)) >= 0)
		err[0] = '\0';
	if (fd >= 0)
		close(fd);
	if (f->link < 0) {
		fprintf(stderr, "kashim: %s: %s; not attached\n", f->unit, err);
		free(pids.pids);
		return -1;
	}
	kashim_attach_describe(run->cfg, described, sizeof described);
	printf("kashim: %s: attached to %s (bpf program %u)%s: %s; %zu process%s in it now\n",
	       f->unit, f->path, program, f->attached_once ? " again, made anew" : "", described,
	       pids.count, pids.count == 1 ? "" : "es");
	fflush(stdout);
	f->attached_once = 1;
	if (kashim_cgroup_configure_open(&pids, run->values, run->debug) != 0)
		run->status = 1;
	free(pids.pids);
	fflush(stdout);
	return 0;
}

/* Follow f: attach when its cgroup is new, let go when it is gone. */
static int kashim_check_followed(struct kashim_follow *run, struct kashim_followed *f)
{
	struct stat st;

	if (stat(f->path, &st) != 0) {
		if (f->link >= 0) {
			close(f->link);
			f->link = -1;
			printf("kashim: %s: its cgroup is gone (stopped or restarting); kashim attaches "
			       "again when systemd makes it\n", f->unit);
			fflush(stdout);
		}
		return 0;
	}
	if (f->inode == st.st_ino)
		return 0;
	if (f->link >= 0) {
		close(f->link); /* the old cgroup's, removed and made again in between */
		f->link = -1;
	}
	return kashim_attach_followed(run, f, st.st_ino);
}

/* Configure listener l of socket unit (directly, in PID 1), saying where it was made. */
static void kashim_configure_listener(struct kashim_follow *run, const char *unit,
				      const struct kashim_listener *l)
{
	int result;

	if (kashim_inode_find(&run->done, l->inode) != NULL)
		return;
	if (kashim_inode_add(&run->done, l->inode, 0) != 0)
		return;
	if ((run->cfg->sides & KASHIM_SIDE_ACCEPT) == 0)
		return; /* connections accepted are not asked for */
	result = kashim_listener_configure(run->pidfd1, l, run->cfg);
	if (result < 0) {
		fprintf(stderr, "kashim: %s: listener %s (PID 1, fd %d): %s\n", unit, l->address,
			l->fd, strerror(errno));
		run->status = 1;
		return;
	}
	printf("kashim: %s: listener %s was made by systemd itself, %s: %s, so that the "
	       "connections it accepts inherit the values (they stay after kashim exits)\n",
	       unit, l->address, l->cgroup == 0 ? "in a cgroup the kernel does not name" :
	       l->cgroup == run->init_cgroup ? "in PID 1's cgroup" : "outside the socket unit's cgroup",
	       result == KASHIM_SKIPPED_PORT ? "left alone, its port is not in KASHIM_PORTS" :
	       result == KASHIM_SKIPPED_RESPECT ? "left alone, keepalive was set on it "
						  "(KASHIM_POLICY=respect)" :
	       result == 0 ? "configured directly" : "configured in part (the kernel refused some)");
	fflush(stdout);
}

/*
 * The listeners of each socket unit: follow the socket unit's own cgroup
 * where they were made in it, configure them directly otherwise.
 */
static void kashim_check_sockets(struct kashim_follow *run)
{
	struct kashim_listener listeners[64];
	size_t i;
	int j, n;

	for (i = 0; i < run->plan->nsockets; i++) {
		const char *unit = run->plan->sockets[i];
		const char *own = run->plan->socket_cgroups[i];
		struct stat st;
		int own_made = stat(own, &st) == 0;

		n = kashim_socket_listeners(&run->plan->socket_props[i], listeners, 64);
		if (n < 0 && run->status != 1) {
			fprintf(stderr, "kashim: %s: cannot read PID 1's listeners: %s\n", unit,
				strerror(errno));
			run->status = 1;
		}
		for (j = 0; j < n; j++) {
			if (own_made && listeners[j].cgroup == (uint64_t)st.st_ino)
				kashim_plan_follow(run->plan, unit, own);
			else
				kashim_configure_listener(run, unit, &listeners[j]);
		}
	}
}

/* One look at everything followed. */
static void kashim_check_all(struct kashim_follow *run)
{
	size_t i;

	kashim_check_sockets(run);
	for (i = 0; i < run->plan->ncgroups; i++)
		(void)kashim_check_followed(run, &run->plan->cgroups[i]);
}

/* Watch the parent directory of each followed cgroup for mkdir and rmdir. */
static void kashim_watch_parents(int inotify, const struct kashim_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ncgroups; i++) {
		char parent[PATH_MAX], *slash;

		snprintf(parent, sizeof parent, "%s", plan->cgroups[i].path);
		slash = strrchr(parent, '/');
		if (slash != NULL && slash != parent)
			*slash = '\0';
		/* a parent not made yet is looked at every second instead */
		(void)inotify_add_watch(inotify, parent, IN_CREATE | IN_DELETE | IN_ONLYDIR);
	}
}

static void kashim_detach_all(struct kashim_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ncgroups; i++) {
		if (plan->cgroups[i].link >= 0)
			close(plan->cgroups[i].link);
		plan->cgroups[i].link = -1;
	}
}

int kashim_unit_follow(const char *name, const struct kashim_config *cfg,
		       const char *const values[KASHIM_VAR_COUNT], int debug, int force)
{
	static struct kashim_plan plan;
	struct kashim_follow run;
	struct pollfd fds[2];
	struct signalfd_siginfo info;
	char unit[512], buf[4096];
	sigset_t stop;
	size_t i;
	int status, is_socket, sig = 0;

	if (kashim_unit_name(name, unit, sizeof unit) != 0) {
		fprintf(stderr, "kashim: invalid --unit: '%s' is not a unit name (letters, digits "
			"and :_.\\@- only, at most 255)\nTry 'kashim --help' for more information.\n",
			name);
		return KASHIM_EXIT_FAILURE;
	}
	status = kashim_plan_make(unit, &plan);
	if (status != 0)
		return status;
	memset(&run, 0, sizeof run);
	run.plan = &plan;
	run.cfg = cfg;
	run.values = values;
	run.debug = debug;
	run.force = force;
	run.pidfd1 = plan.nsockets > 0 ? kashim_pidfd_open(1) : -1;
	run.init_cgroup = kashim_init_cgroup();

	/* Held from before the first attachment, so that a stop is never lost. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	fds[0].fd = signalfd(-1, &stop, SFD_CLOEXEC);
	fds[1].fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	fds[0].events = fds[1].events = POLLIN;
	if (fds[0].fd < 0 || fds[1].fd < 0) {
		fprintf(stderr, "kashim: cannot watch for signals and cgroups: %s; nothing was "
			"attached\n", strerror(errno));
		return KASHIM_EXIT_FAILURE;
	}
	is_socket = kashim_name_ends_with(unit, strlen(unit), ".socket");
	printf("kashim: following %s (", unit);
	if (!is_socket)
		printf("its cgroup%s", plan.nsockets > 0 ? ", and " : "");
	for (i = 0; i < plan.nsockets; i++)
		printf("%s%s's listeners", i == 0 ? "" : ", ", plan.sockets[i]);
	for (i = 0; i < plan.ncgroups && is_socket; i++)
		printf(", %s's cgroup", plan.cgroups[i].unit);
	printf("); SIGINT or SIGTERM detaches\n");
	fflush(stdout);
	kashim_check_sockets(&run); /* adds socket units' own cgroups to follow */
	kashim_watch_parents(fds[1].fd, &plan);
	for (i = 0; i < plan.ncgroups; i++) {
		if (kashim_check_followed(&run, &plan.cgroups[i]) != 0) {
			kashim_detach_all(&plan);
			return KASHIM_EXIT_FAILURE; /* said why */
		}
	}
	while (sig == 0) {
		int ready = poll(fds, 2, 1000);

		if (ready > 0 && (fds[0].revents & POLLIN) &&
		    read(fds[0].fd, &info, sizeof info) == (ssize_t)sizeof info)
			sig = (int)info.ssi_signo;
		if (ready > 0 && (fds[1].revents & POLLIN))
			while (read(fds[1].fd, buf, sizeof buf) > 0)
				; /* which event matters not: every cgroup is looked at */
		if (sig == 0)
			kashim_check_all(&run);
	}
	kashim_detach_all(&plan);
	printf("kashim: detached from %s (%s)\n", unit, strsignal(sig));
	fflush(stdout);
	kashim_inode_free(&run.done);
	return run.status;
}
