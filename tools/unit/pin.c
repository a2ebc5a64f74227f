/*
 * kashim --pin FILE and --unpin FILE. A unit with
 * BPFProgram=sock_ops:FILE has systemd attach the pinned program to the
 * unit's cgroup each time it is made, so no kashim runs beside the
 * service and restarts need nothing. systemd does so only on a fully
 * unified cgroup v2 system (/sys/fs/cgroup itself a cgroup2 mount); on a
 * hybrid or v1 one systemd 252 starts a unit with the setting and
 * attaches nothing, without a word (make systemd-check shows it), so
 * --pin refuses there. A pin does not survive a reboot: a oneshot unit ordered
 * before the services makes it again (the example kashim-pin.service).
 */
#include "unit_cmd.h"
#include "tools/cgroup/attach.h"
#include "tools/cgroup/bpf_sys.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "tools/cli/exit_status.h"
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#define KASHIM_CGROUP_ROOT "/sys/fs/cgroup"
/* Where systemd mounts a BPF filesystem, and kashim mounts one when none is. */
#define KASHIM_BPFFS "/sys/fs/bpf"

int kashim_pin_refused(char *err, size_t err_size)
{
	struct statfs fs;

	if (statfs(KASHIM_CGROUP_ROOT, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return 0;
	snprintf(err, err_size, "this host's cgroups are not all unified: " KASHIM_CGROUP_ROOT
		 " is %s, and systemd attaches BPFProgram= only on a fully unified cgroup v2 "
		 "hierarchy: here a unit with it would start without the program, and without "
		 "keepalive; use kashim --unit NAME, or the preload",
		 statfs(KASHIM_CGROUP_ROOT, &fs) != 0 ? "missing" :
		 fs.f_type == TMPFS_MAGIC ? "a tmpfs of cgroup v1 mounts (hybrid or legacy)" :
					    "not a cgroup2 mount");
	return 1;
}

/* The first BPF filesystem in /proc/self/mountinfo into path; -1 when none. */
static int kashim_bpffs_mounted(char *path, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], point[PATH_MAX];
	int found = -1;

	if (f == NULL)
		return -1;
	while (found != 0 && fgets(line, sizeof line, f) != NULL) {
		const char *dash = strstr(line, " - bpf ");

		if (dash != NULL && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1) {
			snprintf(path, size, "%s", point);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/*
 * FILE's directory, in a BPF filesystem: mounted at /sys/fs/bpf when no
 * BPF filesystem is mounted anywhere and FILE is there. Returns 0, or -1
 * with one line in err.
 */
static int kashim_bpffs_ready(const char *file, char *err, size_t err_size)
{
	char dir[PATH_MAX], mounted[PATH_MAX];
	struct statfs fs;
	char *slash;

	snprintf(dir, sizeof dir, "%s", file);
	slash = strrchr(dir, '/');
	*(slash == dir ? slash + 1 : slash) = '\0';
	if (statfs(dir, &fs) == 0 && fs.f_type == BPF_FS_MAGIC)
		return 0;
	if (kashim_bpffs_mounted(mounted, sizeof mounted) == 0) {
		snprintf(err, err_size, "%s is not in a BPF filesystem (one is mounted at %s)", dir,
			 mounted);
		return -1;
	}
	if (strcmp(dir, KASHIM_BPFFS) != 0) {
		snprintf(err, err_size, "%s is not in a BPF filesystem, and none is mounted (kashim "
			 "mounts one at " KASHIM_BPFFS " for a FILE there)", dir);
		return -1;
	}
	if (mount("bpf", KASHIM_BPFFS, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") != 0) {
		snprintf(err, err_size, "no BPF filesystem is mounted, and mounting one at "
			 KASHIM_BPFFS " failed: %s", strerror(errno));
		return -1;
	}
	fprintf(stderr, "kashim: no BPF filesystem was mounted: mounted one at " KASHIM_BPFFS "\n");
	return 0;
}

/*
 * What is pinned at file: 1 kashim's program (its id in *id), 0 nothing,
 * -1 something else (said in err).
 */
static int kashim_pinned_kind(const char *file, uint32_t *id, char *err, size_t err_size)
{
	int fd = kashim_bpf_pinned(file), mine, error = errno;
	struct statfs fs;

	if (fd < 0 && error == ENOENT)
		return 0;
	if (fd < 0) {
		/* a path kashim may not even look at says why, not "not BPF" */
		if (statfs(file, &fs) != 0)
			snprintf(err, err_size, "%s: %s", file, strerror(errno));
		else if (fs.f_type != BPF_FS_MAGIC)
			snprintf(err, err_size, "%s is not in a BPF filesystem", file);
		else
			snprintf(err, err_size, "%s: %s", file, strerror(error));
		return -1;
	}
	mine = kashim_bpf_is_kashim(fd, id);
	close(fd);
	if (mine != 1) {
		snprintf(err, err_size, "%s is not kashim's program: kashim leaves it alone", file);
		return -1;
	}
	return 1;
}

int kashim_pin_run(const char *file, const struct kashim_config *cfg, int debug)
{
	char err[3 * PATH_MAX], described[512];
	uint32_t old = 0;
	int prog, kind;

	if (file[0] != '/') {
		fprintf(stderr, "kashim: invalid --pin: %s is not an absolute path (BPFProgram= takes "
			"one)\n", file);
		return KASHIM_EXIT_FAILURE;
	}
	if (kashim_bpffs_ready(file, err, sizeof err) != 0 ||
	    (kind = kashim_pinned_kind(file, &old, err, sizeof err)) < 0 ||
	    (prog = kashim_load_program(cfg, debug, err, sizeof err)) < 0) {
		fprintf(stderr, "kashim: %s; nothing was pinned\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	/* kashim's own earlier pin gives way; units started with it keep it */
	if ((kind == 1 && unlink(file) != 0) || kashim_bpf_pin(prog, file) != 0) {
		fprintf(stderr, "kashim: pinning at %s: %s; nothing was pinned\n", file,
			strerror(errno));
		close(prog);
		return KASHIM_EXIT_FAILURE;
	}
	kashim_attach_describe(cfg, described, sizeof described);
	fprintf(stderr, "kashim: pinned kashim's program (bpf program %u) at %s%s: %s\n",
		kashim_bpf_id(prog), file, kind == 1 ? ", in place of the one pinned before" : "",
		described);
	close(prog);
	printf("BPFProgram=sock_ops:%s\n", file);
	return fflush(stdout) == 0 ? 0 : KASHIM_EXIT_FAILURE;
}

int kashim_unpin_run(const char *file)
{
	char err[PATH_MAX + 128];
	uint32_t id = 0;
	int kind = kashim_pinned_kind(file, &id, err, sizeof err);

	if (kind < 0) {
		fprintf(stderr, "kashim: %s; nothing was unpinned\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	if (kind == 0) {
		fprintf(stderr, "kashim: nothing is pinned at %s\n", file);
		return 0;
	}
	if (unlink(file) != 0) {
		fprintf(stderr, "kashim: removing %s: %s\n", file, strerror(errno));
		return KASHIM_EXIT_FAILURE;
	}
	fprintf(stderr, "kashim: unpinned kashim's program (bpf program %u) from %s; units "
		"started with it keep it until they stop\n", id, file);
	return 0;
}
