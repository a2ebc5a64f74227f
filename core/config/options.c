/*
 * The tools' configuration: their options (--idle 30 is KASHIM_KEEPIDLE)
 * over the environment, refused as a whole at the first bad value, where
 * the library warns and keeps a default.
 */
#include "config.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>

/* kashim_config_load_options' sources, and the bad value it keeps. */
struct kashim_options_load {
	const char *const *values;
	enum kashim_var bad;        /* KASHIM_VAR_COUNT until one is found */
	char message[KASHIM_MESSAGE_MAX];
};

static const char *kashim_options_lookup(void *context, const char *name)
{
	const struct kashim_options_load *load = context;
	enum kashim_var var = kashim_find_var(name, strlen(name));

	if (var == KASHIM_VAR_COUNT)
		return NULL;
	if (load->values[var] != NULL)
		return load->values[var];
	return getenv(name);
}

/* Keep the message of the first bad value in the table's order (the
 * loader reads KASHIM_PROGRAMS, the last row, first). */
static void kashim_options_keep(void *context, enum kashim_var var, int result,
				const char *message)
{
	struct kashim_options_load *load = context;

	if (result != KASHIM_REJECTED || var > load->bad)
		return;
	load->bad = var;
	kashim_format(load->message, sizeof load->message, "%s", message);
}

int kashim_config_load_options(struct kashim_config *cfg,
			       const char *const values[KASHIM_VAR_COUNT], char *err,
			       size_t err_size)
{
	struct kashim_options_load load;

	load.values = values;
	load.bad = KASHIM_VAR_COUNT;
	kashim_config_load(cfg, kashim_options_lookup, kashim_options_keep, &load, NULL);
	if (load.bad == KASHIM_VAR_COUNT)
		return 0;
	kashim_format(err, err_size, "%s", load.message);
	return -1;
}
