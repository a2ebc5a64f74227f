#include "cgroup_cmd.h"
#include "attach.h"
#include "bpf_sys.h"
#include "cgroup_dir.h"
#include "core/config/config_table.h"
#include "core/config/name.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/usage.h"
#include "tools/running/pid_retrofit.h"
#include "tools/cli/option_argument.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int kashim_cgroup_option(struct kashim_cgroup_request *req, const char *name, size_t len,
			 const char *value, int argc, char **argv, int *i, char *err,
			 size_t err_size)
{
	unsigned major, minor;
	char end;

	if (kashim_name_is(name, len, "force")) {
		if (value != NULL) {
			snprintf(err, err_size, "option '--force' doesn't allow an argument");
			return -1;
		}
		req->force = 1;
		return 1;
	}
	if (!kashim_name_is(name, len, "cgroup") && !kashim_name_is(name, len, "assume-kernel"))
		return 0;
	value = kashim_option_argument(name, len, value, argc, argv, i, err, err_size);
	if (value == NULL)
		return -1;
	if (kashim_name_is(name, len, "cgroup")) {
		if (value[0] == '\0') {
			snprintf(err, err_size, "invalid --cgroup: empty directory name");
			return -1;
		}
		req->dir = value;
		return 1;
	}
	/* --assume-kernel X.Y: act as on an older kernel (tests only; never newer) */
	if (sscanf(value, "%u.%u%c", &major, &minor, &end) != 2 || major > 99 || minor > 999) {
		snprintf(err, err_size, "invalid --assume-kernel: '%s'; accepted: X.Y", value);
		return -1;
	}
	req->kernel = (int)(major * 1000 + minor);
	return 1;
}

int kashim_cgroup_wanted(const struct kashim_cgroup_request *req)
{
	return req->dir != NULL;
}

void kashim_cgroup_help(FILE *out)
{
	fprintf(out, "  --cgroup DIR\n"
		"      attach kashim's program to the cgroup v2 directory DIR: the kernel\n"
		"      configures every TCP connection its processes make or accept,\n"
		"      whatever made it; stays in the foreground and detaches on SIGINT\n"
		"      or SIGTERM (Linux 5.9 or later; CAP_BPF and CAP_NET_ADMIN, or root)\n"
		"  --force\n"
		"      attach even to the hierarchy's root, or to a cgroup kashim is in\n");
}

void kashim_cgroup_config(struct kashim_config *cfg, const char *const values[KASHIM_VAR_COUNT])
{
	char message[KASHIM_MESSAGE_MAX];

	if (values[KASHIM_VAR_PROGRAMS] != NULL || getenv("KASHIM_PROGRAMS") != NULL) {
		fprintf(stderr, "kashim: KASHIM_PROGRAMS (--programs) cannot scope a cgroup: the "
			"cgroup is the scope; nothing was attached\n");
		exit(KASHIM_EXIT_FAILURE);
	}
	if (kashim_config_load_options(cfg, values, message, sizeof message) != 0) {
		fprintf(stderr, "kashim: %s; nothing was attached\n", message);
		exit(KASHIM_EXIT_FAILURE);
	}
}

int kashim_cgroup_kernel(const struct kashim_cgroup_request *req)
{
	int kernel = kashim_kernel_version();

	return req->kernel != 0 && req->kernel < kernel ? req->kernel : kernel;
}

/*
 * Refuse a cgroup that reaches the whole host or kashim's own session,
 * unless forced. Exits 125.
 */
static void kashim_check_reach(const struct kashim_cgroup_request *req, int cgroup_fd,
			       const struct kashim_cgroup_pids *pids)
{
	const char *what;

	if (req->force)
		return;
	if (kashim_cgroup_is_root(cgroup_fd))
		what = "is the root of the cgroup hierarchy";
	else if (pids->has_self)
		what = "contains kashim itself";
	else
		return;
	fprintf(stderr, "kashim: %s %s: attaching there reaches %zu process%s, "
		"and every one started below it; --force attaches anyway\n", req->dir, what,
		pids->count, pids->count == 1 ? "" : "es");
	exit(KASHIM_EXIT_FAILURE);
}

int kashim_cgroup_configure_open(const struct kashim_cgroup_pids *pids,
				 const char *const values[KASHIM_VAR_COUNT], int debug)
{
	struct kashim_retrofit_request running;
	size_t i;
	int status;

	memset(&running, 0, sizeof running);
	running.pids = malloc((pids->count + 1) * sizeof *running.pids);
	if (running.pids == NULL)
		return 1;
	for (i = 0; i < pids->count; i++) {
		if (pids->pids[i] != getpid())
			running.pids[running.count++] = pids->pids[i];
	}
	status = running.count == 0 ? 0 : kashim_retrofit_run(&running, values, debug, 0);
	free(running.pids);
	return status;
}

int kashim_cgroup_run(const struct kashim_cgroup_request *req,
		      const char *const values[KASHIM_VAR_COUNT], int debug, int has_command)
{
	static struct kashim_config cfg; /* 8 KiB of port bitmap */
	struct kashim_cgroup_pids pids;
	char err[1024], described[512];
	sigset_t stop, saved;
	uint32_t program = 0;
	int cgroup_fd, link, status, sig = 0;

	if (has_command)
		kashim_usage_error("--cgroup takes no COMMAND (--mode=cgroup runs one in a "
				   "cgroup of its own)");
	kashim_cgroup_config(&cfg, values);
	if (!cfg.enabled) {
		fprintf(stderr, "kashim: KASHIM_KEEPALIVE is off: nothing to attach\n");
		return 0;
	}
	if (kashim_attach_possible(&cfg, kashim_cgroup_kernel(req), err, sizeof err) != 0 ||
	    (cgroup_fd = kashim_cgroup_open(req->dir, err, sizeof err)) < 0) {
		fprintf(stderr, "kashim: %s; nothing was attached\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	memset(&pids, 0, sizeof pids);
	if (kashim_cgroup_list(req->dir, &pids) != 0) {
		fprintf(stderr, "kashim: cannot list the processes of %s: %s; nothing was "
			"attached\n", req->dir, strerror(errno));
		return KASHIM_EXIT_FAILURE;
	}
	kashim_check_reach(req, cgroup_fd, &pids);

	/* Held from before the attachment, so that a stop is never lost. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &saved);
	link = kashim_attach(&cfg, cgroup_fd, debug, &program, err, sizeof err);
	close(cgroup_fd);
	if (link < 0) {
		fprintf(stderr, "kashim: %s; nothing was attached\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	kashim_attach_describe(&cfg, described, sizeof described);
	printf("kashim: attached to %s (bpf program %u): %s; %zu process%s in it now; "
	       "SIGINT or SIGTERM detaches\n", req->dir, program, described, pids.count,
	       pids.count == 1 ? "" : "es");
	fflush(stdout);
	status = kashim_cgroup_configure_open(&pids, values, debug);
	free(pids.pids);
	fflush(stdout);

	while (sig <= 0)
		sig = sigwaitinfo(&stop, NULL);
	close(link);
	printf("kashim: detached from %s (%s)\n", req->dir, strsignal(sig));
	fflush(stdout);
	return status;
}
