/*
 * Parsing of KASHIM_* values, straight into the config. Strict on purpose:
 * atoi-style parsing turns "abc" into 0 and "80abc" into 80 without a
 * word, and an operator who typed a bad value deserves to be told rather
 * than to be guessed at. What each variable accepts is its table row's.
 */
#include "config.h"
#include "config_table.h"
#include "lists.h"
#include "log.h"

#include <string.h>

struct kashim_unit {
	const char *suffix;
	unsigned long long millis;
};

static const struct kashim_unit kashim_units[] = {
	{ "ms", 1ULL }, { "s", 1000ULL }, { "m", 60000ULL }, { "h", 3600000ULL },
};

static int kashim_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

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

/*
 * Read decimal digits at *p into *value. Returns how many were read; sets
 * *overflow instead of wrapping. Digits are read by hand because strtoul
 * would accept leading blanks and a minus sign (and wrap it around).
 */
static int kashim_read_digits(const char **p, unsigned long long *value,
			      unsigned long long *scale, int *overflow)
{
	int count = 0;

	while (kashim_is_digit(**p)) {
		unsigned digit = (unsigned)(**p - '0');

		if (__builtin_mul_overflow(*value, 10ULL, value) ||
		    __builtin_add_overflow(*value, digit, value) ||
		    __builtin_mul_overflow(*scale, 10ULL, scale))
			*overflow = 1;
		(*p)++;
		count++;
	}
	return count;
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
 * A duration: DIGITS [. DIGITS] [UNIT]. It is converted to milliseconds
 * exactly (1.5m is 90 s), then must be a whole number of the variable's
 * own unit: seconds for the keepalive timers, milliseconds for the user
 * timeout.
 */
static int kashim_parse_duration(const struct kashim_var_row *row, const char *text,
				 long *value, char *err, size_t err_size)
{
	unsigned long long whole = 0, whole_scale = 1, fraction = 0, fraction_scale = 1;
	unsigned long long unit_millis, total, own_unit;
	int overflow = 0;
	const char *p = text;
	size_t i;

	if (row->kind == KASHIM_KIND_MILLIS && kashim_strcaseeq(text, "auto")) {
		*value = KASHIM_AUTO;
		return KASHIM_ACCEPTED;
	}
	if (kashim_read_digits(&p, &whole, &whole_scale, &overflow) == 0)
		return kashim_reject(row, text, "is not a number", NULL, 1, err, err_size);
	if (*p == '.') {
		p++;
		if (kashim_read_digits(&p, &fraction, &fraction_scale, &overflow) == 0)
			return kashim_reject(row, text, "is not a number", NULL, 1,
					     err, err_size);
	}

	own_unit = row->kind == KASHIM_KIND_SECONDS ? 1000ULL : 1ULL;
	unit_millis = own_unit; /* a bare number is in the variable's own unit */
	if (*p != '\0') {
		for (i = 0; i < sizeof kashim_units / sizeof kashim_units[0]; i++) {
			if (kashim_streq(p, kashim_units[i].suffix))
				break;
		}
		if (i == sizeof kashim_units / sizeof kashim_units[0])
			return kashim_reject(row, text, "has an unknown unit", p, 1,
					     err, err_size);
		unit_millis = kashim_units[i].millis;
	}

	/* total = (whole + fraction / fraction_scale) * unit_millis, exactly */
	if (overflow ||
	    __builtin_mul_overflow(whole, fraction_scale, &total) ||
	    __builtin_add_overflow(total, fraction, &total) ||
	    __builtin_mul_overflow(total, unit_millis, &total))
		return kashim_reject_range(row, text, err, err_size);
	if (total % fraction_scale != 0)
		return kashim_reject(row, text, "is a fraction of a millisecond",
				     NULL, 1, err, err_size);
	total /= fraction_scale;
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
 * KASHIM_SIDES, KASHIM_PORTS, KASHIM_PROGRAMS: one pass over the list,
 * into cfg. The 8 KiB port bitmap is written only here, when KASHIM_PORTS
 * is set: clearing it in every exec cost two page faults (make bench's
 * start-up figure, bench/README.md) for a variable few set. A bad list leaves every port (every_port 1), which
 * is what the bitmap's half-written bits are then hidden behind.
 */
static int kashim_parse_list(struct kashim_config *cfg, const struct kashim_var_row *row,
			     const char *text, char *err, size_t err_size)
{
	struct kashim_list_error error;
	int value;

	switch (row->kind) {
	case KASHIM_KIND_SIDES:
		if (kashim_parse_sides(text, &value, &error) != 0)
			return kashim_reject_list(row, text, &error, err, err_size);
		cfg->sides = value;
		return KASHIM_ACCEPTED;
	case KASHIM_KIND_PORTS:
		memset(cfg->ports, 0, sizeof cfg->ports);
		cfg->every_port = 1;
		if (kashim_parse_ports(text, cfg->ports, &error) != 0)
			return kashim_reject_list(row, text, &error, err, err_size);
		cfg->every_port = 0;
		return KASHIM_ACCEPTED;
	case KASHIM_KIND_PROGRAMS:
		/* Only checked: kept as given, judged by kashim_programs_select. */
		if (kashim_parse_programs(text, &error) != 0)
			return kashim_reject_list(row, text, &error, err, err_size);
		cfg->programs = text;
		cfg->every_program = 0;
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

int kashim_parse(struct kashim_config *cfg, enum kashim_var var, const char *text,
		 char *err, size_t err_size)
{
	const struct kashim_var_row *row = kashim_row(var);
	long value = 0;
	int result;

	if (err_size > 0)
		err[0] = '\0';
	if (text == NULL)
		text = "";
	if (*text == '\0')
		return kashim_reject(row, text, "is empty", NULL, 1, err, err_size);
	switch (row->kind) {
	case KASHIM_KIND_SWITCH:
		result = kashim_parse_switch(row, text, &value, err, err_size);
		break;
	case KASHIM_KIND_COUNT:
		result = kashim_parse_count(row, text, &value, err, err_size);
		break;
	case KASHIM_KIND_SECONDS:
	case KASHIM_KIND_MILLIS:
		result = kashim_parse_duration(row, text, &value, err, err_size);
		break;
	case KASHIM_KIND_POLICY:
		result = kashim_parse_policy(row, text, &value, err, err_size);
		break;
	default:
		return kashim_parse_list(cfg, row, text, err, err_size);
	}
	if (result != KASHIM_ACCEPTED)
		return result;
	*kashim_config_field_at(cfg, var) = (int)value;
	return kashim_note(row, text, value, err, err_size);
}
