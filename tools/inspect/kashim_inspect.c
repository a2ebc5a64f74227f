/*
 * kashim-inspect [--json] PID...
 * kashim-inspect --missing [--max-idle DUR] [--json | --format prometheus]
 *                [--output FILE] (PID... | --all)
 *
 * For each TCP socket of each process: addresses, state, the keepalive
 * options as getsockopt reads them from the socket itself (through
 * pidfd_getfd, Linux 5.6+), and the kernel's pending timer from
 * /proc/PID/net/tcp. It answers "did the settings take effect?" for a
 * process that is already running, whoever configured it.
 *
 * Exit status: 0 when every process was fully inspected, 1 when some
 * process or some socket's options could not be read, 2 for usage errors.
 */
#include "build_config.h"
#include "inspect.h"
#include "missing.h"
#include "output_file.h"
#include "core/config/config.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/usage.h"
#include "tools/readers/process.h"
#include "tools/cli/option_argument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How kashim_usage_error names this command, and its status (2). */
const char kashim_command_name[] = "kashim-inspect";
const int kashim_usage_status = KASHIM_EXIT_USAGE;

static void kashim_usage(FILE *out)
{
	fprintf(out,
		"Usage: kashim-inspect [--json] [--output FILE] PID...\n"
		"  or:  kashim-inspect --missing [--max-idle DUR] [--format FORMAT]\n"
		"                      [--output FILE] (PID... | --all)\n"
		"Show each TCP socket of the processes PID with the keepalive options\n"
		"read from the socket itself (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL,\n"
		"TCP_KEEPCNT, TCP_USER_TIMEOUT) and the kernel's timer on it.\n\n"
		"  --json           one JSON document instead of tables (--format json)\n"
		"  --format FORMAT  table (the default), json, or with --missing\n"
		"                   prometheus: node_exporter's textfile format, counting\n"
		"                   the sockets with keepalive and without\n"
		"  --output FILE    write to FILE, whole or not at all (a temporary file\n"
		"                   beside it, then renamed), instead of standard output\n"
		"  --missing        only TCP listeners and connections without keepalive,\n"
		"                   and why each process lacks it\n"
		"  --max-idle DUR   with --missing: keepalive whose first probe comes after\n"
		"                   more than DUR of silence (300, 5m) counts as missing too\n"
		"  --all            with --missing: every process on the machine\n"
		"  --help           show this help and exit\n"
		"  --version        show the version and exit\n\n"
		"Reading another process's sockets needs ptrace permission over it:\n"
		"root, CAP_SYS_PTRACE, or the same user as allowed by\n"
		"kernel.yama.ptrace_scope. Linux 5.6 or later.\n\n"
		"Exit status: 0 if every process was fully inspected, 1 if something\n"
		"could not be read, 2 for a usage error. With --missing: 0 if nothing\n"
		"lacks keepalive, 1 if something does, 2 for a usage error, 3 if some\n"
		"process could not be read or the output could not be written.\n");
}

/*
 * Complete the output: rename the --output file into place, or check
 * standard output. Returns status, or failed when the output could not be
 * written.
 */
static int kashim_finish(struct kashim_output *output, int status, int failed)
{
	if (output->stream != NULL)
		return kashim_output_close(output, 0) != 0 ? failed : status;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("kashim-inspect: stdout");
		return failed;
	}
	return status;
}

/*
 * The value of option name at argv[*i]: "--name=VALUE", or "--name" then
 * VALUE in the next argument (*i moves on). NULL when argv[*i] is
 * another option.
 */
static const char *kashim_option_value(char **argv, int argc, int *i, const char *name)
{
	size_t length = strlen(name);
	const char *value;
	char err[128];

	if (strncmp(argv[*i], name, length) != 0)
		return NULL;
	if (argv[*i][length] == '=')
		return argv[*i] + length + 1;
	if (argv[*i][length] != '\0')
		return NULL;
	/* name is "--NAME" */
	value = kashim_option_argument(name + 2, length - 2, NULL, argc, argv, i, err, sizeof err);
	if (value == NULL)
		kashim_usage_error("%s", err);
	return value;
}

/* --format's word. */
static enum kashim_format kashim_parse_format(const char *text)
{
	if (strcmp(text, "table") == 0)
		return KASHIM_FORMAT_TABLE;
	if (strcmp(text, "json") == 0)
		return KASHIM_FORMAT_JSON;
	if (strcmp(text, "prometheus") == 0)
		return KASHIM_FORMAT_PROMETHEUS;
	kashim_usage_error("invalid --format '%s'; accepted: table, json, prometheus", text);
}

/* --max-idle's duration, read as KASHIM_KEEPIDLE is: seconds, or with a unit. */
static int kashim_parse_max_idle(const char *text)
{
	char message[KASHIM_MESSAGE_MAX];
	const char *name = kashim_var_name(KASHIM_VAR_KEEPIDLE);
	long seconds;

	if (kashim_parse_value(KASHIM_VAR_KEEPIDLE, text, &seconds, message, sizeof message) ==
	    KASHIM_REJECTED) {
		/* the parser's line names the variable: say the option's name instead */
		size_t skip = strncmp(message, name, strlen(name)) == 0 ? strlen(name) + 1 : 0;

		kashim_usage_error("invalid --max-idle: %s", message + skip);
	}
	return (int)seconds;
}

int main(int argc, char **argv)
{
	struct kashim_missing_options options = { KASHIM_FORMAT_TABLE, 0, stdout };
	struct kashim_output output = { NULL, NULL, NULL };
	struct kashim_inspect_process *procs;
	const char *value, *output_path = NULL;
	size_t n = 0;
	int missing = 0, all = 0, status = KASHIM_EXIT_OK, i, first;
	long clock_ticks = sysconf(_SC_CLK_TCK);

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--json") == 0) {
			options.format = KASHIM_FORMAT_JSON;
		} else if ((value = kashim_option_value(argv, argc, &i, "--format")) != NULL) {
			options.format = kashim_parse_format(value);
		} else if ((value = kashim_option_value(argv, argc, &i, "--max-idle")) != NULL) {
			options.max_idle = kashim_parse_max_idle(value);
		} else if ((value = kashim_option_value(argv, argc, &i, "--output")) != NULL) {
			if (value[0] == '\0')
				kashim_usage_error("invalid --output: an empty file name");
			output_path = value;
		} else if (strcmp(argv[i], "--missing") == 0) {
			missing = 1;
		} else if (strcmp(argv[i], "--all") == 0) {
			all = 1;
		} else if (strcmp(argv[i], "--help") == 0) {
			kashim_usage(stdout);
			return KASHIM_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("kashim-inspect %s\n", KASHIM_VERSION);
			return KASHIM_EXIT_OK;
		} else {
			kashim_usage_error("unrecognized option '%s'", argv[i]);
		}
	}
	first = i;
	if (all && !missing)
		kashim_usage_error("--all needs --missing");
	if (options.max_idle > 0 && !missing)
		kashim_usage_error("--max-idle needs --missing");
	if (options.format == KASHIM_FORMAT_PROMETHEUS && !missing)
		kashim_usage_error("--format prometheus needs --missing");
	if (all && first < argc)
		kashim_usage_error("--all takes no PID");
	if (first >= argc && !all)
		kashim_usage_error("missing PID");
	for (i = first; i < argc; i++) {
		pid_t pid;

		if (kashim_parse_pid(argv[i], &pid) != 0)
			kashim_usage_error("'%s' is not a process ID", argv[i]);
	}
	if (output_path != NULL) {
		if (kashim_output_open(&output, output_path) != 0)
			return missing ? KASHIM_MISSING_UNREADABLE : KASHIM_EXIT_INCOMPLETE;
		options.out = output.stream;
	}
	if (missing) {
		status = kashim_missing(argv + first, argc - first, &options, clock_ticks);
		return kashim_finish(&output, status, KASHIM_MISSING_UNREADABLE);
	}
	procs = calloc((size_t)(argc - first), sizeof *procs);
	if (procs == NULL) {
		perror("kashim-inspect");
		return KASHIM_EXIT_INCOMPLETE;
	}
	for (i = first; i < argc; i++) {
		pid_t pid = 0;

		kashim_parse_pid(argv[i], &pid);
		if (kashim_inspect(pid, &procs[n++], 0) != 0)
			status = KASHIM_EXIT_INCOMPLETE;
	}
	if (options.format == KASHIM_FORMAT_JSON)
		kashim_print_json(options.out, procs, n, clock_ticks);
	else
		kashim_print_table(options.out, procs, n, clock_ticks);
	for (i = 0; (size_t)i < n; i++)
		free(procs[i].sockets);
	free(procs);
	return kashim_finish(&output, status, KASHIM_EXIT_INCOMPLETE);
}
