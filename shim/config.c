/*
 * Parsing of KASHIM_* variables. Strict on purpose: atoi-style parsing
 * turns "abc" into 0 and "80abc" into 80 without a word, and an operator
 * who typed a bad value deserves to be told rather than to be guessed at.
 */
#include "config.h"
#include "lists.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

/* How a variable's text is read. */
enum kashim_kind {
	KASHIM_KIND_SWITCH,   /* on/off words */
	KASHIM_KIND_SECONDS,  /* whole seconds, with optional unit */
	KASHIM_KIND_COUNT,    /* plain integer */
	KASHIM_KIND_MILLIS,   /* milliseconds, with optional unit, or auto */
	KASHIM_KIND_SIDES,    /* accept and/or connect */
	KASHIM_KIND_POLICY,   /* override or respect */
	KASHIM_KIND_PORTS,    /* ports and port ranges */
	KASHIM_KIND_PROGRAMS  /* program names, !name to exclude */
};

struct kashim_var_spec {
	const char *name;
	enum kashim_kind kind;
	long min;
	long max;
	const char *accepts;
};

static const struct kashim_var_spec kashim_specs[KASHIM_VAR_COUNT] = {
	[KASHIM_VAR_KEEPALIVE] = { "KASHIM_KEEPALIVE", KASHIM_KIND_SWITCH, 0, 1,
		"1, on, yes, true, 0, off, no or false" },
	[KASHIM_VAR_KEEPIDLE] = { "KASHIM_KEEPIDLE", KASHIM_KIND_SECONDS,
		1, KASHIM_KEEPIDLE_MAX,
		"whole seconds 1-32767, bare or with a unit (45, 45s, 10m, 2h)" },
	[KASHIM_VAR_KEEPINTVL] = { "KASHIM_KEEPINTVL", KASHIM_KIND_SECONDS,
		1, KASHIM_KEEPINTVL_MAX,
		"whole seconds 1-32767, bare or with a unit (45, 45s, 10m, 2h)" },
	[KASHIM_VAR_KEEPCNT] = { "KASHIM_KEEPCNT", KASHIM_KIND_COUNT,
		1, KASHIM_KEEPCNT_MAX, "an integer 1-127" },
	[KASHIM_VAR_USER_TIMEOUT] = { "KASHIM_USER_TIMEOUT", KASHIM_KIND_MILLIS,
		0, KASHIM_USER_TIMEOUT_MAX,
		"milliseconds 0-2147483647, bare or with a unit (500ms, 30s, 2m), or auto" },
	[KASHIM_VAR_DEBUG] = { "KASHIM_DEBUG", KASHIM_KIND_SWITCH, 0, 1,
		"1, on, yes, true, 0, off, no or false" },
	[KASHIM_VAR_SIDES] = { "KASHIM_SIDES", KASHIM_KIND_SIDES, 1, KASHIM_SIDES_ALL,
		"accept, connect or accept,connect" },
	[KASHIM_VAR_POLICY] = { "KASHIM_POLICY", KASHIM_KIND_POLICY,
		KASHIM_POLICY_OVERRIDE, KASHIM_POLICY_RESPECT, "override or respect" },
	[KASHIM_VAR_PORTS] = { "KASHIM_PORTS", KASHIM_KIND_PORTS, 1, KASHIM_PORT_MAX,
		"ports 1-65535 and ranges, comma-separated (22,5432,8000-8100)" },
	[KASHIM_VAR_PROGRAMS] = { "KASHIM_PROGRAMS", KASHIM_KIND_PROGRAMS, 0, 0,
		"program names, not paths, comma-separated; !name excludes (nginx,redis-server or !curl)" },
};

struct kashim_unit {
	const char *suffix;
	unsigned long long millis;
};

static const struct kashim_unit kashim_units[] = {
	{ "ms", 1ULL }, { "s", 1000ULL }, { "m", 60000ULL }, { "h", 3600000ULL },
};

const char *kashim_var_name(enum kashim_var var)
{
	return kashim_specs[var].name;
}

const char *kashim_var_accepts(enum kashim_var var)
{
	return kashim_specs[var].accepts;
}

/* What a bad value of each variable leaves in force, for its warning. */
static const char *const kashim_fallbacks[KASHIM_VAR_COUNT] = {
	[KASHIM_VAR_KEEPALIVE] = "keeping keepalive on",
	[KASHIM_VAR_KEEPIDLE] = "keeping the system default",
	[KASHIM_VAR_KEEPINTVL] = "keeping the system default",
	[KASHIM_VAR_KEEPCNT] = "keeping the system default",
	[KASHIM_VAR_USER_TIMEOUT] = "leaving TCP_USER_TIMEOUT unset",
	[KASHIM_VAR_DEBUG] = "keeping debug off",
	[KASHIM_VAR_SIDES] = "keeping both sides",
	[KASHIM_VAR_POLICY] = "keeping override",
	[KASHIM_VAR_PORTS] = "keeping every port",
	[KASHIM_VAR_PROGRAMS] = "keeping every program",
};

const char *kashim_var_fallback(enum kashim_var var)
{
	return kashim_fallbacks[var];
}

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
 */
static int kashim_reject(enum kashim_var var, const char *text, const char *problem,
			 const char *detail, int with_accepts, char *err, size_t err_size)
{
	char quoted[128];
	char quoted_detail[64];

	kashim_quote(quoted, sizeof quoted, text, 48);
	if (detail != NULL)
		kashim_quote(quoted_detail, sizeof quoted_detail, detail, 16);
	kashim_format(err, err_size, "%s=%s %s%s%s%s%s", kashim_specs[var].name,
		      quoted, problem, detail != NULL ? " " : "",
		      detail != NULL ? quoted_detail : "",
		      with_accepts ? "; accepted: " : "",
		      with_accepts ? kashim_specs[var].accepts : "");
	return -1;
}

static int kashim_reject_range(enum kashim_var var, const char *text,
			       char *err, size_t err_size)
{
	const struct kashim_var_spec *spec = &kashim_specs[var];
	char problem[64];
	const char *unit = "";

	if (spec->kind == KASHIM_KIND_SECONDS)
		unit = " seconds";
	else if (spec->kind == KASHIM_KIND_MILLIS)
		unit = " ms";
	kashim_format(problem, sizeof problem, "is out of range (%ld-%ld%s)",
		      spec->min, spec->max, unit);
	return kashim_reject(var, text, problem, NULL, 0, err, err_size);
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

static int kashim_parse_switch(enum kashim_var var, const char *text, long *value,
			       char *err, size_t err_size)
{
	static const char *const on_words[] = { "1", "on", "yes", "true" };
	static const char *const off_words[] = { "0", "off", "no", "false" };
	size_t i;

	for (i = 0; i < sizeof on_words / sizeof on_words[0]; i++) {
		if (kashim_strcaseeq(text, on_words[i])) {
			*value = 1;
			return 0;
		}
		if (kashim_strcaseeq(text, off_words[i])) {
			*value = 0;
			return 0;
		}
	}
	return kashim_reject(var, text, "is not a switch", NULL, 1, err, err_size);
}

static int kashim_parse_count(enum kashim_var var, const char *text, long *value,
			      char *err, size_t err_size)
{
	const struct kashim_var_spec *spec = &kashim_specs[var];
	unsigned long long number = 0, scale = 1;
	int overflow = 0;
	const char *p = text;

	if (kashim_read_digits(&p, &number, &scale, &overflow) == 0)
		return kashim_reject(var, text, "is not a number", NULL, 1, err, err_size);
	if (*p != '\0')
		return kashim_reject(var, text, "has trailing characters", p, 1, err, err_size);
	if (overflow || number < (unsigned long long)spec->min ||
	    number > (unsigned long long)spec->max)
		return kashim_reject_range(var, text, err, err_size);
	*value = (long)number;
	return 0;
}

/*
 * A duration: DIGITS [. DIGITS] [UNIT]. It is converted to milliseconds
 * exactly (1.5m is 90 s), then must be a whole number of the variable's
 * own unit: seconds for the keepalive timers, milliseconds for the user
 * timeout.
 */
static int kashim_parse_duration(enum kashim_var var, const char *text, long *value,
				 char *err, size_t err_size)
{
	const struct kashim_var_spec *spec = &kashim_specs[var];
	unsigned long long whole = 0, whole_scale = 1, fraction = 0, fraction_scale = 1;
	unsigned long long unit_millis, total, own_unit;
	int overflow = 0;
	const char *p = text;
	size_t i;

	if (spec->kind == KASHIM_KIND_MILLIS && kashim_strcaseeq(text, "auto")) {
		*value = KASHIM_AUTO;
		return 0;
	}
	if (kashim_read_digits(&p, &whole, &whole_scale, &overflow) == 0)
		return kashim_reject(var, text, *text == '\0' ? "is empty" : "is not a number",
				     NULL, 1, err, err_size);
	if (*p == '.') {
		p++;
		if (kashim_read_digits(&p, &fraction, &fraction_scale, &overflow) == 0)
			return kashim_reject(var, text, "is not a number", NULL, 1,
					     err, err_size);
	}

	own_unit = spec->kind == KASHIM_KIND_SECONDS ? 1000ULL : 1ULL;
	unit_millis = own_unit; /* a bare number is in the variable's own unit */
	if (*p != '\0') {
		for (i = 0; i < sizeof kashim_units / sizeof kashim_units[0]; i++) {
			if (kashim_streq(p, kashim_units[i].suffix))
				break;
		}
		if (i == sizeof kashim_units / sizeof kashim_units[0])
			return kashim_reject(var, text, "has an unknown unit", p, 1,
					     err, err_size);
		unit_millis = kashim_units[i].millis;
	}

	/* total = (whole + fraction / fraction_scale) * unit_millis, exactly */
	if (overflow ||
	    __builtin_mul_overflow(whole, fraction_scale, &total) ||
	    __builtin_add_overflow(total, fraction, &total) ||
	    __builtin_mul_overflow(total, unit_millis, &total))
		return kashim_reject_range(var, text, err, err_size);
	if (total % fraction_scale != 0)
		return kashim_reject(var, text, "is a fraction of a millisecond",
				     NULL, 1, err, err_size);
	total /= fraction_scale;
	if (total % own_unit != 0)
		return kashim_reject(var, text, "is not a whole number of seconds",
				     NULL, 1, err, err_size);
	total /= own_unit;
	if (total < (unsigned long long)spec->min || total > (unsigned long long)spec->max)
		return kashim_reject_range(var, text, err, err_size);
	*value = (long)total;
	return 0;
}

/* "override" or "respect", lower case like the units. */
static int kashim_parse_policy(enum kashim_var var, const char *text, long *value,
			       char *err, size_t err_size)
{
	if (kashim_streq(text, "override"))
		*value = KASHIM_POLICY_OVERRIDE;
	else if (kashim_streq(text, "respect"))
		*value = KASHIM_POLICY_RESPECT;
	else
		return kashim_reject(var, text, "is not a policy", NULL, 1, err, err_size);
	return 0;
}

/* Put a list's problem into words; the offending item is quoted. */
static int kashim_reject_list(enum kashim_var var, const char *text,
			      const struct kashim_list_error *error,
			      char *err, size_t err_size)
{
	char item[24];
	size_t length = error->item_length < sizeof item - 1 ? error->item_length
							       : sizeof item - 1;

	if (error->item == NULL)
		return kashim_reject(var, text, error->problem, NULL, 1, err, err_size);
	memcpy(item, error->item, length);
	item[length] = '\0';
	return kashim_reject(var, text, error->problem, item, 1, err, err_size);
}

/* The number of ports a bitmap selects. */
static long kashim_count_ports(const unsigned char *ports)
{
	long count = 0;
	size_t i;

	for (i = 0; i < KASHIM_PORT_BYTES; i++)
		count += __builtin_popcount(ports[i]);
	return count;
}

/* KASHIM_SIDES, KASHIM_PORTS, KASHIM_PROGRAMS: see kashim_parse_value. */
static int kashim_parse_list(enum kashim_var var, const char *text, long *value,
			     char *err, size_t err_size)
{
	struct kashim_list_error error;
	unsigned char ports[KASHIM_PORT_BYTES];
	int sides;

	switch (kashim_specs[var].kind) {
	case KASHIM_KIND_SIDES:
		if (kashim_parse_sides(text, &sides, &error) != 0)
			return kashim_reject_list(var, text, &error, err, err_size);
		*value = sides;
		return 0;
	case KASHIM_KIND_PORTS:
		memset(ports, 0, sizeof ports);
		if (kashim_parse_ports(text, ports, &error) != 0)
			return kashim_reject_list(var, text, &error, err, err_size);
		*value = kashim_count_ports(ports);
		return 0;
	case KASHIM_KIND_PROGRAMS:
		*value = kashim_parse_programs(text, &error);
		if (*value < 0)
			return kashim_reject_list(var, text, &error, err, err_size);
		return 0;
	default:
		return -1;
	}
}

int kashim_parse_value(enum kashim_var var, const char *text, long *value,
		       char *err, size_t err_size)
{
	if (err_size > 0)
		err[0] = '\0';
	if (text == NULL)
		text = "";
	if (*text == '\0')
		return kashim_reject(var, text, "is empty", NULL, 1, err, err_size);
	switch (kashim_specs[var].kind) {
	case KASHIM_KIND_SWITCH:
		return kashim_parse_switch(var, text, value, err, err_size);
	case KASHIM_KIND_COUNT:
		return kashim_parse_count(var, text, value, err, err_size);
	case KASHIM_KIND_SECONDS:
	case KASHIM_KIND_MILLIS:
		return kashim_parse_duration(var, text, value, err, err_size);
	case KASHIM_KIND_POLICY:
		return kashim_parse_policy(var, text, value, err, err_size);
	case KASHIM_KIND_SIDES:
	case KASHIM_KIND_PORTS:
	case KASHIM_KIND_PROGRAMS:
		return kashim_parse_list(var, text, value, err, err_size);
	}
	return -1;
}

/*
 * Look the variable up and parse it. Returns 1 with *value set (and *found
 * pointing at the text, when found is not NULL), 0 when the variable is
 * not set, and -1 after warning about a bad value.
 */
static int kashim_load_text(enum kashim_var var, long *value, const char **found,
			    const char *(*lookup)(const char *name),
			    void (*warn)(enum kashim_var var, const char *message))
{
	char message[KASHIM_MESSAGE_MAX];
	const char *text = lookup(kashim_specs[var].name);

	if (found != NULL)
		*found = text;
	if (text == NULL)
		return 0;
	if (kashim_parse_value(var, text, value, message, sizeof message) != 0) {
		warn(var, message);
		return -1;
	}
	return 1;
}

/* kashim_load_text, for a value whose text is not needed afterwards. */
static int kashim_load_one(enum kashim_var var, long *value,
			   const char *(*lookup)(const char *name),
			   void (*warn)(enum kashim_var var, const char *message))
{
	return kashim_load_text(var, value, NULL, lookup, warn);
}

/* KASHIM_SIDES, KASHIM_POLICY, KASHIM_PORTS and KASHIM_PROGRAMS. */
static void kashim_load_scope(struct kashim_config *cfg,
			      const char *(*lookup)(const char *name),
			      void (*warn)(enum kashim_var var, const char *message))
{
	struct kashim_list_error error;
	struct kashim_identity who;
	const char *text;
	long value = 0; /* set by every kashim_load_one that returns 1 */

	cfg->sides = KASHIM_SIDES_ALL;
	cfg->policy = KASHIM_POLICY_OVERRIDE;
	cfg->selected = 1;
	cfg->every_port = 1;

	if (kashim_load_one(KASHIM_VAR_SIDES, &value, lookup, warn) == 1)
		cfg->sides = (int)value;
	if (kashim_load_one(KASHIM_VAR_POLICY, &value, lookup, warn) == 1)
		cfg->policy = (int)value;
	/* The 8 KiB bitmap is read only when every_port is 0, so it is
	 * cleared only then: writing it regardless cost every exec two page
	 * faults, about 4 us, for a variable few set. */
	if (kashim_load_text(KASHIM_VAR_PORTS, &value, &text, lookup, warn) == 1) {
		memset(cfg->ports, 0, sizeof cfg->ports);
		if (kashim_parse_ports(text, cfg->ports, &error) == 0)
			cfg->every_port = 0;
	}
	/* Who we are is only worth a readlink when someone asks. */
	if (kashim_load_text(KASHIM_VAR_PROGRAMS, &value, &text, lookup, warn) == 1) {
		kashim_read_identity(&who);
		cfg->selected = kashim_programs_select(text, &who);
	}
}

/* The timer in force: ours if configured, else the system's. */
static long kashim_effective(int configured, int system)
{
	return configured != KASHIM_UNSET ? configured : system;
}

void kashim_config_load(struct kashim_config *cfg,
			const char *(*lookup)(const char *name),
			void (*warn)(enum kashim_var var, const char *message),
			const struct kashim_system_timers *system)
{
	long value = 0; /* set by every kashim_load_one that returns 1 */

	cfg->enabled = 1;
	cfg->debug = 0;
	cfg->keepidle = KASHIM_UNSET;
	cfg->keepintvl = KASHIM_UNSET;
	cfg->keepcnt = KASHIM_UNSET;
	cfg->user_timeout = KASHIM_UNSET;

	if (kashim_load_one(KASHIM_VAR_KEEPALIVE, &value, lookup, warn) == 1)
		cfg->enabled = (int)value;
	if (kashim_load_one(KASHIM_VAR_DEBUG, &value, lookup, warn) == 1)
		cfg->debug = (int)value;
	if (kashim_load_one(KASHIM_VAR_KEEPIDLE, &value, lookup, warn) == 1)
		cfg->keepidle = (int)value;
	if (kashim_load_one(KASHIM_VAR_KEEPINTVL, &value, lookup, warn) == 1)
		cfg->keepintvl = (int)value;
	if (kashim_load_one(KASHIM_VAR_KEEPCNT, &value, lookup, warn) == 1)
		cfg->keepcnt = (int)value;
	if (kashim_load_one(KASHIM_VAR_USER_TIMEOUT, &value, lookup, warn) == 1) {
		if (value == KASHIM_AUTO) {
			struct kashim_system_timers read_now;
			long seconds;

			/* Only "auto" needs them, and three /proc reads would
			 * cost every exec about 20 µs: read them on demand. */
			if (system == NULL) {
				kashim_read_system_timers(&read_now);
				system = &read_now;
			}
			/* idle + intvl * cnt seconds fits in a long; the kernel
			 * takes an int of milliseconds, so clamp to that. */
			seconds = kashim_effective(cfg->keepidle, system->keepidle) +
				  kashim_effective(cfg->keepintvl, system->keepintvl) *
				  kashim_effective(cfg->keepcnt, system->keepcnt);

			value = seconds > KASHIM_USER_TIMEOUT_MAX / 1000
				? KASHIM_USER_TIMEOUT_MAX : seconds * 1000;
		}
		cfg->user_timeout = (int)value;
	}
	kashim_load_scope(cfg, lookup, warn);
}

/*
 * Read a small non-negative integer from a /proc file with open/read, not
 * stdio, since this may run in a constructor before stdio is usable.
 */
static int kashim_read_proc_int(const char *path, int fallback)
{
	char text[32];
	ssize_t got;
	long value = 0;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fallback;
	got = read(fd, text, sizeof text - 1);
	close(fd);
	if (got <= 0 || !kashim_is_digit(text[0]))
		return fallback;
	for (i = 0; i < got && kashim_is_digit(text[i]) && value < INT_MAX / 10; i++)
		value = value * 10 + (text[i] - '0');
	return (int)value;
}

void kashim_read_system_timers(struct kashim_system_timers *timers)
{
	int saved_errno = errno;

	timers->keepidle = kashim_read_proc_int("/proc/sys/net/ipv4/tcp_keepalive_time", 7200);
	timers->keepintvl = kashim_read_proc_int("/proc/sys/net/ipv4/tcp_keepalive_intvl", 75);
	timers->keepcnt = kashim_read_proc_int("/proc/sys/net/ipv4/tcp_keepalive_probes", 9);
	errno = saved_errno;
}

/* Copy the part of path after its last '/' into name (size bytes). */
static void kashim_copy_basename(char *name, size_t size, const char *path, size_t length)
{
	size_t start = length;

	while (start > 0 && path[start - 1] != '/')
		start--;
	length -= start;
	if (length >= size)
		length = size - 1;
	memcpy(name, path + start, length);
	name[length] = '\0';
}

void kashim_identity_from(struct kashim_identity *who, const char *exe_link,
			  const char *argv0)
{
	static const char deleted[] = " (deleted)";
	const size_t deleted_length = sizeof deleted - 1;
	char path[4096];
	ssize_t got;
	int saved_errno = errno;

	who->exe[0] = '\0';
	got = readlink(exe_link, path, sizeof path);
	if (got > 0 && (size_t)got < sizeof path) {
		size_t length = (size_t)got;

		/* A binary replaced while it runs (a package upgrade) reads
		 * "/usr/sbin/nginx (deleted)": it is still nginx. */
		if (length > deleted_length &&
		    memcmp(path + length - deleted_length, deleted, deleted_length) == 0)
			length -= deleted_length;
		kashim_copy_basename(who->exe, sizeof who->exe, path, length);
	}
	who->argv0[0] = '\0';
	if (argv0 != NULL)
		kashim_copy_basename(who->argv0, sizeof who->argv0, argv0, strlen(argv0));
	errno = saved_errno;
}

void kashim_read_identity(struct kashim_identity *who)
{
	kashim_identity_from(who, "/proc/self/exe", program_invocation_name);
}

int kashim_port_selected(const struct kashim_config *cfg, unsigned port)
{
	return cfg->every_port ||
	       (port <= KASHIM_PORT_MAX && (cfg->ports[port / 8] & (1U << (port % 8))) != 0);
}

size_t kashim_format_ports(const struct kashim_config *cfg, char *buf, size_t size)
{
	size_t len = 0;
	unsigned port = 1;

	if (size > 0)
		buf[0] = '\0';
	if (cfg->every_port)
		return kashim_format(buf, size, "all");
	while (port <= KASHIM_PORT_MAX) {
		unsigned last = port;

		if (!kashim_port_selected(cfg, port)) {
			port++;
			continue;
		}
		while (last < KASHIM_PORT_MAX && kashim_port_selected(cfg, last + 1))
			last++;
		len += kashim_format(buf + len, size - len, "%s%u", len > 0 ? "," : "", port);
		if (last > port)
			len += kashim_format(buf + len, size - len, "-%u", last);
		port = last + 1;
	}
	return len;
}
