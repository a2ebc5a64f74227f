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

/*
 * Room for any message kashim_parse_value writes: at most a 19-byte name,
 * a 127-byte quoted value, a 33-byte problem, a 63-byte quoted item and an
 * 87-byte list of what is accepted, with their glue: 340 bytes.
 */
#define KASHIM_MESSAGE_MAX 384

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

struct kashim_config {
	int enabled;      /* 0: every socket is left untouched */
	int debug;        /* 1: log the config and every configured socket */
	int keepidle;     /* seconds, or KASHIM_UNSET */
	int keepintvl;    /* seconds, or KASHIM_UNSET */
	int keepcnt;      /* probes, or KASHIM_UNSET */
	int user_timeout; /* milliseconds, or KASHIM_UNSET */
	int sides;        /* KASHIM_SIDE_* bits of the sides to configure */
	int policy;       /* KASHIM_POLICY_* */
	int selected;     /* 0: KASHIM_PROGRAMS leaves this program alone */
	int every_port;   /* 1: no KASHIM_PORTS, so no port is ever looked up */
	/* Bit p (byte p / 8, bit p % 8) set: port p is selected. Only read
	 * when every_port is 0. A static bitmap: no allocation, O(1) lookup. */
	unsigned char ports[KASHIM_PORT_BYTES];
};

/* The names KASHIM_PROGRAMS is matched against; "" when unknown. */
struct kashim_identity {
	char exe[256];   /* basename of /proc/self/exe, symlinks resolved */
	char argv0[256]; /* basename of argv[0] as the program was started */
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

/* What a bad value leaves in force ("keeping the system default"). */
const char *kashim_var_fallback(enum kashim_var var);

/*
 * Parse one value. Returns 0 and stores it in *value (seconds, probes,
 * milliseconds, 0/1 for switches, KASHIM_AUTO for "auto", KASHIM_SIDE_*
 * bits, a KASHIM_POLICY_*, the number of distinct ports, the number of
 * program names), or returns -1
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
 * values for any timer that is not configured; a NULL system means read
 * them with kashim_read_system_timers, and only if auto needs them. A
 * valid KASHIM_PROGRAMS is matched against this process
 * (kashim_read_identity) to set selected.
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
 * Write cfg's ports as "22,8000-8100" (or "all") into buf; returns the
 * length written, cut at size - 1.
 */
size_t kashim_format_ports(const struct kashim_config *cfg, char *buf, size_t size);

#endif
