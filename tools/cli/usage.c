#include "usage.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void kashim_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", kashim_command_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", kashim_command_name);
	exit(kashim_usage_status);
}
