/*
 * kashim-inspect's two outputs: an aligned table for people and JSON for
 * scripts. Both print the same facts; unreadable values are "?" in the
 * table and null in JSON, never a made-up number.
 */
#include "inspect.h"
#include "tools/readers/proc_tcp.h"
#include "tools/readers/process.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

enum kashim_column {
	KASHIM_COL_FD, KASHIM_COL_STATE, KASHIM_COL_LOCAL, KASHIM_COL_REMOTE,
	KASHIM_COL_KEEPALIVE, KASHIM_COL_IDLE, KASHIM_COL_INTVL, KASHIM_COL_CNT,
	KASHIM_COL_USER_TIMEOUT, KASHIM_COL_TIMER, KASHIM_COLUMNS
};

static const char *const kashim_headers[KASHIM_COLUMNS] = {
	"FD", "STATE", "LOCAL", "REMOTE", "KEEPALIVE", "IDLE", "INTVL", "CNT",
	"USER_TIMEOUT", "TIMER",
};

#define KASHIM_CELL_MAX 80

/* The address alone: "127.0.0.1", "::1". */
static void kashim_format_address(char *buf, size_t size, int family,
				  const struct in6_addr *addr)
{
	if (inet_ntop(family, addr->s6_addr, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
}

/* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:*" for no port. */
static void kashim_format_endpoint(char *buf, size_t size, int family,
				   const struct in6_addr *addr, unsigned port)
{
	char text[INET6_ADDRSTRLEN];
	char port_text[16] = "*";

	kashim_format_address(text, sizeof text, family, addr);
	if (port != 0)
		snprintf(port_text, sizeof port_text, "%u", port);
	if (family == AF_INET6)
		snprintf(buf, size, "[%s]:%s", text, port_text);
	else
		snprintf(buf, size, "%s:%s", text, port_text);
}

/* Seconds with two decimals, from clock ticks, without floating point. */
static void kashim_format_seconds(char *buf, size_t size, unsigned long ticks, long clock_ticks)
{
	unsigned long hz = clock_ticks > 0 ? (unsigned long)clock_ticks : 100UL;

	snprintf(buf, size, "%lu.%02lu", ticks / hz, (ticks % hz) * 100 / hz);
}

static void kashim_format_timer(char *buf, size_t size, const struct kashim_inspect_socket *s,
				long clock_ticks)
{
	char seconds[32];

	if (!s->timer_known) {
		snprintf(buf, size, "?");
		return;
	}
	if (s->timer == KASHIM_TIMER_NONE) {
		snprintf(buf, size, "-");
		return;
	}
	kashim_format_seconds(seconds, sizeof seconds, s->timer_ticks, clock_ticks);
	if (s->probes > 0)
		snprintf(buf, size, "%s %ss, %u probe%s", kashim_tcp_timer_name(s->timer),
			 seconds, s->probes, s->probes == 1 ? "" : "s");
	else
		snprintf(buf, size, "%s %ss", kashim_tcp_timer_name(s->timer), seconds);
}

static void kashim_fill_row(char cells[KASHIM_COLUMNS][KASHIM_CELL_MAX],
			    const struct kashim_inspect_socket *s, long clock_ticks)
{
	const struct kashim_sockopts *o = &s->opts;
	int known = s->options_errno == 0;
	int c;

	snprintf(cells[KASHIM_COL_FD], KASHIM_CELL_MAX, "%d", s->fd);
	snprintf(cells[KASHIM_COL_STATE], KASHIM_CELL_MAX, "%s", kashim_tcp_state_name(s->id.state));
	kashim_format_endpoint(cells[KASHIM_COL_LOCAL], KASHIM_CELL_MAX, s->id.family,
			       &s->id.local, s->id.local_port);
	kashim_format_endpoint(cells[KASHIM_COL_REMOTE], KASHIM_CELL_MAX, s->id.family,
			       &s->id.remote, s->id.remote_port);
	for (c = KASHIM_COL_KEEPALIVE; c <= KASHIM_COL_USER_TIMEOUT; c++)
		snprintf(cells[c], KASHIM_CELL_MAX, "?");
	if (known) {
		snprintf(cells[KASHIM_COL_KEEPALIVE], KASHIM_CELL_MAX, "%s",
			 o->keepalive ? "on" : "off");
		snprintf(cells[KASHIM_COL_IDLE], KASHIM_CELL_MAX, "%ds", o->keepidle);
		snprintf(cells[KASHIM_COL_INTVL], KASHIM_CELL_MAX, "%ds", o->keepintvl);
		snprintf(cells[KASHIM_COL_CNT], KASHIM_CELL_MAX, "%d", o->keepcnt);
		snprintf(cells[KASHIM_COL_USER_TIMEOUT], KASHIM_CELL_MAX, "%dms", o->user_timeout);
	}
	kashim_format_timer(cells[KASHIM_COL_TIMER], KASHIM_CELL_MAX, s, clock_ticks);
}

static void kashim_print_row(FILE *out, char cells[KASHIM_COLUMNS][KASHIM_CELL_MAX],
			     const int widths[KASHIM_COLUMNS])
{
	int c;

	for (c = 0; c < KASHIM_COLUMNS; c++) {
		if (c == KASHIM_COLUMNS - 1)
			fprintf(out, "%s\n", cells[c]); /* no trailing blanks */
		else
			fprintf(out, "%-*s  ", widths[c], cells[c]);
	}
}

/* One process: a heading line, then its sockets, columns as wide as needed. */
static void kashim_print_process_table(FILE *out, const struct kashim_inspect_process *p,
				       long clock_ticks)
{
	char cells[KASHIM_COLUMNS][KASHIM_CELL_MAX];
	char name[sizeof p->name];
	int widths[KASHIM_COLUMNS];
	size_t i;
	int c;

	kashim_printable(name, sizeof name, p->name);
	if (p->count == 0) {
		fprintf(out, "PID %ld (%s): no TCP sockets\n", (long)p->pid, name);
		return;
	}
	fprintf(out, "PID %ld (%s): %zu TCP socket%s%s", (long)p->pid, name, p->count,
		p->count == 1 ? "" : "s", p->missing ? " without keepalive" : "");
	if (p->missing && p->max_idle > 0)
		fprintf(out, " within %d s", p->max_idle);
	fputc('\n', out);
	for (i = 0; p->missing && i < p->nwhy; i++)
		fprintf(out, "  why: %s\n", p->why[i]);
	for (c = 0; c < p->nattached; c++)
		fprintf(out, "  cgroup: %s\n", p->attached[c]);
	for (c = 0; c < KASHIM_COLUMNS; c++)
		widths[c] = (int)strlen(kashim_headers[c]);
	for (i = 0; i < p->count; i++) {
		kashim_fill_row(cells, &p->sockets[i], clock_ticks);
		for (c = 0; c < KASHIM_COLUMNS; c++) {
			int len = (int)strlen(cells[c]);

			if (len > widths[c])
				widths[c] = len;
		}
	}
	for (c = 0; c < KASHIM_COLUMNS; c++)
		snprintf(cells[c], KASHIM_CELL_MAX, "%s", kashim_headers[c]);
	kashim_print_row(out, cells, widths);
	for (i = 0; i < p->count; i++) {
		kashim_fill_row(cells, &p->sockets[i], clock_ticks);
		kashim_print_row(out, cells, widths);
	}
}

void kashim_print_table(FILE *out, const struct kashim_inspect_process *procs, size_t n,
			long clock_ticks)
{
	size_t i, printed = 0;

	for (i = 0; i < n; i++) {
		if (procs[i].error != 0)
			continue; /* already explained on stderr */
		if (printed++ > 0)
			fputc('\n', out);
		kashim_print_process_table(out, &procs[i], clock_ticks);
	}
}

/*
 * A JSON string. Bytes outside printable ASCII are escaped as \u00XX, so
 * the output is valid UTF-8 whatever a process called itself.
 */
static void kashim_json_string(FILE *out, const char *text)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void kashim_json_endpoint(FILE *out, int family, const struct in6_addr *addr,
				 unsigned port)
{
	char text[INET6_ADDRSTRLEN];

	kashim_format_address(text, sizeof text, family, addr);
	fprintf(out, "{\"address\": ");
	kashim_json_string(out, text);
	fprintf(out, ", \"port\": %u}", port);
}

static void kashim_json_socket(FILE *out, const struct kashim_inspect_socket *s,
			       long clock_ticks)
{
	char seconds[32];

	fprintf(out, "        {\"fd\": %d, \"inode\": %lu, \"family\": \"%s\", \"state\": \"%s\",\n",
		s->fd, s->inode, s->id.family == AF_INET6 ? "ipv6" : "ipv4",
		kashim_tcp_state_name(s->id.state));
	fprintf(out, "         \"local\": ");
	kashim_json_endpoint(out, s->id.family, &s->id.local, s->id.local_port);
	fprintf(out, ", \"remote\": ");
	kashim_json_endpoint(out, s->id.family, &s->id.remote, s->id.remote_port);
	fprintf(out, ",\n         \"options\": ");
	if (s->options_errno == 0)
		fprintf(out, "{\"keepalive\": %s, \"keepidle\": %d, \"keepintvl\": %d, "
			"\"keepcnt\": %d, \"user_timeout\": %d}, \"options_error\": null",
			s->opts.keepalive ? "true" : "false", s->opts.keepidle,
			s->opts.keepintvl, s->opts.keepcnt, s->opts.user_timeout);
	else {
		fprintf(out, "null, \"options_error\": ");
		kashim_json_string(out, strerror(s->options_errno));
	}
	fprintf(out, ",\n         \"timer\": ");
	if (!s->timer_known) {
		fprintf(out, "null");
	} else {
		kashim_format_seconds(seconds, sizeof seconds, s->timer_ticks, clock_ticks);
		fprintf(out, "{\"kind\": \"%s\", \"seconds\": %s, \"probes\": %u}",
			kashim_tcp_timer_name(s->timer),
			s->timer == KASHIM_TIMER_NONE ? "null" : seconds, s->probes);
	}
	fprintf(out, "}");
}

void kashim_print_json(FILE *out, const struct kashim_inspect_process *procs, size_t n,
		       long clock_ticks)
{
	size_t i, j;

	fprintf(out, "{\n  \"processes\": [");
	for (i = 0; i < n; i++) {
		const struct kashim_inspect_process *p = &procs[i];

		fprintf(out, "%s\n    {\"pid\": %ld, \"command\": ", i > 0 ? "," : "", (long)p->pid);
		kashim_json_string(out, p->name);
		fprintf(out, ", \"error\": ");
		if (p->error != 0)
			kashim_json_string(out, strerror(p->error));
		else
			fprintf(out, "null");
		if (p->missing) {
			fprintf(out, ",\n      \"why\": [");
			for (j = 0; j < p->nwhy; j++) {
				fprintf(out, "%s", j > 0 ? ", " : "");
				kashim_json_string(out, p->why[j]);
			}
			fprintf(out, "]");
		}
		if (p->nattached > 0) {
			fprintf(out, ",\n      \"cgroup_programs\": [");
			for (j = 0; j < (size_t)p->nattached; j++) {
				fprintf(out, "%s", j > 0 ? ", " : "");
				kashim_json_string(out, p->attached[j]);
			}
			fprintf(out, "]");
		}
		fprintf(out, ",\n      \"sockets\": [");
		for (j = 0; j < p->count; j++) {
			fprintf(out, "%s\n", j > 0 ? "," : "");
			kashim_json_socket(out, &p->sockets[j], clock_ticks);
		}
		fprintf(out, "%s]}", p->count > 0 ? "\n      " : "");
	}
	fprintf(out, "%s]\n}\n", n > 0 ? "\n  " : "");
}
