/*
 * A socket unit's TCP listeners: systemd makes them and holds them in
 * PID 1, so they are found among PID 1's descriptors by the addresses
 * the unit's Listen= property names. An accepted connection belongs to
 * its listener's cgroup, so where a listener was made decides how its
 * connections are reached.
 */
#ifndef KASHIM_LISTENERS_H
#define KASHIM_LISTENERS_H

#include "systemctl.h"
#include "core/config/config.h"

#include <stddef.h>
#include <stdint.h>

struct kashim_listener {
	int fd;               /* PID 1's descriptor */
	unsigned long inode;
	unsigned port;
	char address[128];    /* as Listen= shows it: "127.0.0.1:7021" */
	uint64_t cgroup;      /* id of the cgroup it was made in; 0 when not known */
};

/*
 * The TCP listeners of the socket unit whose properties are props, held
 * by PID 1, into out (at most max). Returns how many, or -1 with errno
 * (EACCES: PID 1's descriptors cannot be read).
 */
int kashim_socket_listeners(const struct kashim_unit_props *props, struct kashim_listener *out,
			    size_t max);

/*
 * Configure listener l in PID 1 (pidfd) with cfg, so that the connections
 * it accepts from now on inherit the values. Returns kashim_configure_scoped's
 * outcome, or -1 with errno (EPERM without ptrace permission over PID 1).
 */
int kashim_listener_configure(int pidfd, const struct kashim_listener *l,
			      const struct kashim_config *cfg);

#endif
