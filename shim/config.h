/*
 * kashim's configuration: the KASHIM_* environment variables parsed once
 * into a struct that is never written again. No preloading needed, so the
 * parser can be linked into unit tests, fuzzers and command-line tools.
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

/* Room for any message kashim_parse_value writes. */
#define KASHIM_MESSAGE_MAX 320

enum kashim_var {
	KASHIM_VAR_KEEPALIVE,
	KASHIM_VAR_KEEPIDLE,
	KASHIM_VAR_KEEPINTVL,
	KASHIM_VAR_KEEPCNT,
	KASHIM_VAR_USER_TIMEOUT,
	KASHIM_VAR_DEBUG,
	KASHIM_VAR_COUNT
};

struct kashim_config {
	int enabled;      /* 0: every socket is left untouched */
	int debug;        /* 1: log the config and every configured socket */
	int keepidle;     /* seconds, or KASHIM_UNSET */
	int keepintvl;    /* seconds, or KASHIM_UNSET */
	int keepcnt;      /* probes, or KASHIM_UNSET */
	int user_timeout; /* milliseconds, or KASHIM_UNSET */
};

/* The kernel's keepalive defaults, as net.ipv4.tcp_keepalive_* give them. */
struct kashim_system_timers {
	int keepidle;
	int keepintvl;
	int keepcnt;
};

/* "KASHIM_KEEPIDLE" and so on. */
const char *kashim_var_name(enum kashim_var var);

/* What the variable accepts, in words, for messages and --help. */
const char *kashim_var_accepts(enum kashim_var var);

/*
 * Parse one value. Returns 0 and stores it in *value (seconds, probes,
 * milliseconds, 0/1 for switches, KASHIM_AUTO for "auto"), or returns -1
 * and writes one line into err naming the variable, the value and what is
 * accepted, e.g. KASHIM_KEEPCNT="200" is out of range (1-127).
 * Never allocates; safe in a signal handler.
 */
int kashim_parse_value(enum kashim_var var, const char *text, long *value,
		       char *err, size_t err_size);

/*
 * Fill cfg from lookup(name) (getenv, or a test's table). For each value
 * that does not parse, warn(var, message) is called once and that option
 * keeps its default. KASHIM_USER_TIMEOUT=auto is resolved with system's
 * values for any timer that is not configured.
 */
void kashim_config_load(struct kashim_config *cfg,
			const char *(*lookup)(const char *name),
			void (*warn)(enum kashim_var var, const char *message),
			const struct kashim_system_timers *system);

/*
 * Read net.ipv4.tcp_keepalive_{time,intvl,probes} of the caller's network
 * namespace; a value that cannot be read keeps the kernel's built-in
 * default (7200, 75, 9).
 */
void kashim_read_system_timers(struct kashim_system_timers *timers);

#endif
