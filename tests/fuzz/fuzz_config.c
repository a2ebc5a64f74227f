/*
 * libFuzzer target over kashim's configuration parser, through its public
 * API and table only, so a variable added to the table is fuzzed as soon
 * as it exists.
 *
 * Input with the top bit of the first byte clear: the first byte picks the
 * variable, the rest is its value, bytes as they come (an embedded NUL ends
 * the C string there, as it would in the environment). The value goes
 * through kashim_parse with a full-size and with tiny message buffers; what
 * it may store comes from the variable's table row.
 *
 * Input with the top bit set: the rest is a whole environment. Twelve bytes
 * of system timers, then the values of variables 0, 1, ... separated by
 * 0xff bytes; a value starting with 0xfe is unset. kashim_config_load reads
 * it through a lookup table; the KASHIM_PROGRAMS it keeps is judged for
 * the names "nginx" and "sshd", as a test of the judge against a plain
 * reading of the list.
 *
 * Input whose first byte is 0x7f: the rest is a configuration file
 * (/etc/kashim.conf's format), parsed for a program whose executable is
 * "nginx" and whose argv[0] is "sshd", then loaded with no environment.
 * Every message must name the file and a line of it; every value kept
 * must be a line's, and load as kashim_parse takes it.
 *
 * Any broken invariant aborts, which libFuzzer reports as a crash.
 */
#include "../../core/config/config.h"
#include "../../core/config/config_table.h"
#include "../../core/config/conffile.h"

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

/* A message about var: whole, one line, naming the variable, quotes closed. */
static void check_message(enum kashim_var var, const char *message)
{
	const char *name = kashim_var_name(var);
	size_t length = strlen(message);

	require(length > 0 && length + 1 < KASHIM_MESSAGE_MAX);
	require(strncmp(message, name, strlen(name)) == 0 && message[strlen(name)] == '=');
	require(strchr(message, '\n') == NULL);
	require(quotes_balanced(message));
}

/* Is var's kind a number (its field the value itself)? */
static int is_number(enum kashim_var var)
{
	return kashim_is_timer(var) || kashim_row(var)->kind == KASHIM_KIND_SWITCH;
}

/* var's field after a successful parse is within what its table row allows. */
static void check_field(const struct kashim_config *cfg, enum kashim_var var)
{
	const struct kashim_var_row *row = kashim_row(var);
	long field = kashim_config_field(cfg, var);

	if (is_number(var))
		require((field >= row->min && field <= row->max) ||
			(field == KASHIM_AUTO && row->kind == KASHIM_KIND_MILLIS));
	else if (row->kind == KASHIM_KIND_PORTS)
		require(field == 0); /* every_port: a list was stored */
	else if (row->kind == KASHIM_KIND_PROGRAMS)
		require(field == 0 && cfg->programs != NULL); /* every_program: a list was kept */
	else
		require(field >= row->min && field <= row->max);
}

/*
 * Parse text as var into a default config; check what came back. Returns
 * parse's result, with *value the variable's field.
 */
static int parse_and_check(enum kashim_var var, const char *text, long *value)
{
	static struct kashim_config cfg, again, tiny_cfg;
	char message[KASHIM_MESSAGE_MAX];
	char tiny[8];
	long field = 0;
	int result;
	size_t size;

	kashim_config_defaults(&cfg);
	memset(message, 'x', sizeof message);
	result = kashim_parse(&cfg, var, text, message, sizeof message);
	require(result == KASHIM_REJECTED || result == KASHIM_ACCEPTED || result == KASHIM_NOTED);
	*value = kashim_config_field(&cfg, var);
	if (result == KASHIM_ACCEPTED)
		require(message[0] == '\0');
	else
		check_message(var, message);
	if (result == KASHIM_REJECTED)
		require(kashim_is_default(&cfg, var));
	else
		check_field(&cfg, var);
	require(kashim_parse_value(var, text, &field, NULL, 0) == result);
	require(result == KASHIM_REJECTED || field == *value);
	/* The same answer again, and with message buffers too small to hold it. */
	kashim_config_defaults(&again);
	require(kashim_parse(&again, var, text, NULL, 0) == result);
	for (size = 1; size <= sizeof tiny; size += 3) {
		memset(tiny, 'x', sizeof tiny);
		kashim_config_defaults(&tiny_cfg);
		require(kashim_parse(&tiny_cfg, var, text, tiny, size) == result);
		require(memchr(tiny, '\0', size) != NULL);
		require(kashim_config_field(&tiny_cfg, var) == *value);
	}
	require(kashim_config_field(&again, var) == *value);
	return result;
}

/* A bare number in the variable's own unit parses back to itself. */
static void check_round_trip(enum kashim_var var, long value)
{
	static struct kashim_config cfg;
	char text[32];

	if (value < 0 || !is_number(var))
		return; /* auto, or a list */
	snprintf(text, sizeof text, "%ld", value);
	kashim_config_defaults(&cfg);
	if (kashim_parse(&cfg, var, text, NULL, 0) != KASHIM_REJECTED)
		require(kashim_config_field(&cfg, var) == value);
}

static void fuzz_one(enum kashim_var var, const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	long value = 0;

	if (text == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (parse_and_check(var, text, &value) != KASHIM_REJECTED)
		check_round_trip(var, value);
	free(text);
}

/* The environment fuzz_load hands to kashim_config_load. */
static char *env_values[KASHIM_VAR_COUNT];
static int env_warnings[KASHIM_VAR_COUNT];

static const char *env_lookup(void *context, const char *name)
{
	char *const *values = context;
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++)
		if (strcmp(name, kashim_var_name((enum kashim_var)i)) == 0)
			return values[i];
	fprintf(stderr, "fuzz-config: kashim_config_load asked for %s, not a variable\n", name);
	abort();
}

static void env_warn(void *context, enum kashim_var var, int result, const char *message)
{
	(void)context;
	require(var < KASHIM_VAR_COUNT);
	require(result == KASHIM_REJECTED || result == KASHIM_NOTED);
	require(kashim_find_var(message, strcspn(message, "=")) == var);
	require(env_values[var] != NULL);
	env_warnings[var]++;
	check_message(var, message);
}

/* The names fuzz_load's KASHIM_PROGRAMS and fuzz_file's sections are judged for. */
static const struct kashim_identity fuzz_who = { "nginx", "sshd" };

/* Is name (length bytes) one of who's names? */
static int names_who(const char *name, size_t length, const struct kashim_identity *who)
{
	return (strlen(who->exe) == length && memcmp(name, who->exe, length) == 0) ||
	       (strlen(who->argv0) == length && memcmp(name, who->argv0, length) == 0);
}

/*
 * KASHIM_PROGRAMS' rule read plainly, as the manual page words it: no
 * list selects every program; a !name naming who leaves it out; else a
 * plain name naming who selects it, and a list of !names only selects
 * every program it does not name.
 */
static int plainly_selected(const char *programs, const struct kashim_identity *who)
{
	int plain = 0, named = 0;
	const char *p = programs;

	if (programs == NULL)
		return 1;
	while (*p != '\0') {
		size_t length = strcspn(p, ",");

		if (p[0] == '!' && names_who(p + 1, length - 1, who))
			return 0;
		if (p[0] != '!') {
			plain = 1;
			named |= names_who(p, length, who);
		}
		p += length + (p[length] == ',');
	}
	return named || !plain;
}

static int read_timer(const uint8_t **data, size_t *size)
{
	uint32_t value = 0;
	size_t i;

	for (i = 0; i < 4 && *size > 0; i++, (*data)++, (*size)--)
		value = value << 8 | **data;
	return (int)(value % ((uint32_t)INT_MAX + 1U)); /* what /proc can hold */
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
	kashim_config_load(&cfg, env_lookup, env_warn, env_values, &system);
	require(cfg.user_timeout != KASHIM_AUTO);
	require(cfg.every_program == (cfg.programs == NULL));
	require(cfg.programs == NULL || cfg.programs == env_values[KASHIM_VAR_PROGRAMS]);
	require(kashim_programs_select(cfg.programs, &fuzz_who) ==
		plainly_selected(cfg.programs, &fuzz_who));

	/* Each variable: warned about exactly when it does not parse or is
	 * worth a note; and the config holds what kashim_parse makes of it
	 * (auto resolved). */
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		enum kashim_var var = (enum kashim_var)i;
		long value = 0;
		int result;

		if (env_values[i] == NULL) {
			require(env_warnings[i] == 0);
			require(kashim_is_default(&cfg, var));
			continue;
		}
		result = parse_and_check(var, env_values[i], &value);
		require(env_warnings[i] == (result != KASHIM_ACCEPTED ? 1 : 0));
		if (result == KASHIM_REJECTED)
			require(kashim_is_default(&cfg, var));
		else if (value == KASHIM_AUTO)
			require(cfg.user_timeout == expected_auto(&cfg, &system));
		else
			require(kashim_config_field(&cfg, var) == value);
		free(env_values[i]);
		env_values[i] = NULL;
	}
}

#define FUZZ_CONF_PATH "/etc/kashim.conf"

static unsigned file_lines;

/* A message about the file: one line, "PATH:LINE: " with a line it has. */
static void check_file_message(const char *message)
{
	const char *p = message + strlen(FUZZ_CONF_PATH ":");
	unsigned long line;
	char *end;

	require(strncmp(message, FUZZ_CONF_PATH ":", strlen(FUZZ_CONF_PATH ":")) == 0);
	line = strtoul(p, &end, 10);
	require(end != p && strncmp(end, ": ", 2) == 0);
	require(line >= 1 && line <= file_lines);
	require(strchr(message, '\n') == NULL);
	require(strlen(message) < 640);
	require(quotes_balanced(end + 2));
}

static void file_warn(const char *message)
{
	check_file_message(message);
}

static void file_warn_value(enum kashim_var var, int result, const char *message)
{
	require(var < KASHIM_VAR_COUNT);
	require(result == KASHIM_REJECTED || result == KASHIM_NOTED);
	check_file_message(message);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	static struct kashim_conffile file;
	static struct kashim_config cfg;
	size_t i;
	int v, selected;

	if (size > KASHIM_CONF_MAX)
		size = KASHIM_CONF_MAX;
	memcpy(file.text, data, size);
	file_lines = 1;
	for (i = 0; i < size; i++)
		file_lines += data[i] == '\n';
	file.path = FUZZ_CONF_PATH;
	for (v = 0; v < KASHIM_VAR_COUNT; v++)
		file.value[v] = NULL;
	kashim_conffile_parse(&file, size, &fuzz_who, file_warn);
	require(file.state == KASHIM_CONF_READ);
	for (v = 0; v < KASHIM_VAR_COUNT; v++) {
		long value = 0;

		if (file.value[v] == NULL)
			continue;
		/* inside the text, on one line of it, with no blank before it */
		require(file.value[v] >= file.text && file.value[v] <= file.text + size);
		require(file.line[v] >= 1 && file.line[v] <= file_lines);
		require(strchr(file.value[v], '\n') == NULL);
		require(file.value[v][0] != ' ' && file.value[v][0] != '\t');
		parse_and_check((enum kashim_var)v, file.value[v], &value);
	}
	selected = kashim_config_load_layered(&cfg, &file, NULL, file_warn_value, &fuzz_who, NULL);
	require(selected == plainly_selected(cfg.programs, &fuzz_who));
	require(cfg.user_timeout != KASHIM_AUTO);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] == 0x7f)
		fuzz_file(data + 1, size - 1);
	else if (data[0] & 0x80)
		fuzz_load(data + 1, size - 1);
	else
		fuzz_one((enum kashim_var)(data[0] % KASHIM_VAR_COUNT), data + 1, size - 1);
	return 0;
}
