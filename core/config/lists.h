/*
 * The comma-separated KASHIM_* values: KASHIM_SIDES, KASHIM_PORTS and
 * KASHIM_PROGRAMS. Private to parse.c, which puts problems into words,
 * and conffile.c, whose [sections] are program lists.
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
 * Program names, "nginx,redis-server" or "!curl": names, not paths, each
 * at most 255 bytes, none empty. Returns 0, or -1 with *error filled.
 * Only checks: kashim_programs_select (config.h) judges a process by a
 * list this accepted.
 */
int kashim_parse_programs(const char *text, struct kashim_list_error *error);

#endif
