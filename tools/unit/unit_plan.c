#include "unit_plan.h"
#include "systemctl.h"
#include "core/config/name.h"
#include "tools/cgroup/cgroup_dir.h"

#include <stdio.h>
#include <string.h>

#include "tools/cli/exit_status.h"

/* kashim(1)'s status for a unit that does not exist or is not running */
#define KASHIM_EXIT_NOT_RUNNING 1

static char kashim_v2_mount[PATH_MAX];

/* Is a unit in this ActiveState running (it has, or is making, processes)? */
static int kashim_state_running(const char *state)
{
	return strcmp(state, "active") == 0 || strcmp(state, "activating") == 0 ||
	       strcmp(state, "reloading") == 0 || strcmp(state, "deactivating") == 0;
}

/*
 * The cgroup path systemd gives unit: its ControlGroup while it runs;
 * otherwise made from its Slice as systemd makes it ("a-b.slice" is
 * /a.slice/a-b.slice; "-.slice" the root), the unit's name escaped with
 * a leading "_" where systemd's cg_escape does for a name that starts
 * with one.
 */
static void kashim_unit_cgroup(const struct kashim_unit_props *props, const char *unit,
			       char *path, size_t size)
{
	char group[PATH_MAX], slice[256], built[PATH_MAX] = "";
	size_t used = 0, i;

	kashim_unit_prop_copy(props, "ControlGroup", 0, group, sizeof group);
	if (group[0] == '\0') {
		kashim_unit_prop_copy(props, "Slice", 0, slice, sizeof slice);
		if (strcmp(slice, "-.slice") != 0 &&
		    kashim_name_ends_with(slice, strlen(slice), ".slice")) {
			size_t end = strlen(slice) - strlen(".slice");

			for (i = 0; i <= end && used < sizeof built; i++) {
				if (i == end || slice[i] == '-')
					used += (size_t)snprintf(built + used, sizeof built - used,
								 "/%.*s.slice", (int)i, slice);
			}
		}
		if ((size_t)snprintf(group, sizeof group, "%s/%s%s", built,
				     unit[0] == '_' ? "_" : "", unit) >= sizeof group) {
			path[0] = '\0'; /* too long to be a directory: never made */
			return;
		}
	}
	if ((size_t)snprintf(path, size, "%s%s", kashim_v2_mount,
			     strcmp(group, "/") == 0 ? "" : group) >= size)
		path[0] = '\0'; /* too long to be a directory: never made */
}

void kashim_plan_follow(struct kashim_plan *plan, const char *unit, const char *path)
{
	size_t i;

	for (i = 0; i < plan->ncgroups; i++) {
		if (strcmp(plan->cgroups[i].path, path) == 0)
			return;
	}
	if (plan->ncgroups == KASHIM_PLAN_MAX)
		return;
	snprintf(plan->cgroups[i].unit, sizeof plan->cgroups[i].unit, "%s", unit);
	snprintf(plan->cgroups[i].path, sizeof plan->cgroups[i].path, "%s", path);
	plan->cgroups[i].link = -1;
	plan->cgroups[i].inode = 0;
	plan->ncgroups++;
}

/* The space-separated unit names of key, each ending in suffix, into names. */
static size_t kashim_related(const struct kashim_unit_props *props, const char *key,
			     const char *suffix, char (*names)[256], size_t max)
{
	char list[4096], *name, *save = NULL;
	size_t n = 0;

	kashim_unit_prop_copy(props, key, 0, list, sizeof list);
	for (name = strtok_r(list, " ", &save); name != NULL && n < max;
	     name = strtok_r(NULL, " ", &save)) {
		if (kashim_name_ends_with(name, strlen(name), suffix))
			snprintf(names[n++], sizeof names[0], "%s", name);
	}
	return n;
}

int kashim_plan_make(const char *unit, struct kashim_plan *plan)
{
	static struct kashim_unit_props props, other;
	char err[1024], state[64], path[PATH_MAX], services[KASHIM_PLAN_MAX][256];
	size_t i, nservices = 0;
	int running, is_socket = kashim_name_ends_with(unit, strlen(unit), ".socket");

	plan->ncgroups = plan->nsockets = 0;
	snprintf(plan->unit, sizeof plan->unit, "%s", unit);
	if (kashim_cgroup_mount(kashim_v2_mount, sizeof kashim_v2_mount) != 0) {
		fprintf(stderr, "kashim: no cgroup v2 hierarchy is mounted (cgroup v1 only): the "
			"kernel's reach needs one; nothing was attached\n");
		return KASHIM_EXIT_FAILURE;
	}
	if (kashim_unit_show(unit, &props, err, sizeof err) != 0) {
		fprintf(stderr, "kashim: %s; nothing was attached\n", err);
		return KASHIM_EXIT_FAILURE;
	}
	kashim_unit_prop_copy(&props, "LoadState", 0, state, sizeof state);
	if (strcmp(state, "loaded") != 0) {
		fprintf(stderr, "kashim: no unit %s (LoadState=%s)\n", unit, state);
		return KASHIM_EXIT_NOT_RUNNING;
	}
	kashim_unit_prop_copy(&props, "ActiveState", 0, state, sizeof state);
	running = kashim_state_running(state);
	if (is_socket) {
		snprintf(plan->sockets[plan->nsockets++], sizeof plan->sockets[0], "%s", unit);
		nservices = kashim_related(&props, "Triggers", ".service", services, KASHIM_PLAN_MAX);
	} else {
		kashim_unit_cgroup(&props, unit, path, sizeof path);
		kashim_plan_follow(plan, unit, path);
		plan->nsockets = kashim_related(&props, "TriggeredBy", ".socket", plan->sockets,
						KASHIM_PLAN_MAX);
	}
	for (i = 0; i < plan->nsockets; i++) {
		struct kashim_unit_props *socket = &plan->socket_props[i];
		char socket_state[64];

		if (is_socket)
			*socket = props;
		else if (kashim_unit_show(plan->sockets[i], socket, err, sizeof err) != 0) {
			fprintf(stderr, "kashim: %s; nothing was attached\n", err);
			return KASHIM_EXIT_FAILURE;
		}
		kashim_unit_cgroup(socket, plan->sockets[i], plan->socket_cgroups[i],
				   sizeof plan->socket_cgroups[i]);
		/* a service not started yet runs all the same if a socket unit listens for it */
		if (kashim_state_running(kashim_unit_prop_copy(socket, "ActiveState", 0, socket_state,
							       sizeof socket_state)))
			running = 1;
	}
	if (!running) {
		fprintf(stderr, "kashim: unit %s is not running (ActiveState=%s)%s\n", unit, state,
			plan->nsockets > 0 && !is_socket ? ", nor is a socket unit that starts it" : "");
		return KASHIM_EXIT_NOT_RUNNING;
	}
	for (i = 0; i < nservices; i++) {
		if (kashim_unit_show(services[i], &other, err, sizeof err) != 0) {
			fprintf(stderr, "kashim: %s; nothing was attached\n", err);
			return KASHIM_EXIT_FAILURE;
		}
		kashim_unit_cgroup(&other, services[i], path, sizeof path);
		kashim_plan_follow(plan, services[i], path);
	}
	return 0;
}
