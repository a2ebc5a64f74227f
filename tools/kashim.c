/*
 * kashim [OPTION]... [--] COMMAND [ARG]...
 *
 * Run COMMAND with libkashim.so preloaded and KASHIM_* set from the
 * options. Follows env(1) and timeout(1): 125 when kashim itself fails
 * (COMMAND is then never started), 126 when COMMAND cannot be executed,
 * 127 when it is not found; otherwise kashim execs, so the status, the PID
 * and the signals are COMMAND's own.
 *
 * kashim [OPTION]... --pid PID... configures running processes instead:
 * see pid_retrofit.h.
 *
 * Values are checked by the library's own parser (shim/config.c), so the
 * wrapper and the library accept exactly the same text and say the same
 * thing about a bad value.
 */
#include "../shim/config.h"
#include "../shim/log.h"
#include "build_config.h"
#include "pid_retrofit.h"
#include "preload.h"
#include "supervise.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KASHIM_EXIT_FAILURE 125
#define KASHIM_EXIT_CANNOT_RUN 126
#define KASHIM_EXIT_NOT_FOUND 127

/* An option that sets one variable from its argument. */
struct kashim_value_option {
	const char *name;
	enum kashim_var var;
	const char *metavar;
	const char *meaning;
	const char *note; /* an extra line of --help, or NULL */
};

static const struct kashim_value_option kashim_value_options[] = {
	{ "idle", KASHIM_VAR_KEEPIDLE, "DUR", "idle time before the first probe", NULL },
	{ "interval", KASHIM_VAR_KEEPINTVL, "DUR", "time between probes", NULL },
	{ "count", KASHIM_VAR_KEEPCNT, "N",
	  "unanswered probes before the connection is dropped", NULL },
	{ "user-timeout", KASHIM_VAR_USER_TIMEOUT, "DUR|auto",
	  "how long sent data may stay unacknowledged",
	  "auto: idle + interval x count, the system's value for any not set" },
};

#define KASHIM_VALUE_OPTIONS (sizeof kashim_value_options / sizeof kashim_value_options[0])

/* What the options asked for; NULL leaves the environment's value alone. */
struct kashim_request {
	const char *values[KASHIM_VAR_COUNT];
	int debug;
	struct kashim_retrofit_request running; /* --pid, --watch */
	struct kashim_launch launch; /* --mode, --run-unconfigured */
};

static void kashim_usage_hint(void)
{
	fputs("Try 'kashim --help' for more information.\n", stderr);
}

/* Report a usage error and exit 125; COMMAND has not been started. */
__attribute__((noreturn, format(printf, 1, 2)))
static void kashim_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kashim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	kashim_usage_hint();
	exit(KASHIM_EXIT_FAILURE);
}

static void kashim_help(void)
{
	size_t i;

	printf("Usage: kashim [OPTION]... [--] COMMAND [ARG]...\n"
	       "Run COMMAND with libkashim.so preloaded, so that every TCP connection\n"
	       "it accepts or makes gets keepalive.\n\n");
	for (i = 0; i < KASHIM_VALUE_OPTIONS; i++) {
		const struct kashim_value_option *o = &kashim_value_options[i];

		printf("  --%s %s\n      %s (%s):\n      %s\n", o->name, o->metavar,
		       o->meaning, kashim_var_name(o->var), kashim_var_accepts(o->var));
		if (o->note != NULL)
			printf("      %s\n", o->note);
	}
	kashim_launch_help();
	printf("  --debug\n      log the configuration and each configured socket to\n"
	       "      stderr (KASHIM_DEBUG=1)\n"
	       "  --help\n      show this help and exit\n"
	       "  --version\n      show the version and exit\n\n"
	       "An option not given leaves its KASHIM_* variable as the environment has\n"
	       "it; unset, the system default applies. libkashim.so is put first in\n"
	       "LD_PRELOAD, once, keeping any libraries already there.\n\n"
	       "Exit status: 125 if kashim itself fails, 126 if COMMAND cannot be run,\n"
	       "127 if COMMAND is not found, otherwise the exit status of COMMAND.\n\n"
	       "Usage: kashim [OPTION]... --pid PID [--pid PID]... [--watch[=INTERVAL]]\n"
	       "Configure running processes instead (Linux 5.6 or later):\n\n");
	kashim_retrofit_help(stdout);
	printf("\nExit status with --pid: 0 if everything was done, 1 if some process could\n"
	       "not be reached or fully configured, 125 if kashim itself fails.\n");
}

/* Whether the len bytes at name spell word exactly. */
static int kashim_name_is(const char *name, size_t len, const char *word)
{
	return strlen(word) == len && strncmp(name, word, len) == 0;
}

/* The value option called name (name ends at the first '=' or NUL), or NULL. */
static const struct kashim_value_option *kashim_find_option(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < KASHIM_VALUE_OPTIONS; i++) {
		if (kashim_name_is(name, len, kashim_value_options[i].name))
			return &kashim_value_options[i];
	}
	return NULL;
}

/* Check text with the library's parser; exits 125 with its message if bad. */
static void kashim_check_value(const struct kashim_value_option *o, const char *text)
{
	char message[KASHIM_MESSAGE_MAX];
	long value;

	if (kashim_parse_value(o->var, text, &value, message, sizeof message) != 0)
		kashim_usage_error("invalid --%s: %s", o->name, message);
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
		const struct kashim_value_option *o;
		const char *name, *value;
		char err[KASHIM_MESSAGE_MAX];
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
			kashim_usage_error("unrecognized option '%s'", arg);
		name = arg + 2;
		len = strcspn(name, "=");
		value = name[len] == '=' ? name + len + 1 : NULL;
		o = kashim_find_option(name, len);
		if (o != NULL) {
			if (value == NULL) {
				if (i + 1 >= argc)
					kashim_usage_error("option '--%s' requires an argument", o->name);
				value = argv[++i];
			}
			kashim_check_value(o, value);
			req->values[o->var] = value;
			continue;
		}
		taken = kashim_retrofit_option(&req->running, name, len, value, argc, argv, &i,
					       err, sizeof err);
		if (taken < 0)
			kashim_usage_error("%s", err);
		if (taken > 0)
			continue;
		if (!kashim_name_is(name, len, "debug") && !kashim_name_is(name, len, "help") &&
		    !kashim_name_is(name, len, "version"))
			kashim_usage_error("unrecognized option '%s'", arg);
		if (value != NULL)
			kashim_usage_error("option '--%.*s' doesn't allow an argument", (int)len, name);
		if (kashim_name_is(name, len, "debug")) {
			req->debug = 1;
		} else if (kashim_name_is(name, len, "help")) {
			kashim_help();
			exit(0);
		} else {
			printf("kashim %s\n", KASHIM_VERSION);
			exit(0);
		}
	}
	return i;
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
	if (req->debug && setenv(kashim_var_name(KASHIM_VAR_DEBUG), "1", 1) != 0)
		goto fail;
	if (library == NULL)
		return;
	preload = kashim_preload_compose(getenv("LD_PRELOAD"), library);
	if (preload == NULL || setenv("LD_PRELOAD", preload, 1) != 0)
		goto fail;
	if (req->debug)
		kashim_log("LD_PRELOAD=%s", preload);
	free(preload);
	return;
fail:
	fprintf(stderr, "kashim: cannot set the environment: %s\n", strerror(errno));
	exit(KASHIM_EXIT_FAILURE);
}

int main(int argc, char **argv)
{
	struct kashim_request req;
	char library[PATH_MAX], err[3 * PATH_MAX];
	int command, saved_errno, supervised;

	memset(&req, 0, sizeof req);
	command = kashim_parse_args(argc, argv, &req);
	if (kashim_retrofit_wanted(&req.running))
		return kashim_retrofit_run(&req.running, req.values, req.debug, command < argc);
	if (command >= argc)
		kashim_usage_error("missing COMMAND");

	/* A static COMMAND is supervised: no library to find or preload. */
	supervised = kashim_launch_supervised(&req.launch, argv[command]);
	if (supervised) {
		kashim_set_environment(&req, NULL);
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
	if (!supervised)
		kashim_set_environment(&req, library);

	execvp(argv[command], argv + command);
	saved_errno = errno;
	fprintf(stderr, "kashim: cannot run '%s': %s\n", argv[command], strerror(saved_errno));
	return saved_errno == ENOENT ? KASHIM_EXIT_NOT_FOUND : KASHIM_EXIT_CANNOT_RUN;
}
