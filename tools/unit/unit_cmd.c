#include "unit_cmd.h"
#include "tools/cgroup/attach.h"
#include "tools/cgroup/cgroup_cmd.h"

#include <stdio.h>
#include <string.h>

#include "tools/cli/exit_status.h"
#include "tools/cli/option_argument.h"

static int kashim_name_is(const char *name, size_t len, const char *word)
{
	return strlen(word) == len && strncmp(name, word, len) == 0;
}

int kashim_unit_option(struct kashim_unit_request *req, const char *name, size_t len,
		       const char *value, int argc, char **argv, int *i, char *err,
		       size_t err_size)
{
	const char **slot;

	if (kashim_name_is(name, len, "unit"))
		slot = &req->unit;
	else if (kashim_name_is(name, len, "pin"))
		slot = &req->pin;
	else if (kashim_name_is(name, len, "unpin"))
		slot = &req->unpin;
	else
		return 0;
	value = kashim_option_argument(name, len, value, argc, argv, i, err, err_size);
	if (value == NULL)
		return -1;
	if (value[0] == '\0') {
		snprintf(err, err_size, "invalid --%.*s: empty %s", (int)len, name,
			 slot == &req->unit ? "unit name" : "file name");
		return -1;
	}
	if (*slot != NULL) {
		snprintf(err, err_size, "--%.*s given twice", (int)len, name);
		return -1;
	}
	*slot = value;
	return 1;
}

int kashim_unit_wanted(const struct kashim_unit_request *req)
{
	return req->unit != NULL || req->pin != NULL || req->unpin != NULL;
}

void kashim_unit_help(FILE *out)
{
	fprintf(out, "  --unit NAME\n"
		"      as --cgroup, on the cgroup of the systemd unit NAME (.service when\n"
		"      no type is given), with the listeners of the socket units that\n"
		"      start it; attached again each time the unit restarts, until SIGINT\n"
		"      or SIGTERM. Exit status 1 when NAME does not exist or is not running\n"
		"  --pin FILE\n"
		"      load kashim's program with these values and pin it at FILE in a BPF\n"
		"      filesystem, then print the BPFProgram= line that attaches it to a\n"
		"      unit (systemd 249 or later, on a fully unified cgroup v2 host only)\n"
		"  --unpin FILE\n"
		"      remove kashim's program pinned at FILE\n");
}

int kashim_unit_run(const struct kashim_unit_request *req,
		    const char *const values[KASHIM_VAR_COUNT], int debug, int force, int kernel,
		    int has_command)
{
	static struct kashim_config cfg; /* 8 KiB of port bitmap */
	char err[1024];
	const char *what = req->unit ? "attached" : "pinned";

	if ((req->unit != NULL) + (req->pin != NULL) + (req->unpin != NULL) > 1 || has_command) {
		fprintf(stderr, "kashim: %s\nTry 'kashim --help' for more information.\n",
			has_command ? "--unit, --pin and --unpin take no COMMAND"
				    : "--unit, --pin and --unpin cannot be combined");
		return KASHIM_EXIT_FAILURE;
	}
	if (req->unpin != NULL)
		return kashim_unpin_run(req->unpin);
	kashim_cgroup_config(&cfg, values);
	if (!cfg.enabled) {
		fprintf(stderr, "kashim: KASHIM_KEEPALIVE is off: nothing to %s\n",
			req->unit ? "attach" : "pin");
		return 0;
	}
	/* systemd's own condition comes first: it makes everything else moot */
	if (req->pin != NULL && kashim_pin_refused(err, sizeof err)) {
		fprintf(stderr, "kashim: %s; nothing was pinned\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	if (kashim_attach_possible(&cfg, kernel, err, sizeof err) != 0) {
		fprintf(stderr, "kashim: %s; nothing was %s\n", err, what);
		return KASHIM_EXIT_FAILURE;
	}
	if (req->pin != NULL)
		return kashim_pin_run(req->pin, &cfg, debug);
	return kashim_unit_follow(req->unit, &cfg, values, debug, force);
}
