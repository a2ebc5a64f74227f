/*
 * Comma-separated values, read in place and in one pass: nothing is
 * copied or allocated, and a list is checked and stored at once.
 */
#include "lists.h"
#include "name.h"
#include "port_bits.h"

#include <string.h>

/* A path component longer than this cannot be a file name (NAME_MAX). */
#define KASHIM_NAME_MAX 255

struct kashim_item {
	const char *start;
	size_t length;
};

/*
 * Take the next item from *cursor into *item and move past its comma.
 * Returns 0 once the text is used up. "a," yields "a" then an empty item,
 * so a trailing comma is seen (and refused) like any empty item.
 */
static int kashim_next_item(const char **cursor, struct kashim_item *item)
{
	const char *p = *cursor;

	if (p == NULL)
		return 0;
	item->start = p;
	while (*p != '\0' && *p != ',')
		p++;
	item->length = (size_t)(p - item->start);
	*cursor = *p == ',' ? p + 1 : NULL;
	return 1;
}

/* Fill *error (item may be NULL) and return -1, for "return kashim_fail(...)". */
static int kashim_fail(struct kashim_list_error *error, const char *problem,
		       const struct kashim_item *item)
{
	error->problem = problem;
	error->item = item != NULL ? item->start : NULL;
	error->item_length = item != NULL ? item->length : 0;
	return -1;
}

/* Is the item exactly word? */
static int kashim_item_is(const struct kashim_item *item, const char *word)
{
	return kashim_name_is(item->start, item->length, word);
}

int kashim_parse_sides(const char *text, int *sides, struct kashim_list_error *error)
{
	struct kashim_item item;
	int bits = 0;

	while (kashim_next_item(&text, &item)) {
		if (item.length == 0)
			return kashim_fail(error, "has an empty item", NULL);
		if (kashim_item_is(&item, "accept"))
			bits |= KASHIM_SIDE_ACCEPT;
		else if (kashim_item_is(&item, "connect"))
			bits |= KASHIM_SIDE_CONNECT;
		else
			return kashim_fail(error, "names an unknown side", &item);
	}
	*sides = bits;
	return 0;
}

/*
 * Read a port at *p (digits only: no sign, no blank). Returns it, 0 when
 * there are no digits, or KASHIM_PORT_MAX + 1 for anything too big.
 */
static unsigned long kashim_read_port(const char **p, const char *end)
{
	unsigned long port = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (port <= KASHIM_PORT_MAX)
			port = port * 10 + (unsigned long)(**p - '0');
		(*p)++;
	}
	return port;
}

int kashim_parse_ports(const char *text, unsigned char *ports,
		       struct kashim_list_error *error)
{
	struct kashim_item item;

	while (kashim_next_item(&text, &item)) {
		const char *p = item.start, *end = item.start + item.length, *digits = p;
		unsigned long first, last, port;

		if (item.length == 0)
			return kashim_fail(error, "has an empty item", NULL);
		first = last = kashim_read_port(&p, end);
		if (p == digits)
			return kashim_fail(error, "has an item that is not a port", &item);
		if (p < end && *p == '-') {
			digits = ++p;
			last = kashim_read_port(&p, end);
			if (p == digits)
				return kashim_fail(error, "has an item that is not a port", &item);
		}
		if (p != end)
			return kashim_fail(error, "has an item that is not a port", &item);
		if (first == 0 || first > KASHIM_PORT_MAX || last == 0 || last > KASHIM_PORT_MAX)
			return kashim_fail(error, "has a port out of range (1-65535)", &item);
		if (last < first)
			return kashim_fail(error, "has a range that runs backwards", &item);
		for (port = first; ports != NULL && port <= last; port++)
			kashim_port_bit_set(ports, (unsigned)port);
	}
	return 0;
}

/* The name of a KASHIM_PROGRAMS item, without its leading '!'. */
static struct kashim_item kashim_program_name(const struct kashim_item *item, int *excluded)
{
	struct kashim_item name = *item;

	*excluded = name.length > 0 && name.start[0] == '!';
	if (*excluded) {
		name.start++;
		name.length--;
	}
	return name;
}

int kashim_parse_programs(const char *text, struct kashim_list_error *error)
{
	struct kashim_item item;

	while (kashim_next_item(&text, &item)) {
		int excluded;
		struct kashim_item name = kashim_program_name(&item, &excluded);

		if (item.length == 0)
			return kashim_fail(error, "has an empty item", NULL);
		if (name.length == 0)
			return kashim_fail(error, "has an empty name after '!'", &item);
		if (memchr(name.start, '/', name.length) != NULL)
			return kashim_fail(error, "names a path, not a program", &item);
		if (name.length > KASHIM_NAME_MAX)
			return kashim_fail(error, "has a name longer than 255 bytes", &item);
	}
	return 0;
}

int kashim_programs_select(const char *programs, const struct kashim_identity *who)
{
	struct kashim_item item;
	int any_plain = 0, named = 0, excluded_here = 0;

	while (kashim_next_item(&programs, &item)) {
		int excluded, matches;
		struct kashim_item name = kashim_program_name(&item, &excluded);

		matches = (who->exe[0] != '\0' && kashim_item_is(&name, who->exe)) ||
			  (who->argv0[0] != '\0' && kashim_item_is(&name, who->argv0));
		if (!excluded)
			any_plain = 1;
		if (matches && excluded)
			excluded_here = 1;
		else if (matches)
			named = 1;
	}
	return !excluded_here && (named || !any_plain);
}
