/*
 * A config's values by variable: each variable's field, found through its
 * table row, its default, and its value as text (debug lines,
 * config-check).
 */
#include "config.h"
#include "config_table.h"
#include "core/log.h"
#include "port_bits.h"

#include <string.h>

/* The two ways into a variable's field, through its row's offset: to
 * write it (here and the parser) and to read it. */
int *kashim_config_field_at(struct kashim_config *cfg, enum kashim_var var)
{
	return (int *)(void *)((char *)cfg + kashim_row(var)->field);
}

int kashim_config_field(const struct kashim_config *cfg, enum kashim_var var)
{
	return *(const int *)(const void *)((const char *)cfg + kashim_row(var)->field);
}

void kashim_config_defaults(struct kashim_config *cfg)
{
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++)
		*kashim_config_field_at(cfg, (enum kashim_var)i) = kashim_row((enum kashim_var)i)->initial;
	cfg->programs = NULL;
}

int kashim_is_default(const struct kashim_config *cfg, enum kashim_var var)
{
	return kashim_config_field(cfg, var) == kashim_row(var)->initial;
}

int kashim_port_selected(const struct kashim_config *cfg, unsigned port)
{
	return cfg->every_port || kashim_port_bit_test(cfg->ports, port);
}

/* cfg's ports as "22,8000-8100", or "all". */
static size_t kashim_format_ports(const struct kashim_config *cfg, char *buf, size_t size)
{
	size_t len = 0;
	unsigned port = 1;

	if (cfg->every_port)
		return kashim_format(buf, size, "all");
	while (port <= KASHIM_PORT_MAX) {
		unsigned last = port;

		if (!kashim_port_selected(cfg, port)) {
			port++;
			continue;
		}
		while (last < KASHIM_PORT_MAX && kashim_port_selected(cfg, last + 1))
			last++;
		len += kashim_format(buf + len, size - len, "%s%u", len > 0 ? "," : "", port);
		if (last > port)
			len += kashim_format(buf + len, size - len, "-%u", last);
		port = last + 1;
	}
	return len;
}

size_t kashim_format_value(const struct kashim_config *cfg, enum kashim_var var,
			   char *buf, size_t size)
{
	int value = kashim_config_field(cfg, var);

	if (size > 0)
		buf[0] = '\0';
	switch (kashim_row(var)->kind) {
	case KASHIM_KIND_SIDES:
		return kashim_format(buf, size, "%s%s%s",
				     (value & KASHIM_SIDE_ACCEPT) != 0 ? "accept" : "",
				     value == KASHIM_SIDES_ALL ? "," : "",
				     (value & KASHIM_SIDE_CONNECT) != 0 ? "connect" : "");
	case KASHIM_KIND_POLICY:
		return kashim_format(buf, size, "%s",
				     value == KASHIM_POLICY_RESPECT ? "respect" : "override");
	case KASHIM_KIND_PORTS:
		return kashim_format_ports(cfg, buf, size);
	case KASHIM_KIND_PROGRAMS:
		return kashim_format(buf, size, "%s", cfg->every_program ? "all" : cfg->programs);
	default:
		return kashim_format(buf, size, "%d", value);
	}
}
