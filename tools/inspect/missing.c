/*
 * kashim-inspect --missing. The sockets come from kashim_inspect, read
 * from the sockets themselves; the reasons from what /proc says about the
 * process: its maps (is libkashim.so loaded?), its executable (static?
 * Go?), its auxiliary vector (AT_SECURE) and its environment at exec
 * (KASHIM_* that leave it out, judged by the library's own parser and
 * scope rules).
 */
#include "missing.h"
#include "core/config/config.h"
#include "core/log.h"
#include "prometheus.h"
#include "tools/readers/systemd_unit.h"
#include "tools/readers/elf_kind.h"
#include "tools/readers/inode_set.h"
#include "inspect.h"
#include "proc_facts.h"
#include "tools/readers/process.h"
#include "tools/readers/side.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A process's environment at its exec, "A=1\0B=2\0", as it reads it. */
struct kashim_environ {
	char *text;
	size_t length;
};

/* NAME's value in env, or NULL; kashim_config_load's lookup. */
static const char *kashim_environ_get(void *context, const char *name)
{
	const struct kashim_environ *env = context;
	size_t name_length = strlen(name), at = 0;

	while (env->text != NULL && at < env->length) {
		const char *entry = env->text + at;

		if (strncmp(entry, name, name_length) == 0 && entry[name_length] == '=')
			return entry + name_length + 1;
		at += strlen(entry) + 1;
	}
	return NULL;
}

/* Add a reason to p, once. */
__attribute__((format(printf, 2, 3)))
static void kashim_why(struct kashim_inspect_process *p, const char *fmt, ...)
{
	char line[KASHIM_WHY_LENGTH];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (i = 0; i < p->nwhy; i++) {
		if (strcmp(p->why[i], line) == 0)
			return;
	}
	if (p->nwhy < KASHIM_WHY_MAX)
		memcpy(p->why[p->nwhy++], line, sizeof line);
}

/* NAME="value" of env, quoted for a line. */
static const char *kashim_setting(char *buf, size_t size, struct kashim_environ *env,
				  const char *name)
{
	char quoted[96];

	kashim_quote(quoted, sizeof quoted, kashim_environ_get(env, name), 64);
	snprintf(buf, size, "%s=%s", name, quoted);
	return buf;
}

/*
 * Why p's sockets lack keepalive although libkashim.so is loaded: its own
 * KASHIM_* (env) leave them out, or something turned keepalive off after
 * the library had turned it on. listening is what p listens on.
 */
static void kashim_why_loaded(struct kashim_inspect_process *p,
			      const struct kashim_listening *listening,
			      struct kashim_environ *env)
{
	struct kashim_config cfg;
	struct kashim_identity who;
	char setting[128];
	size_t i;

	if (kashim_secure(p->task)) {
		kashim_why(p, "a set-user-ID or file-capability program: libkashim.so stays "
			   "inert in it; kashim --pid reaches it");
		return;
	}
	/* judged as the library judges: a bad value keeps its default, silently */
	kashim_config_load(&cfg, kashim_environ_get, NULL, env, NULL);
	kashim_process_identity(p->task, &who);
	if (!cfg.enabled) {
		kashim_why(p, "its own %s turns kashim off",
			   kashim_setting(setting, sizeof setting, env, "KASHIM_KEEPALIVE"));
		return;
	}
	if (!kashim_programs_select(cfg.programs, &who)) {
		kashim_why(p, "its own %s leaves it out",
			   kashim_setting(setting, sizeof setting, env, "KASHIM_PROGRAMS"));
		return;
	}
	for (i = 0; i < p->count; i++) {
		const struct kashim_inspect_socket *s = &p->sockets[i];
		unsigned port = 0;
		int side = kashim_socket_side(&s->id, listening, &port);

		if (s->opts.keepalive)
			continue; /* on, but idle too long: kashim_keep_missing said so */
		if (side != 0 && (cfg.sides & side) == 0)
			kashim_why(p, "its own %s leaves out the %s side",
				   kashim_setting(setting, sizeof setting, env, "KASHIM_SIDES"),
				   kashim_side_name(side));
		else if (side != 0 && !kashim_port_selected(&cfg, port))
			kashim_why(p, "its own %s leaves out port %u",
				   kashim_setting(setting, sizeof setting, env, "KASHIM_PORTS"), port);
		else
			kashim_why(p, "keepalive was turned off after libkashim.so turned it on, "
				   "by the program itself, or the socket was made where the library "
				   "cannot see (inherited, passed in, a raw system call)");
	}
}

/* Fill p->why. listening is what p listens on. */
static void kashim_explain(struct kashim_inspect_process *p,
			   const struct kashim_listening *listening)
{
	int kind = kashim_elf_kind(p->task);
	int loaded = kashim_shim_loaded(p->task);
	struct kashim_environ env;

	if (p->nattached > 0)
		kashim_why(p, "kashim's program is attached to its cgroup (below), yet these lack "
			   "keepalive: they predate the attachment, were accepted from a listener "
			   "made in another cgroup, are outside its sides or ports, or the program "
			   "turned keepalive off since");

	if (kind >= 0 && (kind & KASHIM_ELF_GO) != 0)
		kashim_why(p, "a Go program: it makes its own system calls, which no "
			   "preloaded library sees; kashim --pid reaches it");
	if (loaded < 0 && (kind < 0 || (kind & KASHIM_ELF_GO) == 0)) {
		kashim_why(p, "unknown: its /proc/PID/maps cannot be read");
		return;
	}
	if (kind >= 0 && (kind & KASHIM_ELF_GO) != 0)
		return; /* whether static or preloaded, that is the reason */
	if (!loaded) {
		if (kind >= 0 && (kind & KASHIM_ELF_STATIC) != 0)
			kashim_why(p, "a static binary: LD_PRELOAD cannot load libkashim.so into "
				   "it; kashim supervises it from its start, and kashim --pid "
				   "reaches it running");
		else
			kashim_why(p, "libkashim.so is not loaded in it: it was not started "
				   "under kashim or with LD_PRELOAD");
		return;
	}
	env.text = kashim_read_whole(p->task, "environ", &env.length);
	kashim_why_loaded(p, listening, &env);
	free(env.text);
}

/* Is s a listener or a connection whose options were read? */
static int kashim_countable(const struct kashim_inspect_socket *s)
{
	return (s->id.state == TCP_LISTEN || s->id.state == TCP_ESTABLISHED) && s->options_errno == 0;
}

/*
 * Does countable s lack keepalive: off, or (max_idle above 0) on with a
 * first probe later than max_idle seconds of silence? Then reason says
 * which, in words.
 */
static int kashim_lacking(const struct kashim_inspect_socket *s, int max_idle, char *reason,
			  size_t size)
{
	if (!s->opts.keepalive) {
		snprintf(reason, size, "keepalive off");
		return 1;
	}
	if (max_idle > 0 && s->opts.keepidle > max_idle) {
		snprintf(reason, size, "keepalive on, idle %d s > %d s", s->opts.keepidle, max_idle);
		return 1;
	}
	return 0;
}

/*
 * The labels of p's series: program, its executable's name (the command
 * name when that cannot be read), and its systemd unit, "" when none.
 */
static void kashim_labels(const struct kashim_inspect_process *p, char *program, size_t size,
			  char *unit, size_t unit_size)
{
	struct kashim_identity who;

	kashim_process_identity(p->task, &who);
	snprintf(program, size, "%s", who.exe[0] != '\0' ? who.exe : p->name);
	kashim_process_unit(p->task, unit, unit_size);
}

/*
 * Keep only p's sockets that lack keepalive (kashim_lacking) and that no
 * process before it counted (shown holds their inodes), with a reason for
 * each one that is on but too slow. Fills listening with what p listens
 * on. Counts every socket into metrics, unless it is NULL. Returns how
 * many are kept.
 */
static size_t kashim_keep_missing(struct kashim_inspect_process *p,
				  struct kashim_listening *listening,
				  struct kashim_inode_set *shown, int max_idle,
				  struct kashim_metrics *metrics)
{
	char program[256], unit[256], reason[KASHIM_WHY_LENGTH];
	size_t i, kept = 0;

	memset(listening, 0, sizeof *listening);
	for (i = 0; i < p->count; i++) {
		if (p->sockets[i].id.state == TCP_LISTEN)
			kashim_listening_add(listening, p->sockets[i].id.local_port);
	}
	if (metrics != NULL)
		kashim_labels(p, program, sizeof program, unit, sizeof unit);
	for (i = 0; i < p->count; i++) {
		struct kashim_inspect_socket *s = &p->sockets[i];
		int lacking;

		if (!kashim_countable(s) || kashim_inode_find(shown, s->inode) != NULL)
			continue;
		if (kashim_inode_add(shown, s->inode, 1) != 0) {
			perror("kashim-inspect");
			exit(KASHIM_MISSING_UNREADABLE);
		}
		lacking = kashim_lacking(s, max_idle, reason, sizeof reason);
		if (metrics != NULL) {
			unsigned port = 0;
			int side = kashim_socket_side(&s->id, listening, &port);

			kashim_metrics_add(metrics, program, unit, side, port,
					   lacking ? reason : NULL);
		}
		if (!lacking)
			continue;
		if (s->opts.keepalive)
			kashim_why(p, "%s", reason);
		p->sockets[kept++] = *s;
	}
	p->count = kept;
	return kept;
}

/* Did inspecting p fail because the process is gone (vanished, or a kernel thread)? */
static int kashim_gone(const struct kashim_inspect_process *p)
{
	size_t i;

	if (p->error == ENOENT || p->error == ESRCH)
		return 1;
	for (i = 0; i < p->count; i++) {
		if (p->sockets[i].options_errno == ESRCH)
			return 1;
	}
	return 0;
}

/*
 * Is some socket of p unreadable for a reason other than its going away?
 * Returns 0, or why (KASHIM_UNREAD_* + 1).
 */
static int kashim_unreadable(const struct kashim_inspect_process *p)
{
	int error = p->error;
	size_t i;

	for (i = 0; error == 0 && i < p->count; i++) {
		if (p->sockets[i].options_errno != 0 && p->sockets[i].options_errno != EBADF)
			error = p->sockets[i].options_errno;
	}
	if (error == 0)
		return 0;
	if (kashim_gone(p))
		return KASHIM_UNREAD_VANISHED + 1;
	return (error == EACCES || error == EPERM ? KASHIM_UNREAD_PERMISSION
						  : KASHIM_UNREAD_OTHER) + 1;
}

int kashim_missing(char **pids, int npids, const struct kashim_missing_options *options,
		   long clock_ticks)
{
	struct kashim_inode_set shown = { NULL, 0, 0 };
	struct kashim_metrics metrics;
	struct kashim_metrics *counted = NULL;
	struct kashim_inspect_process *found;
	struct kashim_listening listening;
	pid_t *list;
	size_t count, i, n = 0, unreadable = 0;
	int all = npids == 0, status, why;

	memset(&metrics, 0, sizeof metrics);
	metrics.max_idle = options->max_idle;
	if (options->format == KASHIM_FORMAT_PROMETHEUS)
		counted = &metrics;
	if (all) {
		list = kashim_all_pids(&count);
	} else {
		count = (size_t)npids;
		list = calloc(count, sizeof *list);
		for (i = 0; list != NULL && i < count; i++)
			kashim_parse_pid(pids[i], &list[i]);
	}
	found = calloc(count > 0 ? count : 1, sizeof *found);
	if (list == NULL || found == NULL) {
		perror("kashim-inspect");
		free(list);
		free(found);
		return KASHIM_MISSING_UNREADABLE;
	}
	for (i = 0; i < count; i++) {
		struct kashim_inspect_process *p = &found[n];

		/* --all: what vanishes or cannot be read is no news about it */
		kashim_inspect(list[i], p, all);
		if (all && kashim_gone(p)) {
			metrics.unreadable[KASHIM_UNREAD_VANISHED]++;
			free(p->sockets);
			continue;
		}
		if ((why = kashim_unreadable(p)) != 0) {
			unreadable++;
			metrics.unreadable[why - 1]++;
		}
		if (p->error == 0)
			metrics.inspected++;
		if (kashim_keep_missing(p, &listening, &shown, options->max_idle, counted) == 0) {
			free(p->sockets);
			continue;
		}
		p->missing = 1;
		p->max_idle = options->max_idle;
		kashim_explain(p, &listening);
		n++;
	}
	if (all && unreadable > 0)
		fprintf(stderr, "kashim-inspect: %zu process%s could not be read (permission "
			"denied); run as root to include them\n", unreadable,
			unreadable == 1 ? "" : "es");
	if (options->format == KASHIM_FORMAT_PROMETHEUS)
		kashim_print_prometheus(options->out, &metrics);
	else if (options->format == KASHIM_FORMAT_JSON)
		kashim_print_json(options->out, found, n, clock_ticks);
	else
		kashim_print_table(options->out, found, n, clock_ticks);
	status = n > 0 ? KASHIM_MISSING_FOUND
		       : unreadable > 0 ? KASHIM_MISSING_UNREADABLE : KASHIM_MISSING_NONE;
	for (i = 0; i < n; i++)
		free(found[i].sockets);
	free(found);
	free(list);
	kashim_inode_free(&shown);
	kashim_metrics_free(&metrics);
	return status;
}
