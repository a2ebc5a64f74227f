#include "option_argument.h"

#include <stdio.h>

const char *kashim_option_argument(const char *name, size_t len, const char *value, int argc,
				   char **argv, int *i, char *err, size_t err_size)
{
	if (value != NULL)
		return value;
	if (*i + 1 >= argc || argv[*i + 1] == NULL) {
		snprintf(err, err_size, "option '--%.*s' requires an argument", (int)len, name);
		return NULL;
	}
	return argv[++*i];
}
