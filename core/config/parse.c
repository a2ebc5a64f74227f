/*
 * Parsing of KASHIM_* values, straight into the config. Strict on purpose:
 * atoi-style parsing turns "abc" into 0 and "80abc" into 80 without a
 * word, and an operator who typed a bad value deserves to be told rather
 * than to be guessed at. What each variable accepts is its table row's.
 */
#include "config.h"
#include "config_table.h"
#include "duration.h"
#include "lists.h"
#include "core/log.h"

#include <string.h>

static char kashim_lower(char c)
{
	/* Not a ?: expression: that would promote both sides to int. */
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c;
}

static int kashim_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int kashim_strcaseeq(const char *a, const char *b)
{
	while (*a != '\0' && kashim_lower(*a) == kashim_lower(*b)) {
		a++;
		b++;
	}
	return *a == *b;
}

/*
 * Write 'NAME="text" <problem>' into err, then '; accepted: ...' when the
 * problem is one of form (a range problem already names the range).
 * Returns KASHIM_REJECTED.
 */
static int kashim_reject(const struct kashim_var_row *row, const char *text,
			 const char *problem, const char *detail, int with_accepts,
			 char *err, size_t err_size)
{
	char quoted[128];
	char quoted_detail[64];

	kashim_quote(quoted, sizeof quoted, text, 48);
	if (detail != NULL)
		kashim_quote(quoted_detail, sizeof quoted_detail, detail, 16);
	kashim_format(err, err_size, "%s=%s %s%s%s%s%s", row->name,
		      quoted, problem, detail != NULL ? " " : "",
		      detail != NULL ? quoted_detail : "",
		      with_accepts ? "; accepted: " : "",
		      with_accepts ? row->accepts : "");
	return KASHIM_REJECTED;
}

static int kashim_reject_range(const struct kashim_var_row *row, const char *text,
			       char *err, size_t err_size)
{
	char problem[64];

	kashim_format(problem, sizeof problem, "is out of range (%ld-%ld%s)",
		      row->min, row->max, row->range_unit);
	return kashim_reject(row, text, problem, NULL, 0, err, err_size);
}

static int kashim_parse_switch(const struct kashim_var_row *row, const char *text,
			       long *value, char *err, size_t err_size)
{
	static const char *const on_words[] = { "1", "on", "yes", "true" };
	static const char *const off_words[] = { "0", "off", "no", "false" };
	size_t i;

	for (i = 0; i < sizeof on_words / sizeof on_words[0]; i++) {
		if (kashim_strcaseeq(text, on_words[i])) {
			*value = 1;
			return KASHIM_ACCEPTED;
		}
		if (kashim_strcaseeq(text, off_words[i])) {
			*value = 0;
			return KASHIM_ACCEPTED;
		}
	}
	return kashim_reject(row, text, "is not a switch", NULL, 1, err, err_size);
}

static int kashim_parse_count(const struct kashim_var_row *row, const char *text,
			      long *value, char *err, size_t err_size)
{
	unsigned long long number = 0, scale = 1;
	int overflow = 0;
	const char *p = text;

	if (kashim_read_digits(&p, &number, &scale, &overflow) == 0)
		return kashim_reject(row, text, "is not a number", NULL, 1, err, err_size);
	if (*p != '\0')
		return kashim_reject(row, text, "has trailing characters", p, 1, err, err_size);
	if (overflow || number < (unsigned long long)row->min ||
	    number > (unsigned long long)row->max)
		return kashim_reject_range(row, text, err, err_size);
	*value = (long)number;
	return KASHIM_ACCEPTED;
}

/*
 * A duration (duration.h), in milliseconds exactly (1.5m is 90 s), then a
 * whole number of the variable's own unit: seconds for the keepalive
 * timers, milliseconds for the user timeout. A bare number is in that
 * unit.
 */
static int kashim_parse_duration(const struct kashim_var_row *row, const char *text,
				 long *value, char *err, size_t err_size)
{
	unsigned long long own_unit = row->kind == KASHIM_KIND_SECONDS ? 1000ULL : 1ULL;
	unsigned long long total = 0;
	const char *unit = NULL;

	if (row->kind == KASHIM_KIND_MILLIS && kashim_strcaseeq(text, "auto")) {
		*value = KASHIM_AUTO;
		return KASHIM_ACCEPTED;
	}
	switch (kashim_duration_millis(text, own_unit, &total, &unit)) {
	case KASHIM_DURATION_NOT_NUMBER:
		return kashim_reject(row, text, "is not a number", NULL, 1, err, err_size);
	case KASHIM_DURATION_UNKNOWN_UNIT:
		return kashim_reject(row, text, "has an unknown unit", unit, 1, err, err_size);
	case KASHIM_DURATION_TOO_LONG:
		return kashim_reject_range(row, text, err, err_size);
	case KASHIM_DURATION_PART_OF_MS:
		return kashim_reject(row, text, "is a fraction of a millisecond",
				     NULL, 1, err, err_size);
	default:
		break;
	}
	if (total % own_unit != 0)
		return kashim_reject(row, text, "is not a whole number of seconds",
				     NULL, 1, err, err_size);
	total /= own_unit;
	if (total < (unsigned long long)row->min || total > (unsigned long long)row->max)
		return kashim_reject_range(row, text, err, err_size);
	*value = (long)total;
	return KASHIM_ACCEPTED;
}

/* "override" or "respect", lower case like the units. */
static int kashim_parse_policy(const struct kashim_var_row *row, const char *text,
			       long *value, char *err, size_t err_size)
{
	if (kashim_streq(text, "override"))
		*value = KASHIM_POLICY_OVERRIDE;
	else if (kashim_streq(text, "respect"))
		*value = KASHIM_POLICY_RESPECT;
	else
		return kashim_reject(row, text, "is not a policy", NULL, 1, err, err_size);
	return KASHIM_ACCEPTED;
}

/* Put a list's problem into words; the offending item is quoted. */
static int kashim_reject_list(const struct kashim_var_row *row, const char *text,
			      const struct kashim_list_error *error,
			      char *err, size_t err_size)
{
	char item[24];
	size_t length = error->item_length < sizeof item - 1 ? error->item_length
							       : sizeof item - 1;

	if (error->item == NULL)
		return kashim_reject(row, text, error->problem, NULL, 1, err, err_size);
	memcpy(item, error->item, length);
	item[length] = '\0';
	return kashim_reject(row, text, error->problem, item, 1, err, err_size);
}

/*
 * KASHIM_SIDES, KASHIM_PORTS, KASHIM_PROGRAMS: one pass over the list.
 * *value is the field's: the sides' bits, 0 for a list of ports or
 * programs, which go into cfg when it is not NULL. The 8 KiB port bitmap
 * is written only here, when KASHIM_PORTS is set: clearing it in every
 * exec cost two page faults (make bench's start-up figure,
 * bench/README.md) for a variable few set. A bad list leaves every port
 * (every_port 1), which is what the bitmap's half-written bits are then
 * hidden behind. A list of programs is only checked: it is kept as given,
 * and judged by kashim_programs_select.
 */
static int kashim_parse_list(struct kashim_config *cfg, const struct kashim_var_row *row,
			     const char *text, long *value, char *err, size_t err_size)
{
	struct kashim_list_error error;
	int sides;

	switch (row->kind) {
	case KASHIM_KIND_SIDES:
		if (kashim_parse_sides(text, &sides, &error) != 0)
			return kashim_reject_list(row, text, &error, err, err_size);
		*value = sides;
		return KASHIM_ACCEPTED;
	case KASHIM_KIND_PORTS:
		if (cfg != NULL) {
			memset(cfg->ports, 0, sizeof cfg->ports);
			cfg->every_port = 1;
		}
		if (kashim_parse_ports(text, cfg != NULL ? cfg->ports : NULL, &error) != 0)
			return kashim_reject_list(row, text, &error, err, err_size);
		*value = 0;
		return KASHIM_ACCEPTED;
	case KASHIM_KIND_PROGRAMS:
		if (kashim_parse_programs(text, &error) != 0)
			return kashim_reject_list(row, text, &error, err, err_size);
		if (cfg != NULL)
			cfg->programs = text;
		*value = 0;
		return KASHIM_ACCEPTED;
	default:
		return KASHIM_REJECTED;
	}
}

/* A value stored but worth a word: a user timeout under a second. */
static int kashim_note(const struct kashim_var_row *row, const char *text, long value,
		       char *err, size_t err_size)
{
	char quoted[128];

	if (value < 1 || value >= row->note_below)
		return KASHIM_ACCEPTED;
	kashim_quote(quoted, sizeof quoted, text, 48);
	kashim_format(err, err_size, "%s=%s is %ld ms, under a second: it counts "
		      "milliseconds (write %lds for seconds); using it as given",
		      row->name, quoted, value, value);
	return KASHIM_NOTED;
}

/* kashim_parse and kashim_parse_value: cfg, when not NULL, takes a list. */
static int kashim_parse_text(struct kashim_config *cfg, const struct kashim_var_row *row,
			     const char *text, long *value, char *err, size_t err_size)
{
	int result;

	if (err_size > 0)
		err[0] = '\0';
	if (text == NULL)
		text = "";
	if (*text == '\0')
		return kashim_reject(row, text, "is empty", NULL, 1, err, err_size);
	switch (row->kind) {
	case KASHIM_KIND_SWITCH:
		result = kashim_parse_switch(row, text, value, err, err_size);
		break;
	case KASHIM_KIND_COUNT:
		result = kashim_parse_count(row, text, value, err, err_size);
		break;
	case KASHIM_KIND_SECONDS:
	case KASHIM_KIND_MILLIS:
		result = kashim_parse_duration(row, text, value, err, err_size);
		break;
	case KASHIM_KIND_POLICY:
		result = kashim_parse_policy(row, text, value, err, err_size);
		break;
	default:
		result = kashim_parse_list(cfg, row, text, value, err, err_size);
		break;
	}
	if (result != KASHIM_ACCEPTED)
		return result;
	return kashim_note(row, text, *value, err, err_size);
}

int kashim_parse_value(enum kashim_var var, const char *text, long *value, char *err,
		       size_t err_size)
{
	*value = 0;
	return kashim_parse_text(NULL, kashim_row(var), text, value, err, err_size);
}

int kashim_parse(struct kashim_config *cfg, enum kashim_var var, const char *text,
		 char *err, size_t err_size)
{
	long value = 0;
	int result = kashim_parse_text(cfg, kashim_row(var), text, &value, err, err_size);

	if (result != KASHIM_REJECTED)
		*kashim_config_field_at(cfg, var) = (int)value;
	return result;
}
