/* kashim --pid: what a pass did, in one line on stdout. */
#include "running.h"

#include <stdio.h>

/* "1 listener", "2 connections". */
static const char *kashim_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void kashim_print_tally(const struct kashim_target *t, const struct kashim_tally *c)
{
	size_t left = c->respected + c->other_ports + c->other_side + c->unconnected;

	printf("PID %ld (%s): configured %zu %s and %zu %s", (long)t->pid, t->name,
	       c->listeners, kashim_plural(c->listeners, "listener", "listeners"),
	       c->connections, kashim_plural(c->connections, "connection", "connections"));
	if (c->refused > 0)
		printf("; %zu refused options", c->refused);
	if (left > 0)
		printf("; left alone:");
	if (c->respected > 0)
		printf(" %zu with keepalive set by the program (KASHIM_POLICY=respect)%s",
		       c->respected, left > c->respected ? "," : "");
	left -= c->respected;
	if (c->other_ports > 0)
		printf(" %zu on ports not in KASHIM_PORTS%s", c->other_ports,
		       left > c->other_ports ? "," : "");
	left -= c->other_ports;
	if (c->other_side > 0)
		printf(" %zu on a side not in KASHIM_SIDES%s", c->other_side,
		       left > c->other_side ? "," : "");
	if (c->unconnected > 0)
		printf(" %zu not connected yet", c->unconnected);
	putchar('\n');
	fflush(stdout);
}

int kashim_tally_any(const struct kashim_tally *c)
{
	return c->listeners + c->connections + c->refused + c->respected + c->other_ports +
	       c->other_side > 0;
}
