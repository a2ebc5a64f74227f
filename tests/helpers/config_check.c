/*
 * config-check: drive kashim's parser without preloading anything.
 *
 *   config-check VAR VALUE   parse one value into a default config: prints
 *                            "value=V" as the config then holds it (and
 *                            "note=..." for a value worth a word) and exits
 *                            0, or prints the parser's message and exits 1
 *   config-check --env       load the whole config from the environment,
 *                            warnings (also about names kashim does not
 *                            read) to stderr, and print it as key=value,
 *                            one line per variable of the table, then
 *                            "selected=1|0": whether KASHIM_PROGRAMS
 *                            selects this very program (config-check, or
 *                            argv[0] by exec -a), as the library judges
 *   config-check --conf PATH [--secure]
 *                            the same, with the environment layered over
 *                            the configuration file PATH (over nothing
 *                            but PATH with --secure, as in a setuid
 *                            program); its [sections] are matched like
 *                            KASHIM_PROGRAMS; "file=absent|ignored|read"
 *                            first
 */
#include "../../core/config/config.h"
#include "../../core/config/config_table.h"
#include "../../core/config/conffile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct kashim_config cfg; /* 8 KiB of port bitmap */
static struct kashim_conffile file;

static void print_warning(const char *message)
{
	fprintf(stderr, "warning: %s\n", message);
}

static void print_value_warning(enum kashim_var var, int result, const char *message)
{
	kashim_say_value(var, result, message, print_warning);
}

int main(int argc, char **argv)
{
	char message[KASHIM_MESSAGE_MAX], value[1024];
	enum kashim_var var;
	int i, result;

	if ((argc == 2 && strcmp(argv[1], "--env") == 0) ||
	    ((argc == 3 || (argc == 4 && strcmp(argv[3], "--secure") == 0)) &&
	     strcmp(argv[1], "--conf") == 0)) {
		static const char *const states[] = { "absent", "ignored", "read" };
		struct kashim_system_timers system;
		struct kashim_identity who;
		int secure = argc == 4, selected;

		kashim_read_system_timers(&system);
		if (argc >= 3) {
			kashim_conffile_read(&file, argv[2], NULL, print_warning);
			printf("file=%s\n", states[file.state]);
		}
		selected = kashim_config_load_layered(&cfg, argc >= 3 ? &file : NULL,
						      secure ? NULL : kashim_getenv,
						      print_value_warning, NULL, &system);
		if (selected && !secure)
			kashim_check_names(environ, print_warning);
		kashim_read_identity(&who);
		for (i = 0; i < KASHIM_VAR_COUNT; i++) {
			kashim_format_value(&cfg, (enum kashim_var)i, value, sizeof value);
			printf("%s=%s\n", kashim_row((enum kashim_var)i)->key, value);
		}
		printf("selected=%d\nexe=%s\nargv0=%s\n", selected, who.exe, who.argv0);
		return 0;
	}
	var = argc == 3 ? kashim_find_var(argv[1], strlen(argv[1])) : KASHIM_VAR_COUNT;
	if (var == KASHIM_VAR_COUNT) {
		fprintf(stderr, "usage: config-check KASHIM_VAR VALUE | --env | --conf PATH [--secure]\n");
		return 2;
	}
	kashim_config_defaults(&cfg);
	result = kashim_parse(&cfg, var, argv[2], message, sizeof message);
	if (result == KASHIM_REJECTED) {
		printf("%s\n", message);
		return 1;
	}
	kashim_format_value(&cfg, var, value, sizeof value);
	printf("value=%s\n", value);
	if (result == KASHIM_NOTED)
		printf("note=%s\n", message);
	return 0;
}
