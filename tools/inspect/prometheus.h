/*
 * kashim-inspect --missing --format prometheus: counts of sockets with
 * and without keepalive, in the text format node_exporter's textfile
 * collector reads. Series are labelled by program, systemd unit, side,
 * port and reason, never by PID: PIDs churn, and each would make a new
 * series.
 */
#ifndef KASHIM_PROMETHEUS_H
#define KASHIM_PROMETHEUS_H

#include <stdio.h>

/* Why a process's sockets are not counted. */
enum kashim_unread {
	KASHIM_UNREAD_PERMISSION, KASHIM_UNREAD_VANISHED, KASHIM_UNREAD_OTHER,
	KASHIM_UNREAD_KINDS
};

struct kashim_series;

struct kashim_metrics {
	struct kashim_series *series;
	size_t count, allocated;
	unsigned long inspected;                       /* processes read */
	unsigned long unreadable[KASHIM_UNREAD_KINDS]; /* processes not (fully) read */
	int max_idle;                                  /* seconds; 0: none */
};

/*
 * Count one socket: configured when reason is NULL, else missing for
 * reason ("keepalive off"). side is KASHIM_SIDE_ACCEPT or _CONNECT, port
 * the one KASHIM_PORTS would match. Exits on running out of memory.
 */
void kashim_metrics_add(struct kashim_metrics *m, const char *program, const char *unit,
			int side, unsigned port, const char *reason);

/* Write m, each family's HELP and TYPE lines first; sorts its series. */
void kashim_print_prometheus(FILE *out, struct kashim_metrics *m);

void kashim_metrics_free(struct kashim_metrics *m);

#endif
