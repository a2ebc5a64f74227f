/*
 * kashim's configuration: the KASHIM_* environment variables parsed once
 * into a struct that is never written again. Every variable is one row of
 * the table in config_table.c; parsing (parse.c, which reads nothing but
 * its text), loading the environment (env.c) and reading /proc (proc.c)
 * are driven by it. No preloading needed, so all of it links into unit
 * tests, fuzzers and tools.
 */
#ifndef KASHIM_CONFIG_H
#define KASHIM_CONFIG_H

#include <stddef.h>

/* An option left at the system default. */
#define KASHIM_UNSET (-1)
/* KASHIM_USER_TIMEOUT=auto, before it is resolved to milliseconds. */
#define KASHIM_AUTO (-2)

/* Kernel limits, from include/net/tcp.h (MAX_TCP_KEEPIDLE and friends). */
#define KASHIM_KEEPIDLE_MAX 32767
#define KASHIM_KEEPINTVL_MAX 32767
#define KASHIM_KEEPCNT_MAX 127
#define KASHIM_USER_TIMEOUT_MAX 2147483647L

/*
 * Room for any message kashim_parse writes: at most a 19-byte name,
 * a 127-byte quoted value, a 33-byte problem, a 63-byte quoted item and an
 * 87-byte list of what is accepted, with their glue: 340 bytes.
 */
#define KASHIM_MESSAGE_MAX 384

/* The variables, in the table's order. */
enum kashim_var {
	KASHIM_VAR_KEEPALIVE,
	KASHIM_VAR_KEEPIDLE,
	KASHIM_VAR_KEEPINTVL,
	KASHIM_VAR_KEEPCNT,
	KASHIM_VAR_USER_TIMEOUT,
	KASHIM_VAR_DEBUG,
	KASHIM_VAR_SIDES,
	KASHIM_VAR_POLICY,
	KASHIM_VAR_PORTS,
	KASHIM_VAR_PROGRAMS,
	KASHIM_VAR_COUNT
};

/* KASHIM_SIDES bits. A listening socket belongs to the accept side. */
#define KASHIM_SIDE_ACCEPT 0x1
#define KASHIM_SIDE_CONNECT 0x2
#define KASHIM_SIDES_ALL (KASHIM_SIDE_ACCEPT | KASHIM_SIDE_CONNECT)

/* KASHIM_POLICY values. */
#define KASHIM_POLICY_OVERRIDE 0
#define KASHIM_POLICY_RESPECT 1

#define KASHIM_PORT_MAX 65535
/* Bytes of a bitmap with one bit per port 0-65535. */
#define KASHIM_PORT_BYTES ((KASHIM_PORT_MAX + 1) / 8)

/* The kernel's keepalive defaults, as net.ipv4.tcp_keepalive_* give them. */
struct kashim_system_timers {
	int keepidle;
	int keepintvl;
	int keepcnt;
};

/* Each int is the field of one variable (its table row's field), but
 * for the last two, which kashim_config_load derives. The lists' contents
 * (ports, programs) sit beside their fields. */
struct kashim_config {
	int enabled;      /* 0: every socket is left untouched */
	int debug;        /* 1: log the config and every configured socket */
	int keepidle;     /* seconds, or KASHIM_UNSET */
	int keepintvl;    /* seconds, or KASHIM_UNSET */
	int keepcnt;      /* probes, or KASHIM_UNSET */
	int user_timeout; /* milliseconds, or KASHIM_UNSET */
	int sides;        /* KASHIM_SIDE_* bits of the sides to configure */
	int policy;       /* KASHIM_POLICY_* */
	int every_program; /* 1: no KASHIM_PROGRAMS, so every program is selected */
	int every_port;   /* 1: no KASHIM_PORTS, so no port is ever looked up */
	/* KASHIM_PROGRAMS as given, a list kashim_parse accepted, or NULL when
	 * every_program is 1. Not a verdict: kashim_programs_select judges a
	 * process by it. It points into the text the loader was given (the
	 * environment, /etc/kashim.conf's buffer), so it is judged while that
	 * text lives: the library judges itself once, at its start. */
	const char *programs;
	/* Bit p set (port_bits.h): port p is selected. Only read when
	 * every_port is 0. A static bitmap: no allocation, O(1) lookup. */
	unsigned char ports[KASHIM_PORT_BYTES];
	/* KASHIM_USER_TIMEOUT=auto was given (user_timeout holds its value
	 * for kashim's own timers). */
	int auto_user_timeout;
	/* With KASHIM_POLICY=respect, the system's timers, read at load: a
	 * socket's timer that differs from them was set by its program. */
	struct kashim_system_timers system;
};

/* The names KASHIM_PROGRAMS is matched against; "" when unknown. */
struct kashim_identity {
	char exe[256];   /* basename of /proc/self/exe, symlinks resolved */
	char argv0[256]; /* basename of argv[0] as the program was started */
};

/* "KASHIM_KEEPIDLE" and so on. */
const char *kashim_var_name(enum kashim_var var);

/* The variable called name, or KASHIM_VAR_COUNT when there is none. */
enum kashim_var kashim_find_var(const char *name, size_t length);

/* kashim_parse's results. */
#define KASHIM_REJECTED (-1) /* err says why; cfg keeps the default */
#define KASHIM_ACCEPTED 0    /* stored in cfg */
#define KASHIM_NOTED 1       /* stored in cfg, and err holds a note for it */

/*
 * Parse text as var's value straight into cfg's field for var (for
 * KASHIM_PORTS the bitmap too; for KASHIM_PROGRAMS cfg->programs, which
 * then points at text). KASHIM_USER_TIMEOUT=auto is stored as
 * KASHIM_AUTO; kashim_config_load resolves it. On KASHIM_REJECTED, err
 * has one line naming the variable, the value and what is accepted, e.g.
 * KASHIM_KEEPCNT="200" is out of range (1-127), and cfg's field is as it
 * was. On KASHIM_NOTED the value is stored, and err says what looks like
 * a mistake (a user timeout under a second). Reads nothing but text and
 * the table; never allocates; safe in a signal handler.
 */
int kashim_parse(struct kashim_config *cfg, enum kashim_var var, const char *text,
		 char *err, size_t err_size);

/*
 * kashim_parse without a config, for a value checked or read apart from
 * one (an option's): the same result and err, and *value the field
 * kashim_parse would store (for KASHIM_PORTS and KASHIM_PROGRAMS 0, the
 * list itself being only checked).
 */
int kashim_parse_value(enum kashim_var var, const char *text, long *value, char *err,
		       size_t err_size);

/* Set every variable's field to its default (the table's). */
void kashim_config_defaults(struct kashim_config *cfg);

/*
 * The field var is parsed into: its value, or in KASHIM_PORTS' case
 * every_port, in KASHIM_PROGRAMS' every_program.
 */
int kashim_config_field(const struct kashim_config *cfg, enum kashim_var var);

/* That field, to be written: the parser stores a value there. */
int *kashim_config_field_at(struct kashim_config *cfg, enum kashim_var var);

/*
 * What kashim_config_load says about a value: result is KASHIM_REJECTED
 * (the option keeps its default; kashim_row(var)->fallback says which) or
 * KASHIM_NOTED (the value is used), message the parser's line.
 */
typedef void kashim_warn_fn(enum kashim_var var, int result, const char *message);

/* kashim_config_load's sources: name's text (NULL when unset), and whom
 * to tell about a value; context is the caller's, passed back as is. */
typedef const char *kashim_lookup_fn(void *context, const char *name);
typedef void kashim_load_warn_fn(void *context, enum kashim_var var, int result,
				 const char *message);

/*
 * Fill cfg from lookup(context, name) (the environment, options, a test's
 * table). For each value that does not parse, or is worth a note, warn is
 * called once (unless NULL), and a bad value's option keeps its default.
 * KASHIM_PROGRAMS is read first, so that warn may judge cfg->programs
 * already: a program it leaves out may stay silent (the library's does).
 * KASHIM_USER_TIMEOUT=auto is resolved with system's values for any timer
 * that is not configured; a NULL system means read them with
 * kashim_read_system_timers, and only if auto or KASHIM_POLICY=respect
 * needs them (respect keeps them in cfg->system).
 */
void kashim_config_load(struct kashim_config *cfg, kashim_lookup_fn *lookup,
			kashim_load_warn_fn *warn, void *context,
			const struct kashim_system_timers *system);

/* getenv, as kashim_config_load_layered's env (getenv's own returns char *). */
const char *kashim_getenv(const char *name);

/*
 * Pass what kashim_config_load's warn was told on to say as one line: the
 * message, and for a rejected value what is kept instead (the table's
 * fallback: "...; keeping the system default"). No allocation.
 */
void kashim_say_value(enum kashim_var var, int result, const char *message,
		      void (*say)(const char *line));

/*
 * kashim_config_load over the tools' options: values[var] (an option's
 * text, or NULL) over the environment's. Strict, as the tools are: returns
 * 0, or -1 with err holding the message of the first bad value in the
 * table's order.
 */
int kashim_config_load_options(struct kashim_config *cfg,
			       const char *const values[KASHIM_VAR_COUNT], char *err,
			       size_t err_size);

/*
 * Does the list programs (cfg->programs, or a [section]'s: a list
 * kashim_parse accepted; NULL selects every program) select the program
 * who? A name matches when it equals either of who's names. With no plain
 * names every program is selected; a !name excludes, and wins over a
 * plain name. The one judge of KASHIM_PROGRAMS: the library judges itself
 * with it, the tools each process they reach. Reads nothing but its
 * arguments.
 */
int kashim_programs_select(const char *programs, const struct kashim_identity *who);

/*
 * Warn, once each, about names in envp (NAME=VALUE strings, NULL-ended)
 * that look meant for kashim but are not read: KASHIM_ names that are not
 * variables (naming the nearest one) and the names of other keepalive
 * libraries (naming kashim's equivalent). No allocation.
 */
void kashim_check_names(char *const *envp, void (*warn)(const char *message));

/*
 * Read net.ipv4.tcp_keepalive_{time,intvl,probes} of the caller's network
 * namespace; a value that cannot be read keeps the kernel's built-in
 * default (7200, 75, 9).
 */
void kashim_read_system_timers(struct kashim_system_timers *timers);

/*
 * Fill who from /proc/self/exe (without a " (deleted)" suffix) and from
 * argv[0] as libc saw it at start-up; a name that cannot be read is "".
 * Keeps errno; no stdio, no allocation.
 */
void kashim_read_identity(struct kashim_identity *who);

/*
 * kashim_read_identity for any process: exe_link is its /proc/PID/exe and
 * argv0 its argv[0] (NULL when unknown). kashim --pid matches
 * KASHIM_PROGRAMS against the process it reaches with this.
 */
void kashim_identity_from(struct kashim_identity *who, const char *exe_link,
			  const char *argv0);

/* Is port selected by cfg (always, without KASHIM_PORTS)? */
int kashim_port_selected(const struct kashim_config *cfg, unsigned port);

/*
 * Write var's value in cfg as its variable takes it ("22,8000-8100",
 * "nginx,!curl", "accept", "respect", "31", "-1" when unset; "all" for
 * lists not given) into buf; returns the length written, cut at size - 1.
 */
size_t kashim_format_value(const struct kashim_config *cfg, enum kashim_var var,
			   char *buf, size_t size);

/* Is var's field in cfg its default? */
int kashim_is_default(const struct kashim_config *cfg, enum kashim_var var);

#endif
