/*
 * Every KASHIM_* variable, one row each: see config_table.h for what a row
 * holds and who reads it. The ranges are the kernel's (include/net/tcp.h),
 * so that what kashim accepts is what setsockopt takes.
 */
#include "config_table.h"
#include "name.h"

#include <stddef.h>

#define KASHIM_FIELD(member) offsetof(struct kashim_config, member)
#define KASHIM_SWITCH_WORDS "1, on, yes, true, 0, off, no or false"
#define KASHIM_SECONDS_WORDS "whole seconds 1-32767, bare or with a unit (45, 45s, 10m, 2h)"

static const struct kashim_var_row kashim_rows[KASHIM_VAR_COUNT] = {
	[KASHIM_VAR_KEEPALIVE] = {
		.name = "KASHIM_KEEPALIVE", .kind = KASHIM_KIND_SWITCH, .min = 0, .max = 1,
		.range_unit = "", .field = KASHIM_FIELD(enabled), .initial = 1,
		.default_words = "on", .fallback = "keeping keepalive on",
		.key = "keepalive", .shown_unit = "",
		.option = "keepalive", .metavar = "on|off",
		.help = "the master switch: off leaves every socket untouched",
		.accepts = KASHIM_SWITCH_WORDS,
	},
	[KASHIM_VAR_KEEPIDLE] = {
		.name = "KASHIM_KEEPIDLE", .kind = KASHIM_KIND_SECONDS,
		.min = 1, .max = KASHIM_KEEPIDLE_MAX, .range_unit = " seconds",
		.field = KASHIM_FIELD(keepidle), .initial = KASHIM_UNSET,
		.default_words = "the system's, net.ipv4.tcp_keepalive_time",
		.fallback = "keeping the system default", .key = "idle", .shown_unit = "",
		.option = "idle", .metavar = "DUR", .help = "idle time before the first probe",
		.accepts = KASHIM_SECONDS_WORDS,
	},
	[KASHIM_VAR_KEEPINTVL] = {
		.name = "KASHIM_KEEPINTVL", .kind = KASHIM_KIND_SECONDS,
		.min = 1, .max = KASHIM_KEEPINTVL_MAX, .range_unit = " seconds",
		.field = KASHIM_FIELD(keepintvl), .initial = KASHIM_UNSET,
		.default_words = "the system's, net.ipv4.tcp_keepalive_intvl",
		.fallback = "keeping the system default", .key = "intvl", .shown_unit = "",
		.option = "interval", .metavar = "DUR", .help = "time between probes",
		.accepts = KASHIM_SECONDS_WORDS,
	},
	[KASHIM_VAR_KEEPCNT] = {
		.name = "KASHIM_KEEPCNT", .kind = KASHIM_KIND_COUNT,
		.min = 1, .max = KASHIM_KEEPCNT_MAX, .range_unit = "",
		.field = KASHIM_FIELD(keepcnt), .initial = KASHIM_UNSET,
		.default_words = "the system's, net.ipv4.tcp_keepalive_probes",
		.fallback = "keeping the system default", .key = "cnt", .shown_unit = "",
		.option = "count", .metavar = "N",
		.help = "unanswered probes before the connection is dropped",
		.accepts = "an integer 1-127",
	},
	[KASHIM_VAR_USER_TIMEOUT] = {
		.name = "KASHIM_USER_TIMEOUT", .kind = KASHIM_KIND_MILLIS,
		.min = 0, .max = KASHIM_USER_TIMEOUT_MAX, .range_unit = " ms",
		.field = KASHIM_FIELD(user_timeout), .initial = KASHIM_UNSET,
		.default_words = "not set", .fallback = "leaving TCP_USER_TIMEOUT unset",
		.key = "user_timeout", .shown_unit = "ms",
		.option = "user-timeout", .metavar = "DUR|auto",
		.help = "how long sent data may stay unacknowledged",
		.note = "auto: idle + interval x count, the system's value for any not set",
		.accepts = "milliseconds 0-2147483647, bare or with a unit (500ms, 30s, 2m), or auto",
		/* TCP_USER_TIMEOUT is in milliseconds where the timers are in
		 * seconds: "30" is far more likely a slip than a wish. */
		.note_below = 1000,
	},
	[KASHIM_VAR_DEBUG] = {
		.name = "KASHIM_DEBUG", .kind = KASHIM_KIND_SWITCH, .min = 0, .max = 1,
		.range_unit = "", .field = KASHIM_FIELD(debug), .initial = 0,
		.default_words = "off", .fallback = "keeping debug off",
		.key = "debug", .shown_unit = "",
		.option = "debug", .metavar = NULL,
		.help = "log the configuration and each configured socket to stderr",
		.accepts = KASHIM_SWITCH_WORDS,
	},
	[KASHIM_VAR_SIDES] = {
		.name = "KASHIM_SIDES", .kind = KASHIM_KIND_SIDES,
		.min = 1, .max = KASHIM_SIDES_ALL, .range_unit = "",
		.field = KASHIM_FIELD(sides), .initial = KASHIM_SIDES_ALL,
		.default_words = "accept,connect", .fallback = "keeping both sides",
		.key = "sides", .shown_unit = "",
		.option = "sides", .metavar = "SIDES",
		.help = "which sockets: accepted (and listening), connecting, or both",
		.accepts = "accept, connect or accept,connect",
	},
	[KASHIM_VAR_POLICY] = {
		.name = "KASHIM_POLICY", .kind = KASHIM_KIND_POLICY,
		.min = KASHIM_POLICY_OVERRIDE, .max = KASHIM_POLICY_RESPECT, .range_unit = "",
		.field = KASHIM_FIELD(policy), .initial = KASHIM_POLICY_OVERRIDE,
		.default_words = "override", .fallback = "keeping override",
		.key = "policy", .shown_unit = "",
		.option = "policy", .metavar = "POLICY",
		.help = "respect: each keepalive timer the program set on a socket keeps its value",
		.accepts = "override or respect",
	},
	[KASHIM_VAR_PORTS] = {
		.name = "KASHIM_PORTS", .kind = KASHIM_KIND_PORTS,
		.min = 1, .max = KASHIM_PORT_MAX, .range_unit = "",
		.field = KASHIM_FIELD(every_port), .initial = 1,
		.default_words = "every port", .fallback = "keeping every port",
		.key = "ports", .shown_unit = "",
		.option = "ports", .metavar = "LIST",
		.help = "only these service ports: a listener's own, a connect's remote one",
		.accepts = "ports 1-65535 and ranges, comma-separated (22,5432,8000-8100)",
	},
	[KASHIM_VAR_PROGRAMS] = {
		.name = "KASHIM_PROGRAMS", .kind = KASHIM_KIND_PROGRAMS,
		.min = 0, .max = 0, .range_unit = "",
		.field = KASHIM_FIELD(every_program), .initial = 1,
		.default_words = "every program", .fallback = "keeping every program",
		.key = "programs", .shown_unit = "",
		.option = "programs", .metavar = "LIST",
		.help = "only these programs, by executable name or argv[0]",
		.accepts = "program names, not paths, comma-separated; !name excludes (nginx,redis-server or !curl)",
	},
};

/* Other LD_PRELOAD keepalive libraries' variables, set by habit or by a
 * migration half done: kashim reads none of them, and says so. */
static const struct kashim_foreign_name kashim_foreign[] = {
	{ "KEEPALIVE", "libkeepalive", KASHIM_VAR_KEEPALIVE },
	{ "KEEPIDLE", "libkeepalive", KASHIM_VAR_KEEPIDLE },
	{ "KEEPINTVL", "libkeepalive", KASHIM_VAR_KEEPINTVL },
	{ "KEEPCNT", "libkeepalive", KASHIM_VAR_KEEPCNT },
	{ "DD_TCP_KEEPALIVE_TIME", "libdontdie", KASHIM_VAR_KEEPIDLE },
	{ "DD_TCP_KEEPALIVE_INTVL", "libdontdie", KASHIM_VAR_KEEPINTVL },
	{ "DD_TCP_KEEPALIVE_PROBES", "libdontdie", KASHIM_VAR_KEEPCNT },
	{ "DD_DEBUG", "libdontdie", KASHIM_VAR_DEBUG },
};

const struct kashim_var_row *kashim_row(enum kashim_var var)
{
	return &kashim_rows[var];
}

const struct kashim_foreign_name *kashim_foreign_names(size_t *count)
{
	*count = sizeof kashim_foreign / sizeof kashim_foreign[0];
	return kashim_foreign;
}

const char *kashim_var_name(enum kashim_var var)
{
	return kashim_rows[var].name;
}

int kashim_is_timer(enum kashim_var var)
{
	enum kashim_kind kind = kashim_rows[var].kind;

	return kind == KASHIM_KIND_SECONDS || kind == KASHIM_KIND_COUNT ||
	       kind == KASHIM_KIND_MILLIS;
}

enum kashim_var kashim_find_var(const char *name, size_t length)
{
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		if (kashim_name_is(name, length, kashim_rows[i].name))
			return (enum kashim_var)i;
	}
	return KASHIM_VAR_COUNT;
}
