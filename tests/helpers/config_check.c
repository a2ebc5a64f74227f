/*
 * config-check: drive kashim's parser without preloading anything.
 *
 *   config-check VAR VALUE   parse one value: prints "value=N" and exits 0,
 *                            or prints the parser's message and exits 1
 *   config-check --env       load the whole config from the environment,
 *                            warnings to stderr, and print it as key=value
 *                            (KASHIM_PROGRAMS is matched against this very
 *                            program: config-check, or argv[0] by exec -a)
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
		static struct kashim_config cfg; /* 8 KiB of port bitmap */
		struct kashim_system_timers system;
		struct kashim_identity who;
		char ports[1024];

		kashim_read_system_timers(&system);
		kashim_config_load(&cfg, lookup_env, print_warning, &system);
		kashim_read_identity(&who);
		kashim_format_ports(&cfg, ports, sizeof ports);
		printf("enabled=%d\ndebug=%d\nkeepidle=%d\nkeepintvl=%d\nkeepcnt=%d\n"
		       "user_timeout=%d\n", cfg.enabled, cfg.debug, cfg.keepidle,
		       cfg.keepintvl, cfg.keepcnt, cfg.user_timeout);
		printf("sides=%s%s%s\npolicy=%s\nports=%s\nselected=%d\nexe=%s\nargv0=%s\n",
		       cfg.sides & KASHIM_SIDE_ACCEPT ? "accept" : "",
		       cfg.sides == KASHIM_SIDES_ALL ? "," : "",
		       cfg.sides & KASHIM_SIDE_CONNECT ? "connect" : "",
		       cfg.policy == KASHIM_POLICY_RESPECT ? "respect" : "override",
		       ports, cfg.selected, who.exe, who.argv0);
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
