/* The argument of a long option, as every command of kashim's takes it. */
#ifndef KASHIM_OPTION_ARGUMENT_H
#define KASHIM_OPTION_ARGUMENT_H

#include <stddef.h>

/*
 * The argument of the long option --NAME (the len bytes at name, without
 * the dashes): value when it came as --NAME=VALUE, else the next word of
 * argv, which *i then moves past. NULL, with "option '--NAME' requires an
 * argument" written into err, when there is no next word.
 */
const char *kashim_option_argument(const char *name, size_t len, const char *value, int argc,
				   char **argv, int *i, char *err, size_t err_size);

#endif
