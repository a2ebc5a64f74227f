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

#endif
