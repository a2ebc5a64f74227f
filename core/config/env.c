/*
 * The environment into a config, and names in it that look meant for
 * kashim but are not read. Which variables exist, their defaults and what
 * a bad value leaves in force are the table's (config_table.c).
 */
#include "config.h"
#include "config_table.h"
#include "core/log.h"
#include "name.h"

#include <stddef.h>
#include <stdlib.h>

/* Room for a message about a name, with the name cut and escaped. */
#define KASHIM_WARNING_MAX (KASHIM_MESSAGE_MAX + 64)

/*
 * Look var up and parse it into cfg. A bad value or one worth a note is
 * passed to warn; nothing is said when warn is NULL.
 */
static void kashim_load_var(struct kashim_config *cfg, enum kashim_var var,
			    kashim_lookup_fn *lookup, kashim_load_warn_fn *warn, void *context)
{
	char message[KASHIM_MESSAGE_MAX];
	const char *text = lookup(context, kashim_var_name(var));
	int result;

	if (text == NULL)
		return;
	result = kashim_parse(cfg, var, text, message, sizeof message);
	if (warn != NULL && result != KASHIM_ACCEPTED)
		warn(context, var, result, message);
}

/* The timer in force: ours if configured, else the system's. */
static long kashim_effective(int configured, int system)
{
	return configured != KASHIM_UNSET ? configured : system;
}

/* KASHIM_USER_TIMEOUT=auto: idle + intvl * cnt seconds, in milliseconds. */
static int kashim_resolve_auto(const struct kashim_config *cfg,
			       const struct kashim_system_timers *system)
{
	struct kashim_system_timers read_now;
	long seconds;

	/* Only "auto" needs them, and three /proc reads in every exec would
	 * show in make bench's start-up figure (bench/README.md): read them
	 * on demand. */
	if (system == NULL) {
		kashim_read_system_timers(&read_now);
		system = &read_now;
	}
	/* idle + intvl * cnt seconds fits in a long; the kernel takes an int
	 * of milliseconds, so clamp to that. */
	seconds = kashim_effective(cfg->keepidle, system->keepidle) +
		  kashim_effective(cfg->keepintvl, system->keepintvl) *
		  kashim_effective(cfg->keepcnt, system->keepcnt);
	return seconds > KASHIM_USER_TIMEOUT_MAX / 1000 ? (int)KASHIM_USER_TIMEOUT_MAX
							: (int)(seconds * 1000);
}

void kashim_config_load(struct kashim_config *cfg, kashim_lookup_fn *lookup,
			kashim_load_warn_fn *warn, void *context,
			const struct kashim_system_timers *system)
{
	int i;

	kashim_config_defaults(cfg);
	/* First the programs: a warning about any other value can then be
	 * kept from a program they leave out (kashim_config_load_layered). */
	kashim_load_var(cfg, KASHIM_VAR_PROGRAMS, lookup, warn, context);
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		if (i != KASHIM_VAR_PROGRAMS)
			kashim_load_var(cfg, (enum kashim_var)i, lookup, warn, context);
	}
	/* respect tells the program's own timers from the system's */
	if (cfg->policy == KASHIM_POLICY_RESPECT) {
		if (system == NULL)
			kashim_read_system_timers(&cfg->system);
		else
			cfg->system = *system;
		system = &cfg->system;
	}
	cfg->auto_user_timeout = cfg->user_timeout == KASHIM_AUTO;
	if (cfg->auto_user_timeout)
		cfg->user_timeout = kashim_resolve_auto(cfg, system);
}

const char *kashim_getenv(const char *name)
{
	return getenv(name);
}

void kashim_say_value(enum kashim_var var, int result, const char *message,
		      void (*say)(const char *line))
{
	/* a message may carry "PATH:LINE: " (layered.c) before the parser's */
	char line[2 * KASHIM_MESSAGE_MAX];

	if (result != KASHIM_REJECTED) {
		say(message);
		return;
	}
	kashim_format(line, sizeof line, "%s; %s", message, kashim_row(var)->fallback);
	say(line);
}

/* Compared names are cut to this many bytes: no real name is longer. */
#define KASHIM_NAME_CUT 40

static char kashim_upper(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	return c;
}

/*
 * Edit distance (insertions, deletions, substitutions; case ignored)
 * between the first a_length bytes of a and the string b, each cut to
 * KASHIM_NAME_CUT. Two rows on the stack: no allocation.
 */
static size_t kashim_distance(const char *a, size_t a_length, const char *b)
{
	size_t previous[KASHIM_NAME_CUT + 1], current[KASHIM_NAME_CUT + 1];
	size_t b_length = 0, i, j;

	while (b_length < KASHIM_NAME_CUT && b[b_length] != '\0')
		b_length++;
	if (a_length > KASHIM_NAME_CUT)
		a_length = KASHIM_NAME_CUT;
	for (j = 0; j <= b_length; j++)
		previous[j] = j;
	for (i = 1; i <= a_length; i++) {
		current[0] = i;
		for (j = 1; j <= b_length; j++) {
			size_t cost = kashim_upper(a[i - 1]) == kashim_upper(b[j - 1]) ? 0 : 1;
			size_t best = previous[j - 1] + cost;

			if (previous[j] + 1 < best)
				best = previous[j] + 1;
			if (current[j - 1] + 1 < best)
				best = current[j - 1] + 1;
			current[j] = best;
		}
		for (j = 0; j <= b_length; j++)
			previous[j] = current[j];
	}
	return previous[b_length];
}

/* Does hay (hay_length bytes) hold needle (needle_length bytes), case aside? */
static int kashim_contains(const char *hay, size_t hay_length, const char *needle,
			   size_t needle_length)
{
	size_t i, j;

	for (i = 0; i + needle_length <= hay_length; i++) {
		for (j = 0; j < needle_length; j++) {
			if (kashim_upper(hay[i + j]) != kashim_upper(needle[j]))
				break;
		}
		if (j == needle_length)
			return 1;
	}
	return 0;
}

/*
 * The variable whose name is nearest the length bytes at name, a KASHIM_
 * name. A name whose part after KASHIM_ holds, or is held in, the
 * variable's is nearer than any other (KASHIM_IDLE is KASHIM_KEEPIDLE
 * cut short, not KASHIM_SIDES three letters away); then edit distance.
 */
static enum kashim_var kashim_nearest(const char *name, size_t length)
{
	const size_t prefix = sizeof "KASHIM_" - 1;
	enum kashim_var best = KASHIM_VAR_KEEPALIVE;
	size_t best_score = (size_t)-1;
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		const char *known = kashim_var_name((enum kashim_var)i);
		size_t known_length = 0, score;

		while (known[known_length] != '\0')
			known_length++;
		score = kashim_distance(name, length, known);
		if (length - prefix < 3 ||
		    (!kashim_contains(known + prefix, known_length - prefix, name + prefix,
				      length - prefix) &&
		     !kashim_contains(name + prefix, length - prefix, known + prefix,
				      known_length - prefix)))
			score += 2 * KASHIM_NAME_CUT;
		if (score < best_score) {
			best_score = score;
			best = (enum kashim_var)i;
		}
	}
	return best;
}

/* Warn about one NAME=VALUE entry, if its name looks meant for kashim. */
static void kashim_check_name(const char *entry, void (*warn)(const char *message))
{
	const struct kashim_foreign_name *foreign;
	char message[KASHIM_WARNING_MAX], name[4 * KASHIM_NAME_CUT + 8];
	size_t length = 0, count, i;

	while (entry[length] != '\0' && entry[length] != '=')
		length++;
	if (length > 7 && kashim_name_is(entry, 7, "KASHIM_")) {
		if (kashim_find_var(entry, length) != KASHIM_VAR_COUNT)
			return;
		kashim_escape(name, sizeof name, entry, length, KASHIM_NAME_CUT);
		kashim_format(message, sizeof message, "%s is not a kashim variable and is "
			      "not read; did you mean %s?", name,
			      kashim_var_name(kashim_nearest(entry, length)));
		warn(message);
		return;
	}
	foreign = kashim_foreign_names(&count);
	for (i = 0; i < count; i++) {
		if (kashim_name_is(entry, length, foreign[i].name)) {
			kashim_format(message, sizeof message, "%s is %s's variable and is "
				      "not read by kashim; set %s instead", foreign[i].name,
				      foreign[i].library, kashim_var_name(foreign[i].instead));
			warn(message);
			return;
		}
	}
}

void kashim_check_names(char *const *envp, void (*warn)(const char *message))
{
	if (envp == NULL)
		return;
	for (; *envp != NULL; envp++) {
		/* Cheap first test: every name warned about starts K or D. */
		if ((*envp)[0] == 'K' || (*envp)[0] == 'D')
			kashim_check_name(*envp, warn);
	}
}
