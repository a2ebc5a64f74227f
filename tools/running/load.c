/* kashim --pid: the configuration, options over the environment. */
#include "running.h"

#include <stdio.h>

/* The configuration: options over the environment, checked as strictly. */
int kashim_load(struct kashim_run *run, const char *const values[KASHIM_VAR_COUNT],
		       int debug)
{
	char message[KASHIM_MESSAGE_MAX];

	if (kashim_config_load_options(&run->cfg, values, message, sizeof message) != 0) {
		fprintf(stderr, "kashim: %s; nothing was changed\n", message);
		return -1;
	}
	if (debug)
		run->cfg.debug = 1;
	return 0;
}
