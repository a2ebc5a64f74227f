#include "launch.h"
#include "tools/readers/elf_kind.h"
#include "tools/readers/elf_static.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/option_argument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const struct {
	const char *name;
	enum kashim_mode mode;
} kashim_modes[] = {
	{ "auto", KASHIM_MODE_AUTO },
	{ "preload", KASHIM_MODE_PRELOAD },
	{ "seccomp", KASHIM_MODE_SECCOMP },
	{ "cgroup", KASHIM_MODE_CGROUP },
};

int kashim_launch_option(struct kashim_launch *launch, int argc, char **argv, int *i,
			 char *err, size_t err_size)
{
	const char *arg = argv[*i], *value;
	size_t k;

	if (strcmp(arg, "--run-unconfigured") == 0) {
		launch->run_unconfigured = 1;
		return 1;
	}
	if (strncmp(arg, "--run-unconfigured=", 19) == 0) {
		snprintf(err, err_size, "option '--run-unconfigured' doesn't allow an argument");
		return -1;
	}
	if (strcmp(arg, "--mode") == 0) {
		value = kashim_option_argument("mode", 4, NULL, argc, argv, i, err, err_size);
		if (value == NULL)
			return -1;
	} else if (strncmp(arg, "--mode=", 7) == 0) {
		value = arg + 7;
	} else {
		return 0;
	}
	for (k = 0; k < sizeof kashim_modes / sizeof kashim_modes[0]; k++) {
		if (strcmp(value, kashim_modes[k].name) == 0) {
			launch->mode = kashim_modes[k].mode;
			return 1;
		}
	}
	snprintf(err, err_size, "invalid --mode: '%s'; accepted: auto, preload, seccomp or cgroup", value);
	return -1;
}

void kashim_launch_help(void)
{
	printf("  --mode auto|preload|seccomp|cgroup\n"
	       "      how COMMAND is reached: preload execs it with libkashim.so in\n"
	       "      LD_PRELOAD (same process); seccomp stays as its parent and\n"
	       "      configures each listen and connect through seccomp user\n"
	       "      notification (static programs; Linux 5.9 or later); cgroup stays\n"
	       "      as its parent and runs it in a new cgroup v2 of its own with\n"
	       "      kashim's program attached (see --cgroup); auto, the default,\n"
	       "      supervises a static executable and preloads the rest\n"
	       "  --run-unconfigured\n"
	       "      when COMMAND must be supervised (or, with --mode=cgroup, attached)\n"
	       "      but cannot be (kernel, privileges, seccomp or architecture), run\n"
	       "      it without keepalive instead of exit 125\n");
}

int kashim_cannot_supervise(const struct kashim_launch *launch, const char *path,
				   const char *why)
{
	if (!launch->run_unconfigured) {
		fprintf(stderr, "kashim: cannot supervise '%s': %s "
			"(--run-unconfigured runs it without keepalive)\n", path, why);
		exit(KASHIM_EXIT_FAILURE);
	}
	fprintf(stderr, "kashim: running '%s' without keepalive: %s\n", path, why);
	return 0;
}

/*
 * A dynamic Go program is preloaded like any other, but its net package
 * makes its own system calls: say so, and what reaches it. The mode is
 * not changed behind the operator's back: supervising makes kashim the
 * program's parent, which Type=notify, PIDFile= and Type=forking units
 * would notice.
 */
static void kashim_note_go(const char *path)
{
	int kind = kashim_elf_kind_of_file(path);

	if (kind >= 0 && (kind & KASHIM_ELF_GO) != 0)
		fprintf(stderr, "kashim: %s is a Go program: the preload does not reach its "
			"sockets (Go makes its own system calls), and Go turns keepalive on "
			"with 15 s timers unless the program turned it off; --mode=seccomp, "
			"or kashim --pid PID --watch once it runs, reaches it\n", path);
}

int kashim_launch_supervised(const struct kashim_launch *launch, const char *command)
{
	struct kashim_command cmd;

	if (launch->mode == KASHIM_MODE_PRELOAD)
		return 0;
	if (kashim_inspect_command(command, &cmd) != 0)
		/* not found or not ELF: execvp will say what is wrong */
		return launch->mode == KASHIM_MODE_SECCOMP;
	if (launch->mode == KASHIM_MODE_AUTO && !cmd.is_static) {
		kashim_note_go(cmd.path);
		return 0;
	}
	if (cmd.privileged) {
		fprintf(stderr, "kashim: refusing to supervise '%s': it is setuid, setgid or has "
			"file capabilities, which no_new_privs would take away\n", cmd.path);
		exit(KASHIM_EXIT_FAILURE);
	}
	if (!cmd.native)
		return kashim_cannot_supervise(launch, cmd.path,
					       "built for another architecture, whose calls "
					       "the filter does not see");
	return 1;
}
