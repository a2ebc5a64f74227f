/*
 * The comma-separated KASHIM_* values: KASHIM_SIDES, KASHIM_PORTS and
 * KASHIM_PROGRAMS. Private to parse.c, which puts problems into words.
 */
#ifndef KASHIM_LISTS_H
#define KASHIM_LISTS_H

#include "config.h"

#include <stddef.h>

/* What is wrong with a list: a problem and the item it was found in. */
struct kashim_list_error {
	const char *problem; /* "has an empty item", ... */
	const char *item;    /* the offending item, not NUL-terminated, or NULL */
	size_t item_length;
};

/*
 * "accept", "connect" or both, comma-separated, into KASHIM_SIDE_* bits.
 * Returns 0, or -1 with *error filled.
 */
int kashim_parse_sides(const char *text, int *sides, struct kashim_list_error *error);

/*
 * Ports and ranges, "22,5432,8000-8100". When ports is not NULL, the bit
 * of each listed port is set in it (KASHIM_PORT_BYTES long, cleared by
 * the caller). Returns 0, or -1 with *error filled.
 */
int kashim_parse_ports(const char *text, unsigned char *ports,
		       struct kashim_list_error *error);

/*
 * Program names, "nginx,redis-server" or "!curl", matched against who as
 * they are read: a name matches when it equals either of who's names.
 * With no plain names every program is selected; a !name excludes, and
 * wins over a plain name. Returns 0 with *selected set, or -1 with *error
 * filled.
 */
int kashim_parse_programs(const char *text, const struct kashim_identity *who,
			  int *selected, struct kashim_list_error *error);

/*
 * Does the list text select the program who (every program, when text is
 * not a valid list)? For the tools, which match one list against many
 * processes; the library matches itself while parsing.
 */
int kashim_programs_select(const char *text, const struct kashim_identity *who);

#endif
