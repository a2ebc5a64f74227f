/*
 * kashim [OPTION]... [--] COMMAND [ARG]...
 *
 * Run COMMAND with libkashim.so preloaded and KASHIM_* set from the
 * options. Follows env(1) and timeout(1): 125 when kashim itself fails
 * (COMMAND is then never started), 126 when COMMAND cannot be executed,
 * 127 when it is not found; otherwise kashim execs, so the status, the PID
 * and the signals are COMMAND's own.
 *
 * Every KASHIM_* variable is an option, from the library's own table
 * (core/config/config_table.c), and values are checked by the library's own
 * parser, so the wrapper and the library accept the same text and say the
 * same thing about a bad value. One exception: a duration in milliseconds
 * (--user-timeout) needs its unit here.
 *
 * kashim [OPTION]... --pid PID... configures running processes instead:
 * see pid_retrofit.h.
 */
#include "core/config/conffile.h"
#include "core/config/config.h"
#include "core/config/config_table.h"
#include "core/log.h"
#include "core/config/name.h"
#include "build_config.h"
#include "tools/cgroup/cgroup_cmd.h"
#include "tools/cgroup/cgroup_run.h"
#include "tools/running/pid_retrofit.h"
#include "host.h"
#include "preload.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/usage.h"
#include "tools/supervise/supervise.h"
#include "tools/unit/unit_cmd.h"
#include "tools/cli/option_argument.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How kashim_usage_error names this command, and its status (125). */
const char kashim_command_name[] = "kashim";
const int kashim_usage_status = KASHIM_EXIT_FAILURE;

/* What the options asked for; NULL leaves the environment's value alone. */
struct kashim_request {
	const char *values[KASHIM_VAR_COUNT];
	struct kashim_retrofit_request running; /* --pid, --watch */
	struct kashim_launch launch; /* --mode, --run-unconfigured */
	const char *host; /* --host on|off|status, or NULL */
	struct kashim_cgroup_request cgroup; /* --cgroup, --force */
	struct kashim_unit_request unit; /* --unit, --pin, --unpin */
};

/* One variable's option in --help, from its table row. */
static void kashim_help_option(enum kashim_var var)
{
	const struct kashim_var_row *row = kashim_row(var);

	if (row->metavar == NULL) {
		printf("  --%s (%s=1)\n      %s\n", row->option, row->name, row->help);
		return;
	}
	printf("  --%s %s (%s)\n      %s:\n      %s\n", row->option, row->metavar,
	       row->name, row->help, row->accepts);
	if (row->kind == KASHIM_KIND_MILLIS)
		printf("      here a number needs its unit (30s, 500ms): a bare one is refused\n");
	if (row->note != NULL)
		printf("      %s\n", row->note);
	printf("      default: %s\n", row->default_words);
}

static void kashim_help(void)
{
	int i;

	printf("Usage: kashim [OPTION]... [--] COMMAND [ARG]...\n"
	       "Run COMMAND with libkashim.so preloaded, so that every TCP connection\n"
	       "it accepts or makes gets keepalive.\n\n");
	for (i = 0; i < KASHIM_VAR_COUNT; i++)
		kashim_help_option((enum kashim_var)i);
	kashim_launch_help();
	printf("  --help\n      show this help and exit\n"
	       "  --version\n      show the version and exit\n\n"
	       "An option not given leaves its KASHIM_* variable as the environment has\n"
	       "it; unset, the default applies. libkashim.so is put first in\n"
	       "LD_PRELOAD, once, keeping any libraries already there.\n\n"
	       "Exit status: 125 if kashim itself fails, 126 if COMMAND cannot be run,\n"
	       "127 if COMMAND is not found, otherwise the exit status of COMMAND.\n\n"
	       "Usage: kashim [OPTION]... --pid PID [--pid PID]... [--watch[=INTERVAL]]\n"
	       "Configure running processes instead (Linux 5.6 or later):\n\n");
	kashim_retrofit_help(stdout);
	printf("\nExit status with --pid: 0 if everything was done, 1 if some process could\n"
	       "not be reached or fully configured, 125 if kashim itself fails.\n\n"
	       "Usage: kashim [OPTION]... --cgroup DIR [--force]\n"
	       "Configure every TCP connection of a cgroup v2 from the kernel:\n\n");
	kashim_cgroup_help(stdout);
	printf("\nUsage: kashim [OPTION]... --unit NAME [--force]\n"
	       "       kashim [OPTION]... --pin FILE\n"
	       "       kashim --unpin FILE\n"
	       "The same for a systemd unit, while kashim runs or pinned for BPFProgram=:\n\n");
	kashim_unit_help(stdout);
	printf("\nUsage: kashim --host on|off|status [--programs NAME,...]\n"
	       "As root, add libkashim.so to /etc/ld.so.preload (on), take it out (off),\n"
	       "or show whether it is there, the configuration file in force and what\n"
	       "each NAME gets from it (status). Exit status: 0, or 125 on failure.\n");
}

/*
 * text (its first len bytes at most) as it may go to a terminal: bytes
 * outside printable ASCII escaped, like the library's messages.
 */
static const char *kashim_shown(char *buf, size_t size, const char *text, size_t len)
{
	kashim_escape(buf, size, text, len, (size_t)-1);
	return buf;
}

/* The variable whose option is called name (len bytes), or KASHIM_VAR_COUNT. */
static enum kashim_var kashim_find_option(const char *name, size_t len)
{
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		if (kashim_name_is(name, len, kashim_row((enum kashim_var)i)->option))
			return (enum kashim_var)i;
	}
	return KASHIM_VAR_COUNT;
}

/* Is text a number without a unit ("30", "1.5")? */
static int kashim_is_bare_number(const char *text)
{
	return text[0] != '\0' && text[strspn(text, "0123456789.")] == '\0';
}

/*
 * Check text with the library's parser; exits 125 with its message if bad.
 * A duration in milliseconds also needs a unit here: --idle 30 is 30
 * seconds, and --user-timeout 30 read as 30 ms would be a trap.
 */
static void kashim_check_value(enum kashim_var var, const char *text)
{
	const struct kashim_var_row *row = kashim_row(var);
	char message[KASHIM_MESSAGE_MAX];
	long value;

	if (row->kind == KASHIM_KIND_MILLIS && kashim_is_bare_number(text) &&
	    strspn(text, "0.") != strlen(text)) {
		kashim_quote(message, sizeof message, text, 48);
		kashim_usage_error("invalid --%s: %s has no unit; write %ss for seconds "
				   "or %sms for milliseconds", row->option, message, text, text);
	}
	if (kashim_parse_value(var, text, &value, message, sizeof message) == KASHIM_REJECTED)
		kashim_usage_error("invalid --%s: %s", row->option, message);
}

/*
 * The options that set no variable: --help and --version. Returns 0 when
 * name (len bytes) is none of them.
 */
static int kashim_other_option(const char *name, size_t len, const char *value)
{
	if (!kashim_name_is(name, len, "help") && !kashim_name_is(name, len, "version"))
		return 0;
	if (value != NULL)
		kashim_usage_error("option '--%.*s' doesn't allow an argument", (int)len, name);
	if (kashim_name_is(name, len, "help"))
		kashim_help();
	else
		printf("kashim %s\n", KASHIM_VERSION);
	exit(0);
}

/*
 * Parse the options by hand rather than with getopt_long: no abbreviations
 * (an option added later would make an old abbreviation ambiguous in
 * someone's unit file), and the same behaviour with glibc and musl.
 * Returns the index of COMMAND in argv.
 */
static int kashim_parse_args(int argc, char **argv, struct kashim_request *req)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *name, *value;
		char shown[1024], err[KASHIM_MESSAGE_MAX];
		enum kashim_var var;
		size_t len;
		int taken;

		if (strcmp(arg, "--") == 0)
			return i + 1;
		if (arg[0] != '-' || arg[1] == '\0')
			return i; /* COMMAND ("-" alone is a file name) */
		taken = kashim_launch_option(&req->launch, argc, argv, &i, err, sizeof err);
		if (taken < 0)
			kashim_usage_error("%s", err);
		if (taken > 0)
			continue;
		if (arg[1] != '-')
			kashim_usage_error("unrecognized option '%s'",
					   kashim_shown(shown, sizeof shown, arg, (size_t)-1));
		name = arg + 2;
		len = strcspn(name, "=");
		value = name[len] == '=' ? name + len + 1 : NULL;
		var = kashim_find_option(name, len);
		if (var == KASHIM_VAR_COUNT && kashim_name_is(name, len, "host")) {
			if (value == NULL && i + 1 < argc)
				value = argv[++i];
			if (value == NULL || !kashim_host_action_valid(value))
				kashim_usage_error("--host takes on, off or status");
			req->host = value;
			continue;
		}
		if (var == KASHIM_VAR_COUNT) {
			taken = kashim_retrofit_option(&req->running, name, len, value, argc, argv,
						       &i, err, sizeof err);
			if (taken == 0)
				taken = kashim_cgroup_option(&req->cgroup, name, len, value, argc, argv,
							     &i, err, sizeof err);
			if (taken == 0)
				taken = kashim_unit_option(&req->unit, name, len, value, argc, argv,
							   &i, err, sizeof err);
			if (taken < 0)
				kashim_usage_error("%s", err);
			if (taken == 0 && !kashim_other_option(name, len, value))
				kashim_usage_error("unrecognized option '%s'",
						   kashim_shown(shown, sizeof shown, arg, (size_t)-1));
			continue;
		}
		if (kashim_row(var)->metavar == NULL) {
			if (value != NULL)
				kashim_usage_error("option '--%.*s' doesn't allow an argument",
						   (int)len, name);
			value = "1";
		} else if ((value = kashim_option_argument(name, len, value, argc, argv, &i, err,
							   sizeof err)) == NULL) {
			kashim_usage_error("%s", err);
		}
		kashim_check_value(var, value);
		req->values[var] = value;
	}
	return i;
}

/*
 * With keepalive on and no timer set at all, say once what that means:
 * the system's idle time, two hours unless changed, before the first
 * probe. Reads the environment (options included) over /etc/kashim.conf,
 * as the library will in command.
 */
static void kashim_note_system_timers(const char *command)
{
	static struct kashim_config cfg; /* 8 KiB of port bitmap */
	static struct kashim_conffile file;
	struct kashim_system_timers system;
	struct kashim_identity who;
	int i;

	kashim_identity_from(&who, command, command);
	kashim_conffile_read(&file, kashim_conf_path, &who, NULL);
	kashim_config_load_layered(&cfg, &file, kashim_getenv, NULL, &who, NULL);
	if (!cfg.enabled)
		return;
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		if (kashim_is_timer((enum kashim_var)i) && !kashim_is_default(&cfg, (enum kashim_var)i))
			return;
	}
	kashim_read_system_timers(&system);
	fprintf(stderr, "kashim: no timer set (--idle, --interval, --count, --user-timeout): "
		"the system's idle time applies, %d s before the first probe "
		"(net.ipv4.tcp_keepalive_time)\n", system.keepidle);
}

/*
 * Export the requested variables, and LD_PRELOAD unless library is NULL.
 * Exits 125 on failure.
 */
static void kashim_set_environment(const struct kashim_request *req, const char *library)
{
	char *preload;
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		if (req->values[i] != NULL &&
		    setenv(kashim_var_name((enum kashim_var)i), req->values[i], 1) != 0)
			goto fail;
	}
	if (library == NULL)
		return;
	preload = kashim_preload_compose(getenv("LD_PRELOAD"), library);
	if (preload == NULL || setenv("LD_PRELOAD", preload, 1) != 0)
		goto fail;
	if (req->values[KASHIM_VAR_DEBUG] != NULL) {
		char shown[1024];

		kashim_log("LD_PRELOAD=%s", kashim_shown(shown, sizeof shown, preload, (size_t)-1));
	}
	free(preload);
	return;
fail:
	fprintf(stderr, "kashim: cannot set the environment: %s\n", strerror(errno));
	exit(KASHIM_EXIT_FAILURE);
}

int main(int argc, char **argv)
{
	struct kashim_request req;
	char library[PATH_MAX], err[3 * PATH_MAX], shown[1024];
	int command, saved_errno, supervised;

	memset(&req, 0, sizeof req);
	command = kashim_parse_args(argc, argv, &req);
	if (req.host != NULL) {
		int i;

		for (i = 0; i < KASHIM_VAR_COUNT; i++) {
			if (req.values[i] != NULL && i != KASHIM_VAR_PROGRAMS)
				kashim_usage_error("--host takes no option but --programs");
		}
		if (command < argc)
			kashim_usage_error("--host takes no COMMAND");
		return kashim_host_run(req.host, KASHIM_LIB_FROM_BIN,
				       req.values[KASHIM_VAR_PROGRAMS]);
	}
	if (kashim_unit_wanted(&req.unit)) {
		if (kashim_retrofit_wanted(&req.running) || kashim_cgroup_wanted(&req.cgroup))
			kashim_usage_error("--unit, --pin and --unpin cannot be combined with --pid "
					   "or --cgroup");
		return kashim_unit_run(&req.unit, req.values, req.values[KASHIM_VAR_DEBUG] != NULL,
				       req.cgroup.force, kashim_cgroup_kernel(&req.cgroup),
				       command < argc);
	}
	if (kashim_cgroup_wanted(&req.cgroup)) {
		if (kashim_retrofit_wanted(&req.running))
			kashim_usage_error("--cgroup and --pid cannot be combined");
		return kashim_cgroup_run(&req.cgroup, req.values,
					 req.values[KASHIM_VAR_DEBUG] != NULL, command < argc);
	}
	if (kashim_retrofit_wanted(&req.running))
		return kashim_retrofit_run(&req.running, req.values,
					   req.values[KASHIM_VAR_DEBUG] != NULL, command < argc);
	if (command >= argc)
		kashim_usage_error("missing COMMAND");

	/* A static COMMAND is supervised: no library to find or preload. */
	supervised = req.launch.mode == KASHIM_MODE_CGROUP ||
		     kashim_launch_supervised(&req.launch, argv[command]);
	if (req.launch.mode == KASHIM_MODE_CGROUP) {
		kashim_set_environment(&req, NULL);
		kashim_cgroup_exec(argv + command, &req.launch, &req.cgroup, req.values);
	} else if (supervised) {
		kashim_set_environment(&req, NULL);
		kashim_note_system_timers(argv[command]);
		kashim_supervise(argv + command, &req.launch);
	} else if (kashim_find_library(KASHIM_LIB_FROM_BIN, library, sizeof library,
				err, sizeof err) != 0) {
		fprintf(stderr, "kashim: %s\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	/* LD_PRELOAD has no quoting: its entries end at a space or a colon */
	if (!supervised && strpbrk(library, " :\t\n") != NULL) {
		fprintf(stderr, "kashim: cannot preload %s: LD_PRELOAD cannot hold a path "
			"with a space or a colon; install kashim elsewhere\n", library);
		return KASHIM_EXIT_FAILURE;
	}
	if (!supervised) {
		kashim_set_environment(&req, library);
		kashim_note_system_timers(argv[command]);
	}

	execvp(argv[command], argv + command);
	saved_errno = errno;
	fprintf(stderr, "kashim: cannot run '%s': %s\n",
		kashim_shown(shown, sizeof shown, argv[command], (size_t)-1), strerror(saved_errno));
	return saved_errno == ENOENT ? KASHIM_EXIT_NOT_FOUND : KASHIM_EXIT_CANNOT_RUN;
}
