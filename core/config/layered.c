/*
 * The environment over /etc/kashim.conf, as one lookup for
 * kashim_config_load. Which text a variable gets is decided here; what
 * the text means stays the parser's.
 */
#include "conffile.h"
#include "core/log.h"

#include <stddef.h>
#include <string.h>

/* Room for "PATH:LINE: " and a parser's message. */
#define KASHIM_LAYERED_MESSAGE_MAX (KASHIM_MESSAGE_MAX + 128)

/* One load under way: its sources, and the program it is for. */
struct kashim_layers {
	const struct kashim_conffile *file;
	const char *(*env)(const char *name);
	kashim_warn_fn *warn;
	const struct kashim_config *cfg;
	const struct kashim_identity *who; /* NULL: this process, read once needed */
	struct kashim_identity self;
	int selected;                      /* -1 until judged */
};

static const char *kashim_layered_lookup(void *context, const char *name)
{
	const struct kashim_layers *layers = context;
	unsigned line;

	return kashim_layered_value(layers->file, layers->env,
				    kashim_find_var(name, strlen(name)), &line);
}

/*
 * Do cfg's programs select who? Judged once, when first asked: the
 * loader has read KASHIM_PROGRAMS by then, and this process's names are
 * only worth a readlink when there is a list.
 */
static int kashim_layered_selected(struct kashim_layers *layers)
{
	if (layers->selected >= 0)
		return layers->selected;
	if (layers->who == NULL && layers->cfg->programs != NULL) {
		kashim_read_identity(&layers->self);
		layers->who = &layers->self;
	}
	layers->selected = layers->cfg->programs == NULL ||
			   kashim_programs_select(layers->cfg->programs, layers->who);
	return layers->selected;
}

/*
 * A message about a value, for a program the settings are for: from the
 * file, it names the file and the line.
 */
static void kashim_layered_warning(void *context, enum kashim_var var, int result,
				   const char *message)
{
	struct kashim_layers *layers = context;
	char prefixed[KASHIM_LAYERED_MESSAGE_MAX];
	unsigned line;

	if (!kashim_layered_selected(layers))
		return;
	kashim_layered_value(layers->file, layers->env, var, &line);
	if (line == 0) {
		layers->warn(var, result, message);
		return;
	}
	kashim_format(prefixed, sizeof prefixed, "%s:%u: %s", layers->file->path, line,
		      message);
	layers->warn(var, result, prefixed);
}

int kashim_config_load_layered(struct kashim_config *cfg, const struct kashim_conffile *file,
			       const char *(*env)(const char *name), kashim_warn_fn *warn,
			       const struct kashim_identity *who,
			       const struct kashim_system_timers *system)
{
	struct kashim_layers layers;

	layers.file = file;
	layers.env = env;
	layers.warn = warn;
	layers.cfg = cfg;
	layers.who = who;
	layers.selected = -1;
	kashim_config_load(cfg, kashim_layered_lookup,
			   warn != NULL ? kashim_layered_warning : NULL, &layers, system);
	return kashim_layered_selected(&layers);
}
