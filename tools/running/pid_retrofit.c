/*
 * kashim --pid and --watch. A pass over a process reads /proc/PID/fd,
 * looks every socket inode up in the set of sockets already dealt with,
 * and duplicates only the new ones: a pass over a process whose sockets
 * are all known costs a readlink per fd and no other system call.
 *
 * The process is held by a pidfd from start to end: sockets are only ever
 * duplicated through it, so a PID reused by another process after the
 * first one exited is never touched, and poll(2) on it says when the
 * process exits.
 */
#include "pid_retrofit.h"
#include "core/apply.h"
#include "core/lists.h"
#include "core/log.h"
#include "core/scope.h"
#include "tools/readers/inode_set.h"
#include "tools/readers/proc_fds.h"
#include "tools/readers/proc_tcp.h"
#include "tools/readers/process.h"
#include "tools/readers/side.h"
#include "tools/readers/sockopts.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KASHIM_EXIT_OK 0
#define KASHIM_EXIT_INCOMPLETE 1
#define KASHIM_EXIT_FAILURE 125

/* --watch's default pass interval; see kashim(1) for the cost of a pass. */
#define KASHIM_WATCH_DEFAULT_MS 1000L
#define KASHIM_WATCH_MIN_MS 10L
#define KASHIM_WATCH_MAX_MS 3600000L

/* What became of the sockets of one process in one pass. */
struct kashim_tally {
	size_t listeners, connections;  /* configured */
	size_t respected, other_ports, other_side, unconnected, refused;
};

/* One process given with --pid. */
struct kashim_target {
	pid_t pid;
	int pidfd;             /* -1 once it is no longer watched */
	char name[64];         /* printable */
	int selected;          /* KASHIM_PROGRAMS selects it */
	struct kashim_identity who;
};

/* A new TCP socket found by a pass, waiting for its side to be known. */
struct kashim_found {
	int fd;
	unsigned long inode;
	int state;
	unsigned local_port, remote_port;
};

/* The run's state: the configuration and the sockets already dealt with. */
struct kashim_run {
	struct kashim_config cfg;
	const char *programs;        /* KASHIM_PROGRAMS, or NULL */
	struct kashim_inode_set seen, seen_now; /* last pass's, this pass's */
	struct kashim_found *found;
	size_t found_allocated;
	int watching;
};

/* Options' values, for kashim_lookup: kashim_config_load takes a plain function. */
static const char *const *kashim_option_values;
static char kashim_bad_value[KASHIM_MESSAGE_MAX];

static void kashim_oom(void)
{
	fputs("kashim: out of memory\n", stderr);
	exit(KASHIM_EXIT_FAILURE);
}

/*
 * An option's value, else the environment's. KASHIM_PROGRAMS is kept out:
 * kashim_config_load would match it against kashim itself, and it is
 * matched against each process instead.
 */
static const char *kashim_lookup(const char *name)
{
	int var;

	for (var = 0; var < KASHIM_VAR_COUNT; var++) {
		if (strcmp(name, kashim_var_name((enum kashim_var)var)) != 0)
			continue;
		if (var == KASHIM_VAR_PROGRAMS)
			return NULL;
		if (kashim_option_values[var] != NULL)
			return kashim_option_values[var];
		return getenv(name);
	}
	return NULL;
}

/* A bad value in the environment: kept to refuse with, as for an option. */
static void kashim_keep_bad_value(enum kashim_var var, int result, const char *message)
{
	(void)var;
	if (result == KASHIM_REJECTED && kashim_bad_value[0] == '\0')
		snprintf(kashim_bad_value, sizeof kashim_bad_value, "%s", message);
}

/*
 * --watch's INTERVAL: a duration with the library's syntax, bare seconds
 * as for sleep(1) (the library's bare milliseconds would surprise here).
 */
static int kashim_parse_interval(const char *text, long *ms, char *err, size_t err_size)
{
	static struct kashim_config scratch; /* 8 KiB of port bitmap */
	char with_unit[64], quoted[64];
	size_t len = strlen(text);
	long value = 0;

	kashim_quote(quoted, sizeof quoted, text, 32);
	snprintf(with_unit, sizeof with_unit, "%s%s", text,
		 len > 0 && text[len - 1] >= '0' && text[len - 1] <= '9' ? "s" : "");
	kashim_config_defaults(&scratch);
	if (len < sizeof with_unit - 1 &&
	    kashim_parse(&scratch, KASHIM_VAR_USER_TIMEOUT, with_unit, NULL, 0) != KASHIM_REJECTED)
		value = scratch.user_timeout;
	if (value < KASHIM_WATCH_MIN_MS || value > KASHIM_WATCH_MAX_MS) {
		snprintf(err, err_size, "invalid --watch: %s is not a duration from 10ms to 1h "
			 "(2, 2s, 500ms, 1m)", quoted);
		return -1;
	}
	*ms = value;
	return 0;
}

static int kashim_name_is(const char *name, size_t len, const char *word)
{
	return strlen(word) == len && strncmp(name, word, len) == 0;
}

int kashim_retrofit_option(struct kashim_retrofit_request *req, const char *name, size_t len,
			   const char *value, int argc, char **argv, int *i,
			   char *err, size_t err_size)
{
	pid_t pid;

	if (kashim_name_is(name, len, "watch")) {
		req->watch = 1;
		req->interval_ms = KASHIM_WATCH_DEFAULT_MS;
		return value == NULL ? 1 : kashim_parse_interval(value, &req->interval_ms,
								 err, err_size) == 0 ? 1 : -1;
	}
	if (!kashim_name_is(name, len, "pid"))
		return 0;
	if (value == NULL) {
		if (*i + 1 >= argc) {
			snprintf(err, err_size, "option '--pid' requires an argument");
			return -1;
		}
		value = argv[++*i];
	}
	if (kashim_parse_pid(value, &pid) != 0) {
		char quoted[64];

		kashim_quote(quoted, sizeof quoted, value, 32);
		snprintf(err, err_size, "invalid --pid: %s is not a process ID", quoted);
		return -1;
	}
	if (req->count == req->allocated) {
		size_t more = req->allocated == 0 ? 4 : 2 * req->allocated;
		pid_t *grown = realloc(req->pids, more * sizeof *grown);

		if (grown == NULL)
			kashim_oom();
		req->pids = grown;
		req->allocated = more;
	}
	req->pids[req->count++] = pid;
	return 1;
}

int kashim_retrofit_wanted(const struct kashim_retrofit_request *req)
{
	return req->count > 0 || req->watch;
}

void kashim_retrofit_help(FILE *out)
{
	fprintf(out, "  --pid PID\n      configure the TCP sockets of running process PID instead\n"
		"      of running a COMMAND: its listeners, so that connections it\n"
		"      accepts from now on have keepalive, and its connections; may be\n"
		"      given more than once\n"
		"  --watch[=INTERVAL]\n      with --pid: keep configuring new sockets every INTERVAL\n"
		"      (default 1s; 500ms, 2s, 1m) until every PID has exited\n");
}

/* Start on process pid. Returns 0, or -1 having said why on stderr. */
static int kashim_target_open(struct kashim_target *t, pid_t pid, const char *programs)
{
	char raw[64];

	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->pidfd = kashim_pidfd_open(pid);
	if (t->pidfd < 0) {
		if (errno == ESRCH)
			fprintf(stderr, "kashim: PID %ld: no such process\n", (long)pid);
		else if (errno == EINVAL)
			fprintf(stderr, "kashim: PID %ld: not a process but one of its threads; "
				"give the process ID (Tgid in /proc/%ld/status)\n", (long)pid, (long)pid);
		else if (errno == ENOSYS)
			fprintf(stderr, "kashim: --pid needs Linux 5.6 or later (pidfd_open, "
				"pidfd_getfd)\n");
		else
			fprintf(stderr, "kashim: PID %ld: pidfd_open: %s\n", (long)pid, strerror(errno));
		return -1;
	}
	kashim_process_name(pid, raw, sizeof raw);
	kashim_printable(t->name, sizeof t->name, raw);
	kashim_process_identity(pid, &t->who);
	t->selected = programs == NULL || kashim_programs_select(programs, &t->who);
	return 0;
}

static void kashim_target_close(struct kashim_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
}

/* Has the process exited? Its pidfd turns readable then. */
static int kashim_target_exited(const struct kashim_target *t)
{
	struct pollfd p = { t->pidfd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

/* Report a failure to reach t's sockets; what says while doing what. */
static void kashim_target_failed(const struct kashim_target *t, int error, const char *what)
{
	char retry[64];

	snprintf(retry, sizeof retry, "kashim --pid %ld", (long)t->pid);
	if (error == EACCES || error == EPERM)
		kashim_explain_denied("kashim", retry, "Changing", t->pid, t->name, what);
	else
		fprintf(stderr, "kashim: PID %ld (%s): %s: %s\n", (long)t->pid, t->name, what,
			strerror(error));
}

/* The names of kashim_configure's refused option bits: " TCP_USER_TIMEOUT". */
static void kashim_refused_names(char *buf, size_t size, int failed)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ KASHIM_FAILED_KEEPIDLE, "TCP_KEEPIDLE" },
		{ KASHIM_FAILED_KEEPINTVL, "TCP_KEEPINTVL" },
		{ KASHIM_FAILED_KEEPCNT, "TCP_KEEPCNT" },
		{ KASHIM_FAILED_USER_TIMEOUT, "TCP_USER_TIMEOUT" },
		{ KASHIM_FAILED_KEEPALIVE, "SO_KEEPALIVE" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((failed & names[i].bit) != 0 && len < size)
			len += (size_t)snprintf(buf + len, size - len, " %s", names[i].name);
	}
}

/*
 * Decide and apply for one new TCP socket f of t, duplicated as dup, on
 * side with port for KASHIM_PORTS. Counts the outcome in tally and
 * returns it in words, for --debug.
 */
static const char *kashim_apply_one(const struct kashim_run *run, const struct kashim_target *t,
				    const struct kashim_found *f, int side, unsigned port, int dup,
				    struct kashim_tally *tally)
{
	static char refused[128];
	char names[96];
	int result;

	if (!t->selected)
		return "left alone: KASHIM_PROGRAMS does not select the program";
	if ((run->cfg.sides & side) == 0) {
		tally->other_side++;
		return "left alone: its side is not in KASHIM_SIDES";
	}
	result = kashim_configure_scoped(&run->cfg, dup, (int)port);
	if (result == KASHIM_SKIPPED_PORT) {
		tally->other_ports++;
		return "left alone: port not in KASHIM_PORTS";
	}
	if (result == KASHIM_SKIPPED_RESPECT) {
		tally->respected++;
		return "left alone: the program set SO_KEEPALIVE itself (KASHIM_POLICY=respect)";
	}
	if (result == KASHIM_NOT_TCP)
		return "left alone: not a TCP socket";
	if (result != 0) {
		tally->refused++;
		kashim_refused_names(names, sizeof names, result);
		snprintf(refused, sizeof refused, "the kernel refused%s", names);
		fprintf(stderr, "kashim: PID %ld (%s): fd %d: %s\n", (long)t->pid, t->name, f->fd,
			refused);
		return refused;
	}
	if (f->state == TCP_LISTEN)
		tally->listeners++;
	else
		tally->connections++;
	return "configured";
}

/*
 * Duplicate fd of t. Returns the duplicate, or -1 with errno: EBADF when
 * the process closed fd meanwhile (not a failure), ESRCH when it exited.
 */
static int kashim_dup(const struct kashim_target *t, int fd)
{
	return kashim_pidfd_getfd(t->pidfd, fd);
}

/* Room for n found sockets. */
static void kashim_found_reserve(struct kashim_run *run, size_t n)
{
	struct kashim_found *grown;

	if (n <= run->found_allocated)
		return;
	grown = realloc(run->found, n * sizeof *grown);
	if (grown == NULL)
		kashim_oom();
	run->found = grown;
	run->found_allocated = n;
}

/* Remember inode for the next pass; value is a listener's port, else 0. */
static void kashim_remember(struct kashim_run *run, unsigned long inode, unsigned value)
{
	if (kashim_inode_add(&run->seen_now, inode, value) != 0)
		kashim_oom();
}

/*
 * The first half of a pass: the new TCP sockets of t into run->found
 * (their number in *count), the ports t listens on into listening.
 * Returns 0, or an errno that stopped it, with what naming the step.
 */
static int kashim_find_new(struct kashim_run *run, const struct kashim_target *t,
			   struct kashim_listening *listening, size_t *count, const char **what)
{
	struct kashim_socket_fd *fds = NULL;
	size_t nfds = 0, i;
	int error = 0;

	*count = 0;
	*what = "reading its /proc/PID/fd";
	if (kashim_list_socket_fds(t->pid, &fds, &nfds) != 0)
		return errno;
	kashim_found_reserve(run, nfds);
	*what = "duplicating its sockets (pidfd_getfd)";
	for (i = 0; i < nfds && error == 0; i++) {
		const struct kashim_inode_slot *known = kashim_inode_find(&run->seen_now, fds[i].inode);
		struct kashim_sockid id;
		int dup;

		if (known == NULL)
			known = kashim_inode_find(&run->seen, fds[i].inode);
		if (known != NULL) {
			kashim_remember(run, fds[i].inode, known->value);
			if (known->value != 0)
				kashim_listening_add(listening, known->value);
			continue;
		}
		dup = kashim_dup(t, fds[i].fd);
		if (dup < 0) {
			if (errno != EBADF)
				error = errno;
			continue;
		}
		if (kashim_identify_socket(dup, &id) == 0 && !id.is_tcp) {
			kashim_remember(run, fds[i].inode, 0); /* never TCP: never again */
		} else if (id.is_tcp) {
			struct kashim_found *f = &run->found[(*count)++];

			f->fd = fds[i].fd;
			f->inode = fds[i].inode;
			f->state = id.state;
			f->local_port = id.local_port;
			f->remote_port = id.remote_port;
			if (id.state == TCP_LISTEN)
				kashim_listening_add(listening, id.local_port);
		}
		close(dup);
	}
	free(fds);
	return error;
}

/*
 * One pass over t: configure its new sockets. Returns 0, or an errno that
 * stopped the pass (ESRCH or ENOENT when the process exited), with what
 * naming the step.
 */
static int kashim_pass(struct kashim_run *run, const struct kashim_target *t,
		       struct kashim_tally *tally, const char **what)
{
	struct kashim_listening listening;
	size_t count, i;
	int error;

	memset(&listening, 0, sizeof listening);
	memset(tally, 0, sizeof *tally);
	error = kashim_find_new(run, t, &listening, &count, what);
	for (i = 0; i < count && error == 0; i++) {
		const struct kashim_found *f = &run->found[i];
		unsigned port = 0;
		int side = kashim_socket_side(f->state, f->local_port, f->remote_port, &listening, &port);
		const char *outcome;
		int dup;

		if (side == 0) {
			/* not connected yet: its side is not known; a later pass will see */
			tally->unconnected++;
			continue;
		}
		/* duplicated again rather than held: 10,000 new sockets would
		 * need 10,000 descriptors at once */
		dup = kashim_dup(t, f->fd);
		if (dup < 0) {
			if (errno != EBADF)
				error = errno;
			continue;
		}
		outcome = kashim_apply_one(run, t, f, side, port, dup, tally);
		close(dup);
		kashim_remember(run, f->inode, f->state == TCP_LISTEN ? f->local_port : 0);
		if (run->cfg.debug)
			fprintf(stderr, "kashim: PID %ld (%s): fd %d %s, %s side, port %u: %s\n",
				(long)t->pid, t->name, f->fd, kashim_tcp_state_name(f->state),
				kashim_side_name(side), port, outcome);
	}
	return error;
}

/* "1 listener", "2 connections". */
static const char *kashim_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* One line on stdout: what a pass did to t. */
static void kashim_print_tally(const struct kashim_target *t, const struct kashim_tally *c)
{
	size_t left = c->respected + c->other_ports + c->other_side + c->unconnected;

	printf("PID %ld (%s): configured %zu %s and %zu %s", (long)t->pid, t->name,
	       c->listeners, kashim_plural(c->listeners, "listener", "listeners"),
	       c->connections, kashim_plural(c->connections, "connection", "connections"));
	if (c->refused > 0)
		printf("; %zu refused options", c->refused);
	if (left > 0)
		printf("; left alone:");
	if (c->respected > 0)
		printf(" %zu with keepalive set by the program (KASHIM_POLICY=respect)%s",
		       c->respected, left > c->respected ? "," : "");
	left -= c->respected;
	if (c->other_ports > 0)
		printf(" %zu on ports not in KASHIM_PORTS%s", c->other_ports,
		       left > c->other_ports ? "," : "");
	left -= c->other_ports;
	if (c->other_side > 0)
		printf(" %zu on a side not in KASHIM_SIDES%s", c->other_side,
		       left > c->other_side ? "," : "");
	if (c->unconnected > 0)
		printf(" %zu not connected yet", c->unconnected);
	putchar('\n');
	fflush(stdout);
}

/* Anything worth a line after the first pass? */
static int kashim_tally_any(const struct kashim_tally *c)
{
	return c->listeners + c->connections + c->refused + c->respected + c->other_ports +
	       c->other_side > 0;
}

/*
 * A pass over every watched target. Returns the exit status so far:
 * KASHIM_EXIT_INCOMPLETE when something could not be done.
 */
static int kashim_pass_all(struct kashim_run *run, struct kashim_target *targets, size_t n,
			   int first)
{
	struct kashim_inode_set older;
	int status = KASHIM_EXIT_OK;
	size_t i;

	for (i = 0; i < n; i++) {
		struct kashim_target *t = &targets[i];
		struct kashim_tally tally;
		const char *what = "";
		int error;

		if (t->pidfd < 0)
			continue;
		/* a zombie still has a /proc/PID/fd, empty: it has exited all the same */
		error = kashim_target_exited(t) ? ESRCH : kashim_pass(run, t, &tally, &what);
		if ((error == ENOENT || error == ESRCH) || (error != 0 && kashim_target_exited(t))) {
			/* exited: the end of a watch, but a one-shot did not finish */
			if (run->watching) {
				printf("PID %ld (%s): exited\n", (long)t->pid, t->name);
				fflush(stdout);
			} else {
				fprintf(stderr, "kashim: PID %ld (%s): exited before kashim was done\n",
					(long)t->pid, t->name);
				status = KASHIM_EXIT_INCOMPLETE;
			}
			kashim_target_close(t);
			continue;
		}
		if (error != 0) {
			kashim_target_failed(t, error, what);
			kashim_target_close(t);
			status = KASHIM_EXIT_INCOMPLETE;
			continue;
		}
		if (tally.refused > 0)
			status = KASHIM_EXIT_INCOMPLETE;
		if (first && !t->selected)
			printf("PID %ld (%s): left alone: KASHIM_PROGRAMS does not select it\n",
			       (long)t->pid, t->name);
		else if (first || kashim_tally_any(&tally))
			kashim_print_tally(t, &tally);
	}
	/* Only the sockets still open are remembered: the set stays the size
	 * of what the processes hold, however long the watch. */
	older = run->seen;
	run->seen = run->seen_now;
	run->seen_now = older;
	kashim_inode_clear(&run->seen_now);
	return status;
}

static long long kashim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Sleep for interval_ms, or until a target exits (then it is reported and
 * dropped). Returns the number of targets still watched.
 */
static size_t kashim_wait(struct kashim_target *targets, size_t n, long interval_ms)
{
	long long deadline = kashim_now_ms() + interval_ms;
	struct pollfd *polls = calloc(n, sizeof *polls);
	size_t i, live = 0;

	if (polls == NULL)
		kashim_oom();
	for (;;) {
		long long left = deadline - kashim_now_ms();
		int ready;

		live = 0;
		for (i = 0; i < n; i++) {
			polls[i].fd = targets[i].pidfd; /* a negative fd is ignored */
			polls[i].events = POLLIN;
			polls[i].revents = 0;
			live += targets[i].pidfd >= 0;
		}
		if (live == 0 || left <= 0)
			break;
		ready = poll(polls, (nfds_t)n, (int)left);
		if (ready <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (polls[i].revents != 0 && targets[i].pidfd >= 0) {
				printf("PID %ld (%s): exited\n", (long)targets[i].pid, targets[i].name);
				fflush(stdout);
				kashim_target_close(&targets[i]);
			}
		}
	}
	free(polls);
	return live;
}

/* The configuration: options over the environment, checked as strictly. */
static int kashim_load(struct kashim_run *run, const char *const values[KASHIM_VAR_COUNT],
		       int debug)
{
	static struct kashim_config scratch; /* 8 KiB of port bitmap */
	char message[KASHIM_MESSAGE_MAX];

	kashim_option_values = values;
	kashim_config_load(&run->cfg, kashim_lookup, kashim_keep_bad_value, NULL);
	run->programs = values[KASHIM_VAR_PROGRAMS] != NULL ? values[KASHIM_VAR_PROGRAMS]
							     : getenv("KASHIM_PROGRAMS");
	if (kashim_bad_value[0] == '\0' && run->programs != NULL &&
	    kashim_parse(&scratch, KASHIM_VAR_PROGRAMS, run->programs, message,
			 sizeof message) == KASHIM_REJECTED)
		kashim_keep_bad_value(KASHIM_VAR_PROGRAMS, KASHIM_REJECTED, message);
	if (kashim_bad_value[0] != '\0') {
		fprintf(stderr, "kashim: %s; nothing was changed\n", kashim_bad_value);
		return -1;
	}
	if (debug)
		run->cfg.debug = 1;
	return 0;
}

int kashim_retrofit_run(const struct kashim_retrofit_request *req,
			const char *const values[KASHIM_VAR_COUNT], int debug, int has_command)
{
	struct kashim_run run;
	struct kashim_target *targets;
	size_t i, n = 0;
	int status = KASHIM_EXIT_OK, first = 1;

	if (req->count == 0 || has_command) {
		fprintf(stderr, "kashim: %s\nTry 'kashim --help' for more information.\n",
			req->count == 0 ? "--watch needs --pid" : "--pid takes no COMMAND");
		return KASHIM_EXIT_FAILURE;
	}
	memset(&run, 0, sizeof run);
	run.watching = req->watch;
	if (kashim_load(&run, values, debug) != 0)
		return KASHIM_EXIT_FAILURE;
	if (!run.cfg.enabled) {
		fprintf(stderr, "kashim: KASHIM_KEEPALIVE is off: nothing to configure\n");
		return KASHIM_EXIT_OK;
	}
	targets = calloc(req->count, sizeof *targets);
	if (targets == NULL)
		kashim_oom();
	for (i = 0; i < req->count; i++) {
		if (kashim_target_open(&targets[n], req->pids[i], run.programs) == 0)
			n++;
		else
			status = KASHIM_EXIT_INCOMPLETE;
	}
	for (;;) {
		if (kashim_pass_all(&run, targets, n, first) != KASHIM_EXIT_OK)
			status = KASHIM_EXIT_INCOMPLETE;
		first = 0;
		if (!req->watch || kashim_wait(targets, n, req->interval_ms) == 0)
			break;
	}
	for (i = 0; i < n; i++)
		kashim_target_close(&targets[i]);
	free(targets);
	free(run.found);
	kashim_inode_free(&run.seen);
	kashim_inode_free(&run.seen_now);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("kashim: stdout");
		return KASHIM_EXIT_INCOMPLETE;
	}
	return status;
}
