/*
 * The Prometheus text exposition format (version 0.0.4), as node_exporter's
 * textfile collector parses it: each family's HELP and TYPE once, then its
 * samples; label values escaped; no two samples with the same labels.
 * Names are made printable ASCII first, so the file is valid UTF-8
 * whatever a process called itself.
 */
#include "prometheus.h"
#include "missing.h"
#include "tools/readers/process.h"
#include "tools/readers/side.h"

#include <stdlib.h>
#include <string.h>

#define KASHIM_LABEL_MAX 128

struct kashim_series {
	char program[KASHIM_LABEL_MAX];
	char unit[KASHIM_LABEL_MAX];
	char reason[KASHIM_LABEL_MAX]; /* "" for a configured socket */
	int side;
	unsigned port;
	unsigned long count;
};

/* Order: configured before missing, then by labels; 0 for the same series. */
static int kashim_series_cmp(const struct kashim_series *a, const struct kashim_series *b)
{
	int c;

	if ((a->reason[0] != '\0') != (b->reason[0] != '\0'))
		return a->reason[0] != '\0' ? 1 : -1;
	if ((c = strcmp(a->program, b->program)) != 0 || (c = strcmp(a->unit, b->unit)) != 0)
		return c;
	if (a->side != b->side)
		return a->side < b->side ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->reason, b->reason);
}

static int kashim_series_qsort(const void *a, const void *b)
{
	return kashim_series_cmp(a, b);
}

void kashim_metrics_add(struct kashim_metrics *m, const char *program, const char *unit,
			int side, unsigned port, const char *reason)
{
	struct kashim_series key;
	size_t i;

	memset(&key, 0, sizeof key);
	kashim_printable(key.program, sizeof key.program, program);
	kashim_printable(key.unit, sizeof key.unit, unit);
	kashim_printable(key.reason, sizeof key.reason, reason != NULL ? reason : "");
	key.side = side;
	key.port = port;
	/* a machine has a few hundred series at most: a linear search will do */
	for (i = 0; i < m->count; i++) {
		if (kashim_series_cmp(&m->series[i], &key) == 0) {
			m->series[i].count++;
			return;
		}
	}
	if (m->count == m->allocated) {
		size_t more = m->allocated == 0 ? 32 : 2 * m->allocated;
		struct kashim_series *grown = realloc(m->series, more * sizeof *grown);

		if (grown == NULL) {
			perror("kashim-inspect");
			exit(KASHIM_MISSING_UNREADABLE);
		}
		m->series = grown;
		m->allocated = more;
	}
	key.count = 1;
	m->series[m->count++] = key;
}

/* A label value: backslash, double quote and newline escaped. */
static void kashim_write_label(FILE *out, const char *name, const char *value)
{
	const char *p;

	fprintf(out, "%s=\"", name);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void kashim_family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void kashim_print_series(FILE *out, const struct kashim_metrics *m, int missing)
{
	size_t i;

	for (i = 0; i < m->count; i++) {
		const struct kashim_series *s = &m->series[i];
		char port[16];

		if ((s->reason[0] != '\0') != missing)
			continue;
		snprintf(port, sizeof port, "%u", s->port);
		fprintf(out, "%s{", missing ? "kashim_sockets_missing" : "kashim_sockets_configured");
		kashim_write_label(out, "program", s->program);
		fputc(',', out);
		kashim_write_label(out, "unit", s->unit);
		fputc(',', out);
		kashim_write_label(out, "side", kashim_side_name(s->side));
		fputc(',', out);
		kashim_write_label(out, "port", port);
		if (missing) {
			fputc(',', out);
			kashim_write_label(out, "reason", s->reason);
		}
		fprintf(out, "} %lu\n", s->count);
	}
}

void kashim_print_prometheus(FILE *out, struct kashim_metrics *m)
{
	static const char *const unread_names[KASHIM_UNREAD_KINDS] = {
		"permission", "vanished", "other"
	};
	int i;

	if (m->count > 1)
		qsort(m->series, m->count, sizeof *m->series, kashim_series_qsort);
	kashim_family(out, "kashim_sockets_configured",
		      "TCP listeners and connections with keepalive on (and, with --max-idle, "
		      "a first probe soon enough), by program, systemd unit, side and port "
		      "(local on the accept side, remote on the connect side).");
	kashim_print_series(out, m, 0);
	kashim_family(out, "kashim_sockets_missing",
		      "TCP listeners and connections without keepalive, or whose first probe "
		      "would come later than --max-idle, by program, systemd unit, side, port "
		      "and reason.");
	kashim_print_series(out, m, 1);
	kashim_family(out, "kashim_processes_inspected",
		      "Processes whose sockets were read.");
	fprintf(out, "kashim_processes_inspected %lu\n", m->inspected);
	kashim_family(out, "kashim_processes_unreadable",
		      "Processes whose sockets could not be read, or not all of them, by reason: "
		      "what they hold is counted in no other series.");
	for (i = 0; i < KASHIM_UNREAD_KINDS; i++)
		fprintf(out, "kashim_processes_unreadable{reason=\"%s\"} %lu\n", unread_names[i],
			m->unreadable[i]);
	kashim_family(out, "kashim_max_idle_seconds",
		      "The --max-idle threshold in seconds; 0 when keepalive on is enough.");
	fprintf(out, "kashim_max_idle_seconds %d\n", m->max_idle);
}

void kashim_metrics_free(struct kashim_metrics *m)
{
	free(m->series);
	m->series = NULL;
	m->count = m->allocated = 0;
}
