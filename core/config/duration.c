/*
 * Durations and counts, read by hand rather than with strtoul, which
 * would accept leading blanks and a minus sign (and wrap it around).
 */
#include "duration.h"
#include "name.h"

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

int kashim_read_digits(const char **p, unsigned long long *value,
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

enum kashim_duration_problem kashim_duration_millis(const char *text,
						    unsigned long long bare_millis,
						    unsigned long long *millis,
						    const char **unit)
{
	unsigned long long whole = 0, whole_scale = 1, fraction = 0, fraction_scale = 1;
	unsigned long long unit_millis = bare_millis, total;
	int overflow = 0;
	const char *p = text;
	size_t i;

	if (kashim_read_digits(&p, &whole, &whole_scale, &overflow) == 0)
		return KASHIM_DURATION_NOT_NUMBER;
	if (*p == '.') {
		p++;
		if (kashim_read_digits(&p, &fraction, &fraction_scale, &overflow) == 0)
			return KASHIM_DURATION_NOT_NUMBER;
	}
	if (*p != '\0') {
		size_t length = strlen(p);

		for (i = 0; i < sizeof kashim_units / sizeof kashim_units[0]; i++) {
			if (kashim_name_is(p, length, kashim_units[i].suffix))
				break;
		}
		if (i == sizeof kashim_units / sizeof kashim_units[0]) {
			*unit = p;
			return KASHIM_DURATION_UNKNOWN_UNIT;
		}
		unit_millis = kashim_units[i].millis;
	}

	/* total = (whole + fraction / fraction_scale) * unit_millis, exactly */
	if (overflow ||
	    __builtin_mul_overflow(whole, fraction_scale, &total) ||
	    __builtin_add_overflow(total, fraction, &total) ||
	    __builtin_mul_overflow(total, unit_millis, &total))
		return KASHIM_DURATION_TOO_LONG;
	if (total % fraction_scale != 0)
		return KASHIM_DURATION_PART_OF_MS;
	*millis = total / fraction_scale;
	return KASHIM_DURATION_OK;
}
