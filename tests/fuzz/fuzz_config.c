/*
 * libFuzzer target over kashim's configuration parser, through its public
 * API only, so a variable added to enum kashim_var is fuzzed as soon as it
 * exists.
 *
 * Input with the top bit of the first byte clear: the first byte picks the
 * variable, the rest is its value, bytes as they come (an embedded NUL ends
 * the C string there, as it would in the environment). The value goes
 * through kashim_parse_value with a full-size and with tiny message buffers.
 *
 * Input with the top bit set: the rest is a whole environment. Twelve bytes
 * of system timers, then the values of variables 0, 1, ... separated by
 * 0xff bytes; a value starting with 0xfe is unset. kashim_config_load reads
 * it through a lookup table.
 *
 * Any broken invariant aborts, which libFuzzer reports as a crash.
 */
#include "../../shim/config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../helpers/test_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define require(condition) \
	do { \
		if (!(condition)) { \
			fprintf(stderr, "fuzz-config: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
			abort(); \
		} \
	} while (0)

/* The range of a variable kashim knows, by name; 0 when it does not. */
static int known_range(enum kashim_var var, long *min, long *max)
{
	static const struct {
		const char *name;
		long min;
		long max;
	} ranges[] = {
		{ "KASHIM_KEEPALIVE", 0, 1 },
		{ "KASHIM_DEBUG", 0, 1 },
		{ "KASHIM_KEEPIDLE", 1, KASHIM_KEEPIDLE_MAX },
		{ "KASHIM_KEEPINTVL", 1, KASHIM_KEEPINTVL_MAX },
		{ "KASHIM_KEEPCNT", 1, KASHIM_KEEPCNT_MAX },
		{ "KASHIM_USER_TIMEOUT", 0, KASHIM_USER_TIMEOUT_MAX },
	};
	size_t i;

	for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		if (strcmp(ranges[i].name, kashim_var_name(var)) == 0) {
			*min = ranges[i].min;
			*max = ranges[i].max;
			return 1;
		}
	}
	return 0;
}

/* A rejection's message: whole, one line, naming the variable, quotes closed. */
static void check_message(enum kashim_var var, const char *message)
{
	const char *name = kashim_var_name(var);
	size_t length = strlen(message);

	require(length > 0 && length + 1 < KASHIM_MESSAGE_MAX);
	require(strncmp(message, name, strlen(name)) == 0 && message[strlen(name)] == '=');
	require(strchr(message, '\n') == NULL);
	require(quotes_balanced(message));
}

/* Parse text as var; check what came back. Returns parse's result. */
static int parse_and_check(enum kashim_var var, const char *text, long *value)
{
	char message[KASHIM_MESSAGE_MAX];
	char tiny[8];
	long again = 0, tiny_value = 0, min, max;
	int result;
	size_t size;

	memset(message, 'x', sizeof message);
	result = kashim_parse_value(var, text, value, message, sizeof message);
	require(result == 0 || result == -1);
	if (result == 0) {
		require(message[0] == '\0');
		if (known_range(var, &min, &max))
			require((*value >= min && *value <= max) ||
				(*value == KASHIM_AUTO && strcmp(kashim_var_name(var),
								 "KASHIM_USER_TIMEOUT") == 0));
	} else {
		check_message(var, message);
	}
	/* The same answer again, and with message buffers too small to hold it. */
	require(kashim_parse_value(var, text, &again, NULL, 0) == result);
	for (size = 1; size <= sizeof tiny; size += 3) {
		memset(tiny, 'x', sizeof tiny);
		require(kashim_parse_value(var, text, &tiny_value, tiny, size) == result);
		require(memchr(tiny, '\0', size) != NULL);
	}
	if (result == 0)
		require(again == *value && tiny_value == *value);
	return result;
}

/*
 * A bare number in the variable's own unit parses back to itself: for the
 * numbers and switches, not for the lists (whose value is a count).
 */
static void check_round_trip(enum kashim_var var, long value)
{
	char text[32];
	long again = 0, min, max;

	if (value < 0 || !known_range(var, &min, &max))
		return; /* auto, or a list */
	snprintf(text, sizeof text, "%ld", value);
	if (kashim_parse_value(var, text, &again, NULL, 0) == 0)
		require(again == value);
}

static void fuzz_one(enum kashim_var var, const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	long value = 0;

	if (text == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (parse_and_check(var, text, &value) == 0)
		check_round_trip(var, value);
	free(text);
}

/* The environment fuzz_load hands to kashim_config_load. */
static char *env_values[KASHIM_VAR_COUNT];
static int env_warnings[KASHIM_VAR_COUNT];

static const char *env_lookup(const char *name)
{
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++)
		if (strcmp(name, kashim_var_name((enum kashim_var)i)) == 0)
			return env_values[i];
	fprintf(stderr, "fuzz-config: kashim_config_load asked for %s, not a variable\n", name);
	abort();
}

static void env_warn(enum kashim_var var, const char *message)
{
	require((int)var >= 0 && var < KASHIM_VAR_COUNT);
	require(env_values[var] != NULL);
	env_warnings[var]++;
	check_message(var, message);
}

static int read_timer(const uint8_t **data, size_t *size)
{
	uint32_t value = 0;
	size_t i;

	for (i = 0; i < 4 && *size > 0; i++, (*data)++, (*size)--)
		value = value << 8 | **data;
	return (int)(value % ((uint32_t)INT_MAX + 1U)); /* what /proc can hold */
}

/* The config field kashim_config_load fills from var, or NULL. */
static const int *field_of(const struct kashim_config *cfg, enum kashim_var var)
{
	const char *name = kashim_var_name(var);

	if (strcmp(name, "KASHIM_KEEPALIVE") == 0)
		return &cfg->enabled;
	if (strcmp(name, "KASHIM_DEBUG") == 0)
		return &cfg->debug;
	if (strcmp(name, "KASHIM_KEEPIDLE") == 0)
		return &cfg->keepidle;
	if (strcmp(name, "KASHIM_KEEPINTVL") == 0)
		return &cfg->keepintvl;
	if (strcmp(name, "KASHIM_KEEPCNT") == 0)
		return &cfg->keepcnt;
	if (strcmp(name, "KASHIM_USER_TIMEOUT") == 0)
		return &cfg->user_timeout;
	return NULL;
}

/* KASHIM_USER_TIMEOUT=auto: idle + intvl x cnt seconds, clamped to an int of ms. */
static long long expected_auto(const struct kashim_config *cfg,
			       const struct kashim_system_timers *system)
{
	long long idle = cfg->keepidle != KASHIM_UNSET ? cfg->keepidle : system->keepidle;
	long long intvl = cfg->keepintvl != KASHIM_UNSET ? cfg->keepintvl : system->keepintvl;
	long long cnt = cfg->keepcnt != KASHIM_UNSET ? cfg->keepcnt : system->keepcnt;
	long long seconds = idle + intvl * cnt;

	return seconds > KASHIM_USER_TIMEOUT_MAX / 1000 ? KASHIM_USER_TIMEOUT_MAX : seconds * 1000;
}

static void fuzz_load(const uint8_t *data, size_t size)
{
	struct kashim_system_timers system;
	struct kashim_config cfg;
	int i;

	system.keepidle = read_timer(&data, &size);
	system.keepintvl = read_timer(&data, &size);
	system.keepcnt = read_timer(&data, &size);
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		const uint8_t *end = memchr(data, 0xff, size);
		size_t length = end != NULL ? (size_t)(end - data) : size;

		env_values[i] = NULL;
		env_warnings[i] = 0;
		if (length > 0 && data[0] == 0xfe) {
			/* unset */
		} else if ((env_values[i] = malloc(length + 1)) != NULL) {
			memcpy(env_values[i], data, length);
			env_values[i][length] = '\0';
		}
		data += length;
		size -= length;
		if (size > 0) {
			data++;
			size--;
		}
	}

	memset(&cfg, 0x5a, sizeof cfg);
	kashim_config_load(&cfg, env_lookup, env_warn, &system);
	require(cfg.enabled == 0 || cfg.enabled == 1);
	require(cfg.debug == 0 || cfg.debug == 1);
	require(cfg.keepidle == KASHIM_UNSET || (cfg.keepidle >= 1 && cfg.keepidle <= KASHIM_KEEPIDLE_MAX));
	require(cfg.keepintvl == KASHIM_UNSET || (cfg.keepintvl >= 1 && cfg.keepintvl <= KASHIM_KEEPINTVL_MAX));
	require(cfg.keepcnt == KASHIM_UNSET || (cfg.keepcnt >= 1 && cfg.keepcnt <= KASHIM_KEEPCNT_MAX));
	require(cfg.user_timeout == KASHIM_UNSET ||
		(cfg.user_timeout >= 0 && cfg.user_timeout <= KASHIM_USER_TIMEOUT_MAX));

	/* Each variable: warned about exactly when it does not parse, and the
	 * config holds what kashim_parse_value makes of it (auto aside). */
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		enum kashim_var var = (enum kashim_var)i;
		const int *field = field_of(&cfg, var);
		long value = 0;
		int result;

		if (env_values[i] == NULL) {
			require(env_warnings[i] == 0);
			continue;
		}
		result = parse_and_check(var, env_values[i], &value);
		require(env_warnings[i] == (result == 0 ? 0 : 1));
		if (field != NULL && result == 0 && value != KASHIM_AUTO)
			require(*field == value);
		if (field == &cfg.user_timeout && result == 0 && value == KASHIM_AUTO)
			require(cfg.user_timeout == expected_auto(&cfg, &system));
		free(env_values[i]);
		env_values[i] = NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 0x80)
		fuzz_load(data + 1, size - 1);
	else
		fuzz_one((enum kashim_var)(data[0] % KASHIM_VAR_COUNT), data + 1, size - 1);
	return 0;
}
