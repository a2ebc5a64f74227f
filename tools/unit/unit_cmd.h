/*
 * The systemd side of the kernel's reach. kashim --unit NAME follows a
 * unit: its cgroup, the listeners of the socket units that start it, and
 * the cgroup made again at each restart, for as long as kashim runs.
 * kashim --pin FILE leaves the program in a BPF filesystem instead, for
 * systemd itself to attach with BPFProgram= (--unpin FILE removes it).
 */
#ifndef KASHIM_UNIT_CMD_H
#define KASHIM_UNIT_CMD_H

#include "core/config/config.h"

#include <stddef.h>
#include <stdio.h>

struct kashim_unit_request {
	const char *unit;  /* --unit */
	const char *pin;   /* --pin */
	const char *unpin; /* --unpin */
};

/*
 * Take --unit, --pin or --unpin (name is len bytes, value what followed
 * '=' or NULL; the value may be the next argument, argv[*i + 1]). Returns
 * 1 when taken, 0 for another option, -1 with a message in err.
 */
int kashim_unit_option(struct kashim_unit_request *req, const char *name, size_t len,
		       const char *value, int argc, char **argv, int *i, char *err,
		       size_t err_size);

/* Whether --unit, --pin or --unpin was given (exactly one may be). */
int kashim_unit_wanted(const struct kashim_unit_request *req);

/* --help's lines. */
void kashim_unit_help(FILE *out);

/*
 * Do what was asked. force is --force (a unit whose cgroup holds kashim
 * itself), kernel the version to act as (kashim_cgroup_kernel). Returns
 * the exit status: 0; 1 when the unit does not exist or is not running,
 * or a pass over open sockets could not reach everything; 125 when
 * kashim itself fails or refuses.
 */
int kashim_unit_run(const struct kashim_unit_request *req,
		    const char *const values[KASHIM_VAR_COUNT], int debug, int force, int kernel,
		    int has_command);

/* The two ways, each in its own file. */
int kashim_unit_follow(const char *unit, const struct kashim_config *cfg,
		       const char *const values[KASHIM_VAR_COUNT], int debug, int force);
/*
 * Why systemd would refuse BPFProgram= here (its cgroups are not all
 * unified): returns 1 with the line in err, or 0 when it would take it.
 */
int kashim_pin_refused(char *err, size_t err_size);
int kashim_pin_run(const char *file, const struct kashim_config *cfg, int debug);
int kashim_unpin_run(const char *file);

#endif
