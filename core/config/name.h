/* Names compared where they lie, without copying or terminating them. */
#ifndef KASHIM_NAME_H
#define KASHIM_NAME_H

#include <stddef.h>

/*
 * Do the length bytes at name spell word, no more and no less? name need
 * not be NUL-terminated (a NAME of NAME=VALUE, an option before its '=',
 * a list's item). No library call: safe anywhere.
 */
int kashim_name_is(const char *name, size_t length, const char *word);

/*
 * Do the length bytes at name end in suffix, with at least one byte
 * before it (".slice" alone is no slice's name)? As above, name need not
 * be NUL-terminated.
 */
int kashim_name_ends_with(const char *name, size_t length, const char *suffix);

#endif
