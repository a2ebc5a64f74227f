/*
 * kashim-inspect --missing: the TCP listeners and connections whose
 * keepalive is off, across given processes or all of them, and for each
 * process why it lacks it.
 */
#ifndef KASHIM_MISSING_H
#define KASHIM_MISSING_H

#include "inspect.h"
#include "tools/cli/exit_status.h"

#include <stdio.h>

/* --missing's exit statuses are KASHIM_MISSING_* (tools/cli/exit_status.h). */

struct kashim_missing_options {
	enum kashim_format format;
	int max_idle; /* seconds (--max-idle); 0: keepalive on is enough */
	FILE *out;    /* where the output goes */
};

/*
 * Look at the processes named by pids (npids valid PIDs), or at every
 * process when npids is 0 (--all), and print what lacks keepalive to
 * options->out in options->format (Prometheus: what has it too). A
 * socket with keepalive on lacks it when its first probe would come
 * after more than options->max_idle seconds of silence. Returns the exit
 * status:
 * KASHIM_MISSING_FOUND when anything lacks keepalive, else
 * KASHIM_MISSING_UNREADABLE when some process could not be read, else
 * KASHIM_MISSING_NONE.
 */
int kashim_missing(char **pids, int npids, const struct kashim_missing_options *options,
		   long clock_ticks);

#endif
