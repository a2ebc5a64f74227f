/* kashim --pid: the configuration, options over the environment. */
#include "running.h"
#include "core/config_table.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options' values, for kashim_lookup: kashim_config_load takes a plain function. */
static const char *const *kashim_option_values;
static char kashim_bad_value[KASHIM_MESSAGE_MAX];

/*
 * An option's value, else the environment's. KASHIM_PROGRAMS is kept out:
 * kashim_config_load would match it against kashim itself, and it is
 * matched against each process instead.
 */
static const char *kashim_lookup(const char *name)
{
	int var;

	for (var = 0; var < KASHIM_VAR_COUNT; var++) {
		if (strcmp(name, kashim_var_name((enum kashim_var)var)) != 0)
			continue;
		if (var == KASHIM_VAR_PROGRAMS)
			return NULL;
		if (kashim_option_values[var] != NULL)
			return kashim_option_values[var];
		return getenv(name);
	}
	return NULL;
}

/* A bad value in the environment: kept to refuse with, as for an option. */
static void kashim_keep_bad_value(enum kashim_var var, int result, const char *message)
{
	(void)var;
	if (result == KASHIM_REJECTED && kashim_bad_value[0] == '\0')
		snprintf(kashim_bad_value, sizeof kashim_bad_value, "%s", message);
}

/* The configuration: options over the environment, checked as strictly. */
int kashim_load(struct kashim_run *run, const char *const values[KASHIM_VAR_COUNT],
		       int debug)
{
	static struct kashim_config scratch; /* 8 KiB of port bitmap */
	char message[KASHIM_MESSAGE_MAX];

	kashim_option_values = values;
	kashim_config_load(&run->cfg, kashim_lookup, kashim_keep_bad_value, NULL);
	run->programs = values[KASHIM_VAR_PROGRAMS] != NULL ? values[KASHIM_VAR_PROGRAMS]
							     : getenv("KASHIM_PROGRAMS");
	if (kashim_bad_value[0] == '\0' && run->programs != NULL &&
	    kashim_parse(&scratch, KASHIM_VAR_PROGRAMS, run->programs, message,
			 sizeof message) == KASHIM_REJECTED)
		kashim_keep_bad_value(KASHIM_VAR_PROGRAMS, KASHIM_REJECTED, message);
	if (kashim_bad_value[0] != '\0') {
		fprintf(stderr, "kashim: %s; nothing was changed\n", kashim_bad_value);
		return -1;
	}
	if (debug)
		run->cfg.debug = 1;
	return 0;
}
