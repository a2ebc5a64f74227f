/*
 * What kashim --unit follows, found from systemd's properties: the
 * cgroups to attach to (the unit's, the services a socket unit starts,
 * a socket unit's own when its listeners were made there) and the socket
 * units whose listeners systemd made in PID 1, configured directly.
 */
#ifndef KASHIM_UNIT_PLAN_H
#define KASHIM_UNIT_PLAN_H

#include "systemctl.h"

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define KASHIM_PLAN_MAX 16

/* A cgroup kashim keeps its program attached to, across re-creations. */
struct kashim_followed {
	char unit[256];
	char path[PATH_MAX]; /* the cgroup v2 directory */
	int link;            /* -1 while not attached */
	ino_t inode;         /* of the directory attached to, or last tried */
	int attached_once;
};

struct kashim_plan {
	char unit[256];                    /* the unit named */
	struct kashim_followed cgroups[KASHIM_PLAN_MAX];
	size_t ncgroups;
	char sockets[KASHIM_PLAN_MAX][256]; /* socket units whose listeners are followed */
	struct kashim_unit_props socket_props[KASHIM_PLAN_MAX]; /* their Listen= */
	char socket_cgroups[KASHIM_PLAN_MAX][PATH_MAX];          /* their own cgroups */
	size_t nsockets;
};

/*
 * Fill plan (large: static) for unit (a full unit name) from systemd. Returns 0; 1 with
 * one line on stderr when the unit does not exist or is not running;
 * 125 with one line when systemd or the cgroup v2 hierarchy cannot be
 * asked.
 */
int kashim_plan_make(const char *unit, struct kashim_plan *plan);

/* Add cgroup path (of unit) to those followed, once. */
void kashim_plan_follow(struct kashim_plan *plan, const char *unit, const char *path);

#endif
