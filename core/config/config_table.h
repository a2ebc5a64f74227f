/*
 * The table of variables: one row says everything kashim knows about a
 * variable, and the parser, the loader, the warnings, the debug
 * description, the kashim wrapper's options and --help, and the tests
 * read it from here. Adding a variable is one row (plus its field in
 * struct kashim_config, its man page entry and its tests).
 */
#ifndef KASHIM_CONFIG_TABLE_H
#define KASHIM_CONFIG_TABLE_H

#include "config.h"

#include <stddef.h>

/* How a variable's text is read, and how its value is shown. */
enum kashim_kind {
	KASHIM_KIND_SWITCH,   /* on/off words */
	KASHIM_KIND_SECONDS,  /* whole seconds, with optional unit */
	KASHIM_KIND_COUNT,    /* plain integer */
	KASHIM_KIND_MILLIS,   /* milliseconds, with optional unit, or auto */
	KASHIM_KIND_SIDES,    /* accept and/or connect */
	KASHIM_KIND_POLICY,   /* override or respect */
	KASHIM_KIND_PORTS,    /* ports and port ranges */
	KASHIM_KIND_PROGRAMS  /* program names, !name to exclude */
};

struct kashim_var_row {
	const char *name;          /* KASHIM_KEEPIDLE */
	enum kashim_kind kind;
	long min;                  /* range, in the variable's own unit */
	long max;
	const char *range_unit;    /* after the range in a message: " seconds" */
	size_t field;              /* offsetof its int in struct kashim_config */
	int initial;               /* that int when the variable is not set */
	const char *default_words; /* the default, for --help */
	const char *fallback;      /* what a bad value leaves in force */
	const char *key;           /* "idle" in debug lines and config-check */
	const char *shown_unit;    /* after the value in a debug line: "ms" */
	const char *option;        /* the wrapper's --option */
	const char *metavar;       /* its argument; NULL: a flag setting "1" */
	const char *help;          /* --help's line for the option */
	const char *note;          /* another line of --help, or NULL */
	const char *accepts;       /* what the variable accepts, in words */
	long note_below;           /* a value from 1 to this - 1 gets a note */
};

/* The variable's row; var must be below KASHIM_VAR_COUNT. */
const struct kashim_var_row *kashim_row(enum kashim_var var);

/* Another keepalive library's variable, which kashim does not read. */
struct kashim_foreign_name {
	const char *name;      /* KEEPIDLE */
	const char *library;   /* libkeepalive */
	enum kashim_var instead;
};

/* The foreign names kashim_check_names knows; *count is set. */
const struct kashim_foreign_name *kashim_foreign_names(size_t *count);

/* Is the variable one of the keepalive timers (a TCP socket option)? */
int kashim_is_timer(enum kashim_var var);

#endif
