/*
 * config-check: drive kashim's parser without preloading anything.
 *
 *   config-check VAR VALUE   parse one value: prints "value=N" and exits 0,
 *                            or prints the parser's message and exits 1
 *   config-check --env       load the whole config from the environment,
 *                            warnings to stderr, and print it as key=value
 */
#include "../../shim/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *lookup_env(const char *name)
{
	return getenv(name);
}

static void print_warning(enum kashim_var var, const char *message)
{
	(void)var;
	fprintf(stderr, "warning: %s\n", message);
}

static int find_var(const char *name, enum kashim_var *var)
{
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		if (strcmp(kashim_var_name((enum kashim_var)i), name) == 0) {
			*var = (enum kashim_var)i;
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	char message[KASHIM_MESSAGE_MAX];
	enum kashim_var var;
	long value;

	if (argc == 2 && strcmp(argv[1], "--env") == 0) {
		struct kashim_config cfg;
		struct kashim_system_timers system;

		kashim_read_system_timers(&system);
		kashim_config_load(&cfg, lookup_env, print_warning, &system);
		printf("enabled=%d\ndebug=%d\nkeepidle=%d\nkeepintvl=%d\nkeepcnt=%d\n"
		       "user_timeout=%d\n", cfg.enabled, cfg.debug, cfg.keepidle,
		       cfg.keepintvl, cfg.keepcnt, cfg.user_timeout);
		return 0;
	}
	if (argc != 3 || find_var(argv[1], &var) != 0) {
		fprintf(stderr, "usage: config-check KASHIM_VAR VALUE | --env\n");
		return 2;
	}
	if (kashim_parse_value(var, argv[2], &value, message, sizeof message) != 0) {
		printf("%s\n", message);
		return 1;
	}
	printf("value=%ld\n", value);
	return 0;
}
