/*
 * The environment over /etc/kashim.conf, as one lookup for
 * kashim_config_load. Which text a variable gets is decided here; what
 * the text means stays the parser's.
 */
#include "conffile.h"
#include "log.h"

#include <stddef.h>
#include <string.h>

/* Room for "PATH:LINE: " and a parser's message. */
#define KASHIM_LAYERED_MESSAGE_MAX (KASHIM_MESSAGE_MAX + 128)

/* The sources of the load under way: the loader's lookup has no context. */
static const struct kashim_conffile *kashim_layered_file;
static const char *(*kashim_layered_env)(const char *name);
static kashim_warn_fn *kashim_layered_warn;

static const char *kashim_layered_lookup(const char *name)
{
	unsigned line;

	return kashim_layered_value(kashim_layered_file, kashim_layered_env,
				    kashim_find_var(name, strlen(name)), &line);
}

/* A message about a value: from the file, it names the file and the line. */
static void kashim_layered_warning(enum kashim_var var, int result, const char *message)
{
	char prefixed[KASHIM_LAYERED_MESSAGE_MAX];
	unsigned line;

	kashim_layered_value(kashim_layered_file, kashim_layered_env, var, &line);
	if (line == 0) {
		kashim_layered_warn(var, result, message);
		return;
	}
	kashim_format(prefixed, sizeof prefixed, "%s:%u: %s", kashim_layered_file->path, line,
		      message);
	kashim_layered_warn(var, result, prefixed);
}

void kashim_config_load_layered(struct kashim_config *cfg, const struct kashim_conffile *file,
				const char *(*env)(const char *name), kashim_warn_fn *warn,
				const struct kashim_system_timers *system)
{
	kashim_layered_file = file;
	kashim_layered_env = env;
	kashim_layered_warn = warn;
	kashim_config_load(cfg, kashim_layered_lookup, warn != NULL ? kashim_layered_warning : NULL,
			   system);
	kashim_layered_file = NULL;
	kashim_layered_env = NULL;
	kashim_layered_warn = NULL;
}
