/*
 * Numbers as kashim reads them, digit by digit: counts, and durations
 * with a unit. Shared by the parser (the KASHIM_* timers) and the tools'
 * own durations (kashim --watch), so that "1.5m" means one thing.
 */
#ifndef KASHIM_DURATION_H
#define KASHIM_DURATION_H

/*
 * Read decimal digits at *p into *value, moving *p past them. Returns how
 * many were read; sets *overflow instead of wrapping (also when *scale,
 * multiplied by 10 for each digit, would).
 */
int kashim_read_digits(const char **p, unsigned long long *value,
		       unsigned long long *scale, int *overflow);

/* What kashim_duration_millis found wrong with a duration. */
enum kashim_duration_problem {
	KASHIM_DURATION_OK,
	KASHIM_DURATION_NOT_NUMBER,   /* no digits, or none after the '.' */
	KASHIM_DURATION_UNKNOWN_UNIT, /* *unit points at it */
	KASHIM_DURATION_TOO_LONG,     /* more milliseconds than 64 bits hold */
	KASHIM_DURATION_PART_OF_MS    /* 0.5ms: a fraction of a millisecond */
};

/*
 * text as a duration, DIGITS [. DIGITS] [UNIT] with UNIT one of ms, s, m
 * and h, in milliseconds, exactly: 1.5m is 90000. A bare number counts
 * bare_millis milliseconds each. No sign, no blank. Returns
 * KASHIM_DURATION_OK with *millis set, or what is wrong.
 */
enum kashim_duration_problem kashim_duration_millis(const char *text,
						    unsigned long long bare_millis,
						    unsigned long long *millis,
						    const char **unit);

#endif
