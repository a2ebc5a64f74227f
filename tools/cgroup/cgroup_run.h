/*
 * kashim --mode=cgroup COMMAND: COMMAND in a new cgroup of its own with
 * kashim's program attached, so every connection it or its descendants
 * make or accept is configured by the kernel from the first; kashim stays
 * as its parent (signals and exit status passed through as with the
 * seccomp supervisor) and removes the cgroup when COMMAND is done.
 */
#ifndef KASHIM_CGROUP_RUN_H
#define KASHIM_CGROUP_RUN_H

#include "cgroup_cmd.h"
#include "core/config/config.h"
#include "tools/kashim/launch.h"

/*
 * Run argv in a cgroup of its own. Returns only in a process that is to
 * exec argv: the child, once in the cgroup; or kashim itself when there
 * is nothing to configure (KASHIM_KEEPALIVE off), or nothing could be
 * attached and launch->run_unconfigured is set. Otherwise exits as the
 * child did, or 125 when nothing could be attached.
 */
void kashim_cgroup_exec(char *const *argv, const struct kashim_launch *launch,
			const struct kashim_cgroup_request *req,
			const char *const values[KASHIM_VAR_COUNT]);

#endif
