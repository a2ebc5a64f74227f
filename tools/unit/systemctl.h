/*
 * What systemd says about a unit, asked the way an operator would:
 * `systemctl show -p PROPERTY,... -- NAME`, whose output is the same on
 * every systemd since long before BPFProgram= (no D-Bus library needed).
 */
#ifndef KASHIM_SYSTEMCTL_H
#define KASHIM_SYSTEMCTL_H

#include <stddef.h>

/* The properties of one unit, as systemctl printed them ("Key=value" lines). */
struct kashim_unit_props {
	char text[16384];
};

/*
 * Whether name is a valid unit name (systemd's characters, at most 255
 * bytes, no leading dot). A name without a type suffix gets ".service",
 * as systemctl gives it; the full name goes into full. Returns 0, or -1.
 */
int kashim_unit_name(const char *name, char *full, size_t size);

/*
 * Ask systemctl for unit's Id, LoadState, ActiveState, ControlGroup,
 * Slice, TriggeredBy, Triggers, Listen and Accept. Returns 0, or -1 with
 * one line in err (no systemctl, or systemd did not answer).
 */
int kashim_unit_show(const char *unit, struct kashim_unit_props *props, char *err,
		     size_t err_size);

/*
 * The value of key (its nth line when there are several, from 0), or NULL.
 * Points into props, up to the end of the line: copy it with
 * kashim_unit_prop_copy.
 */
const char *kashim_unit_prop(const struct kashim_unit_props *props, const char *key, int nth);

/* The value of key's nth line into buf ("" when there is none). */
const char *kashim_unit_prop_copy(const struct kashim_unit_props *props, const char *key,
				  int nth, char *buf, size_t size);

#endif
