/*
 * bench: what kashim costs per connection and per exec, against no shim,
 * the program setting the options itself (the floor), and Debian's
 * libkeepalive and libdontdie, all configured for the same values.
 *
 *   bench --shim PATH [--libkeepalive PATH] [--libdontdie PATH] [--empty PATH]
 *         [--conf-absent PATH --conf-present PATH --conf-sections PATH]
 *         [--rounds R] [--cycles N] [--execs M] [--only SCENARIO]
 *
 * --empty names a library with nothing in it: preloading it shows what
 * loading any library costs at start-up, kashim's share being the rest.
 * --conf-absent, --conf-present and --conf-sections name the library
 * built to read its configuration file from a directory where there is
 * none, and from two where bench/run wrote one, the second with [program]
 * sections: at start-up, the cost of /etc/kashim.conf absent (configured
 * by the environment) and present (by the file alone), each against the
 * environment saying the same (sections: KASHIM_PROGRAMS, which reads
 * /proc/self/exe as a section does).
 * --only runs one scenario (accept, connect, both, unix or startup), for
 * looking closer at one figure; the targets then list only that one.
 *
 * Each round runs every variant of every scenario once, in an order that
 * alternates between rounds (A B C ... then ... C B A), so slow drift of a
 * shared machine touches all variants alike. A variant's figure is the
 * median over rounds of its time; its ratios are the medians of the
 * per-round ratios, which cancel most of the round-to-round noise.
 * Times are CPU time (user + system) of the measured process, which other
 * processes on a shared machine do not inflate the way they do the wall
 * clock (bench/README.md has the A/A figures).
 *
 * The workload runs in bench-cycle and the start-up probe is bench-noop,
 * both found next to this program. Prints Markdown tables on stdout, and
 * progress on stderr when that is a terminal.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define die(what) do { perror(what); exit(3); } while (0)

/* The values every variant is configured with. */
#define IDLE 60
#define INTVL 10
#define CNT 5

#define MAX_ROUNDS 200
#define MAX_ENV 8

enum variant { V_NONE, V_KASHIM, V_FLOOR, V_LIBKEEPALIVE, V_LIBDONTDIE, V_EMPTY,
	       V_CONF_ABSENT, V_CONF_PRESENT, V_CONF_ABSENT_PROGRAMS, V_CONF_SECTIONS, V_COUNT };
enum scenario { S_ACCEPT, S_CONNECT, S_BOTH, S_UNIX, S_STARTUP, S_COUNT };

struct variant_spec {
	const char *name;
	char *env[MAX_ENV];  /* NULL-terminated; the child's whole environment */
	int self;            /* the program sets the options itself */
	int available;
};

static const struct {
	const char *arg;     /* bench-cycle's scenario; --only's name */
	const char *label;
	int accept_side, connect_side;
} scenarios[S_COUNT] = {
	{ "accept", "accept side", 1, 0 },
	{ "connect", "connect side", 0, 1 },
	{ "both", "both sides", 1, 1 },
	{ "unix", "unix sockets", 0, 0 },
	{ "startup", "start-up", 0, 0 },
};

struct result {
	double value[MAX_ROUNDS];  /* ns per cycle, or µs per exec */
	int accepted, connected;   /* options seen on every round's sockets */
	int unix_touched;          /* SO_KEEPALIVE turned on a unix socket */
};

static struct variant_spec variants[V_COUNT];
static int selected[S_COUNT];
static struct result results[S_COUNT][V_COUNT];
static char cycle_path[PATH_MAX], noop_path[PATH_MAX];

/* Does variant v take part in scenario s? */
static int runs(int s, int v)
{
	if (!variants[v].available || !selected[s])
		return 0;
	/* Nothing for a program to set on unix sockets or at start-up. */
	if (v == V_FLOOR)
		return s != S_UNIX && s != S_STARTUP;
	/* What loading any library costs: start-up's reference only. */
	if (v == V_EMPTY || v >= V_CONF_ABSENT)
		return s == S_STARTUP;
	return 1;
}

static char *format_env(const char *name, const char *value)
{
	size_t size = strlen(name) + strlen(value) + 2;
	char *text = malloc(size);

	if (text == NULL)
		die("malloc");
	snprintf(text, size, "%s=%s", name, value);
	return text;
}

/* One library's environment: LD_PRELOAD plus its own three variables. */
static void set_library(struct variant_spec *spec, const char *name, const char *path,
			const char *idle_var, const char *intvl_var, const char *cnt_var)
{
	char number[16];

	spec->name = name;
	if (path == NULL)
		return;
	spec->available = 1;
	spec->env[0] = format_env("LD_PRELOAD", path);
	snprintf(number, sizeof number, "%d", IDLE);
	spec->env[1] = format_env(idle_var, number);
	snprintf(number, sizeof number, "%d", INTVL);
	spec->env[2] = format_env(intvl_var, number);
	snprintf(number, sizeof number, "%d", CNT);
	spec->env[3] = format_env(cnt_var, number);
}

/* Wait for pid; dies unless it exited with status 0. */
static void reap(pid_t pid, const char *what)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: %s failed (status 0x%x)\n", what, (unsigned)status);
		exit(3);
	}
}

/* The number after "key=" in text, or -1. */
static double find_value(const char *text, const char *key)
{
	const char *at = strstr(text, key);

	return at == NULL ? -1 : strtod(at + strlen(key), NULL);
}

/* Run bench-cycle for scenario s under variant v; record round r. */
static void run_cycle(int s, int v, int r, long cycles)
{
	char scenario[16], cycles_text[24], idle[8], intvl[8], cnt[8], output[512];
	char *argv[] = { cycle_path, scenario, cycles_text, idle, intvl, cnt,
			 variants[v].self ? "self" : NULL, NULL };
	posix_spawn_file_actions_t actions;
	struct result *res = &results[s][v];
	size_t used = 0;
	ssize_t got;
	int pipe_fd[2];
	pid_t pid;

	snprintf(scenario, sizeof scenario, "%s", scenarios[s].arg);
	snprintf(cycles_text, sizeof cycles_text, "%ld", cycles);
	snprintf(idle, sizeof idle, "%d", IDLE);
	snprintf(intvl, sizeof intvl, "%d", INTVL);
	snprintf(cnt, sizeof cnt, "%d", CNT);
	if (pipe(pipe_fd) != 0)
		die("pipe");
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipe_fd[0]);
	posix_spawn_file_actions_addclose(&actions, pipe_fd[1]);
	errno = posix_spawn(&pid, cycle_path, &actions, NULL, argv, variants[v].env);
	if (errno != 0)
		die(cycle_path);
	posix_spawn_file_actions_destroy(&actions);
	close(pipe_fd[1]);
	while (used < sizeof output - 1 &&
	       (got = read(pipe_fd[0], output + used, sizeof output - 1 - used)) > 0)
		used += (size_t)got;
	output[used] = '\0';
	close(pipe_fd[0]);
	reap(pid, "bench-cycle");

	res->value[r] = find_value(output, "ns=");
	if (res->value[r] <= 0) {
		fprintf(stderr, "bench: bench-cycle printed no time:\n%s", output);
		exit(3);
	}
	if (r == 0) {
		res->accepted = res->connected = 1;
		res->unix_touched = 0;
	}
	res->accepted &= find_value(output, "accepted=") == 1;
	res->connected &= find_value(output, "connected=") == 1;
	res->unix_touched |= find_value(output, "unix.keepalive=") == 1;
}

/*
 * One exec of bench-noop under variant v, waited for. Returns the CPU
 * time (user + system) the child used, in ns: the exec itself, the
 * dynamic loader, constructors and exit, without time other processes ran.
 */
static double time_exec(int v)
{
	char *argv[] = { noop_path, NULL };
	struct rusage usage;
	int status;
	pid_t pid;

	errno = posix_spawn(&pid, noop_path, NULL, NULL, argv, variants[v].env);
	if (errno != 0)
		die(noop_path);
	while (wait4(pid, &status, 0, &usage) < 0)
		if (errno != EINTR)
			die("wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: bench-noop failed (status 0x%x)\n", (unsigned)status);
		exit(3);
	}
	return ((double)usage.ru_utime.tv_sec + (double)usage.ru_stime.tv_sec) * 1e9 +
	       ((double)usage.ru_utime.tv_usec + (double)usage.ru_stime.tv_usec) * 1e3;
}

/*
 * Start-up for round r: execs variants in turn, one exec each (the order
 * reversed every other turn), so that a burst of load elsewhere falls on
 * all of them alike; records µs per exec.
 */
static void run_startup(int r, long execs)
{
	double total[V_COUNT] = { 0 };
	long i;
	int j, v;

	for (i = 0; i < execs; i++) {
		for (j = 0; j < V_COUNT; j++) {
			v = i % 2 ? V_COUNT - 1 - j : j;
			if (runs(S_STARTUP, v))
				total[v] += time_exec(v);
		}
	}
	for (v = 0; v < V_COUNT; v++)
		results[S_STARTUP][v].value[r] = total[v] / (double)execs / 1000.0;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of n values (n >= 1); values is reordered. */
static double median(double *values, int n)
{
	qsort(values, (size_t)n, sizeof values[0], compare_doubles);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double median_value(int s, int v, int rounds)
{
	double copy[MAX_ROUNDS];

	memcpy(copy, results[s][v].value, sizeof copy[0] * (size_t)rounds);
	return median(copy, rounds);
}

/* Each round's a/b, a against the same round's b, into ratio[]. */
static void ratios(int s, int a, int b, int rounds, double *ratio)
{
	int r;

	for (r = 0; r < rounds; r++)
		ratio[r] = results[s][a].value[r] / results[s][b].value[r];
}

/* Median over rounds of a/b. */
static double median_ratio(int s, int a, int b, int rounds)
{
	double ratio[MAX_ROUNDS];

	ratios(s, a, b, rounds, ratio);
	return median(ratio, rounds);
}

/* The q-quantile (0..1) of n sorted values, interpolated. */
static double quantile(const double *sorted, int n, double q)
{
	double at = q * (n - 1);
	int below = (int)at;

	if (below + 1 >= n)
		return sorted[n - 1];
	return sorted[below] + (at - below) * (sorted[below + 1] - sorted[below]);
}

/*
 * The half-width of a rough 95% confidence interval on the median of n
 * values: the notch of a box plot, 1.58 IQR / sqrt(n) (McGill, Tukey and
 * Larsen, 1978). values is reordered.
 */
static double notch(double *values, int n)
{
	median(values, n); /* sorts */
	return 1.58 * (quantile(values, n, 0.75) - quantile(values, n, 0.25)) / sqrt((double)n);
}

/* How far median_ratio may be off; a target closer than this is noise. */
static double ratio_uncertainty(int s, int a, int b, int rounds)
{
	double ratio[MAX_ROUNDS];

	ratios(s, a, b, rounds, ratio);
	return notch(ratio, rounds);
}

/* Each round's extra time of a over b, into extra[]. */
static void extras(int s, int a, int b, int rounds, double *extra)
{
	int r;

	for (r = 0; r < rounds; r++)
		extra[r] = results[s][a].value[r] - results[s][b].value[r];
}

/* Median over rounds of a's extra time over b. */
static double median_extra(int s, int a, int b, int rounds)
{
	double extra[MAX_ROUNDS];

	extras(s, a, b, rounds, extra);
	return median(extra, rounds);
}

static double extra_uncertainty(int s, int a, int b, int rounds)
{
	double extra[MAX_ROUNDS];

	extras(s, a, b, rounds, extra);
	return notch(extra, rounds);
}

/*
 * The better of the two Debian libraries in scenario s: the one whose
 * median ratio to no shim is lower. Returns -1 when neither ran.
 */
static int best_debian(int s, int rounds)
{
	int lk = runs(s, V_LIBKEEPALIVE), dd = runs(s, V_LIBDONTDIE);

	if (lk && dd)
		return median_ratio(s, V_LIBKEEPALIVE, V_NONE, rounds) <=
		       median_ratio(s, V_LIBDONTDIE, V_NONE, rounds)
		       ? V_LIBKEEPALIVE : V_LIBDONTDIE;
	return lk ? V_LIBKEEPALIVE : dd ? V_LIBDONTDIE : -1;
}

/* "accepted, connected", "none", or the unix verdict, for the table. */
static const char *options_seen(int s, int v)
{
	const struct result *res = &results[s][v];

	if (s == S_UNIX)
		return res->unix_touched ? "SO_KEEPALIVE set (wrong)" : "untouched";
	if (res->accepted && res->connected)
		return "accepted, connected";
	if (res->accepted)
		return "accepted";
	if (res->connected)
		return "connected";
	return "none";
}

/* Does variant v carry the options on every side scenario s configures? */
static int complete(int s, int v)
{
	const struct result *res = &results[s][v];

	if (s == S_UNIX)
		return !res->unix_touched;
	return (!scenarios[s].accept_side || res->accepted) &&
	       (!scenarios[s].connect_side || res->connected);
}

/* "1.034 ±0.004", or "1" for a variant against itself. */
static void print_ratio(int s, int a, int b, int rounds)
{
	if (a == b)
		printf("1");
	else
		printf("%.3f ±%.3f", median_ratio(s, a, b, rounds),
		       ratio_uncertainty(s, a, b, rounds));
}

static void print_cycle_table(int rounds)
{
	int s, v;

	printf("| scenario | variant | CPU ns/cycle | / no shim | / floor | options on the sockets |\n");
	printf("|---|---|--:|--:|--:|---|\n");
	for (s = 0; s < S_STARTUP; s++) {
		for (v = 0; v < V_COUNT; v++) {
			if (!runs(s, v))
				continue;
			printf("| %s | %s | %.0f | ", v == 0 ? scenarios[s].label : "",
			       variants[v].name, median_value(s, v, rounds));
			print_ratio(s, v, V_NONE, rounds);
			printf(" | ");
			if (runs(s, V_FLOOR))
				print_ratio(s, v, V_FLOOR, rounds);
			else
				printf("-");
			printf(" | %s%s |\n", options_seen(s, v),
			       v != V_NONE && s != S_UNIX && !complete(s, v) ? " (incomplete)" : "");
		}
	}
}

static void print_startup_table(int rounds)
{
	int v;

	printf("| variant | CPU µs per exec | extra µs per exec | / no shim |\n");
	printf("|---|--:|--:|--:|\n");
	for (v = 0; v < V_COUNT; v++) {
		if (!runs(S_STARTUP, v))
			continue;
		printf("| %s | %.1f | ", variants[v].name, median_value(S_STARTUP, v, rounds));
		if (v == V_NONE)
			printf("0");
		else
			printf("%+.1f ±%.1f", median_extra(S_STARTUP, v, V_NONE, rounds),
			       extra_uncertainty(S_STARTUP, v, V_NONE, rounds));
		printf(" | ");
		print_ratio(S_STARTUP, v, V_NONE, rounds);
		printf(" |\n");
	}
}

/*
 * One row of the targets table: kashim against variant b in scenario s,
 * as a ratio (or, for start-up, extra µs per exec), must be at most limit.
 * "met" when it is; "no" when it misses by more than the measurement's
 * uncertainty; otherwise "within noise": this machine cannot tell.
 */
static void print_target_of(const char *what, int a, int s, int b, double limit, int rounds)
{
	/* "under 50 µs" is the wording; every other limit includes itself */
	int under = s == S_STARTUP && (b == V_NONE || a >= V_CONF_ABSENT);
	int startup = s == S_STARTUP;
	double measured = startup ? median_extra(s, a, b, rounds)
				  : median_ratio(s, a, b, rounds);
	double uncertainty = startup ? extra_uncertainty(s, a, b, rounds)
				     : ratio_uncertainty(s, a, b, rounds);
	const char *verdict = (under ? measured < limit : measured <= limit) ? "met"
			      : measured - uncertainty > limit ? "**no**" : "within noise";

	printf("| %s | %s %.*f | %.*f ±%.*f | %s |\n", what, under ? "<" : "<=",
	       startup ? 0 : 2, limit, startup ? 1 : 3, measured, startup ? 1 : 3,
	       uncertainty, verdict);
}

static void print_target(const char *what, int s, int b, double limit, int rounds)
{
	print_target_of(what, V_KASHIM, s, b, limit, rounds);
}

/*
 * The targets, then "no worse than the better Debian library" in
 * every scenario: kashim / that library <= 1 (start-up: no extra µs).
 */
static void print_targets(int rounds)
{
	char what[128];
	int s, best;

	printf("| target | limit | measured | met |\n");
	printf("|---|--:|--:|---|\n");
	if (selected[S_ACCEPT])
		print_target("accept side: kashim / no shim", S_ACCEPT, V_NONE, 1.02, rounds);
	if (selected[S_CONNECT])
		print_target("connect side: kashim / floor", S_CONNECT, V_FLOOR, 1.02, rounds);
	if (selected[S_UNIX])
		print_target("unix sockets: kashim / no shim", S_UNIX, V_NONE, 1.01, rounds);
	if (selected[S_STARTUP])
		print_target("start-up: kashim's extra µs per exec", S_STARTUP, V_NONE, 50, rounds);
	if (selected[S_STARTUP] && runs(S_STARTUP, V_CONF_PRESENT) && runs(S_STARTUP, V_CONF_ABSENT))
		print_target_of("start-up: /etc/kashim.conf's extra µs over the environment alone",
				V_CONF_PRESENT, S_STARTUP, V_CONF_ABSENT, 10, rounds);
	if (selected[S_STARTUP] && runs(S_STARTUP, V_CONF_SECTIONS))
		print_target_of("start-up: the same with [program] sections, over KASHIM_PROGRAMS",
				V_CONF_SECTIONS, S_STARTUP, V_CONF_ABSENT_PROGRAMS, 10, rounds);
	for (s = 0; s < S_COUNT; s++) {
		best = best_debian(s, rounds);
		if (best < 0)
			continue;
		snprintf(what, sizeof what, s == S_STARTUP
			 ? "%s: kashim's µs per exec over %s's (the better Debian library)"
			 : "%s: kashim / %s (the better Debian library)",
			 scenarios[s].label, variants[best].name);
		print_target(what, s, best, s == S_STARTUP ? 0 : 1, rounds);
	}
	for (s = 0; s < S_STARTUP; s++)
		if (selected[s] && !complete(s, V_KASHIM))
			printf("| %s: kashim configures every socket | | | **no** |\n",
			       scenarios[s].label);
}

/* build/bench-cycle and build/bench-noop live next to build/bench. */
static void find_helpers(void)
{
	char self[PATH_MAX - 16];
	ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (length <= 0)
		die("/proc/self/exe");
	self[length] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(cycle_path, sizeof cycle_path, "%s/bench-cycle", self);
	snprintf(noop_path, sizeof noop_path, "%s/bench-noop", self);
	if (access(cycle_path, X_OK) != 0 || access(noop_path, X_OK) != 0)
		die("bench-cycle or bench-noop beside bench");
}

static void usage(void)
{
	fprintf(stderr, "usage: bench --shim PATH [--libkeepalive PATH] [--libdontdie PATH] [--empty PATH]\n"
			"             [--conf-absent PATH --conf-present PATH --conf-sections PATH]\n"
			"             [--rounds R] [--cycles N] [--execs M] [--only SCENARIO]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *shim = NULL, *libkeepalive = NULL, *libdontdie = NULL, *only = NULL;
	const char *empty = NULL, *conf_absent = NULL, *conf_present = NULL, *conf_sections = NULL;
	long rounds = 40, cycles = 4000, execs = 100;
	int i, r, s, v, progress;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--shim") == 0)
			shim = argv[i + 1];
		else if (strcmp(argv[i], "--libkeepalive") == 0)
			libkeepalive = argv[i + 1];
		else if (strcmp(argv[i], "--libdontdie") == 0)
			libdontdie = argv[i + 1];
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--cycles") == 0)
			cycles = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--execs") == 0)
			execs = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--empty") == 0)
			empty = argv[i + 1];
		else if (strcmp(argv[i], "--conf-absent") == 0)
			conf_absent = argv[i + 1];
		else if (strcmp(argv[i], "--conf-present") == 0)
			conf_present = argv[i + 1];
		else if (strcmp(argv[i], "--conf-sections") == 0)
			conf_sections = argv[i + 1];
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[i + 1];
		else
			usage();
	}
	if (i != argc || shim == NULL || rounds < 1 || rounds > MAX_ROUNDS || cycles < 1 ||
	    execs < 1)
		usage();
	for (s = 0; s < S_COUNT; s++)
		selected[s] = only == NULL || strcmp(only, scenarios[s].arg) == 0;
	for (s = 0; s < S_COUNT && !selected[s]; s++)
		continue;
	if (s == S_COUNT)
		usage();
	find_helpers();

	variants[V_NONE].name = "no shim";
	variants[V_NONE].available = 1;
	set_library(&variants[V_KASHIM], "kashim", shim,
		    "KASHIM_KEEPIDLE", "KASHIM_KEEPINTVL", "KASHIM_KEEPCNT");
	variants[V_FLOOR].name = "floor (program sets them)";
	variants[V_FLOOR].self = 1;
	variants[V_FLOOR].available = 1;
	set_library(&variants[V_LIBKEEPALIVE], "libkeepalive", libkeepalive,
		    "KEEPIDLE", "KEEPINTVL", "KEEPCNT");
	set_library(&variants[V_LIBDONTDIE], "libdontdie", libdontdie,
		    "DD_TCP_KEEPALIVE_TIME", "DD_TCP_KEEPALIVE_INTVL", "DD_TCP_KEEPALIVE_PROBES");

	variants[V_EMPTY].name = "empty library (reference)";
	if (empty != NULL) {
		variants[V_EMPTY].available = 1;
		variants[V_EMPTY].env[0] = format_env("LD_PRELOAD", empty);
	}

	/* The same library twice, its file looked for where there is none
	 * (configured by the environment) and where bench/run wrote one (by
	 * the file alone, with the same values). */
	if (conf_absent != NULL && conf_present != NULL) {
		set_library(&variants[V_CONF_ABSENT], "kashim, no file (environment)", conf_absent,
			    "KASHIM_KEEPIDLE", "KASHIM_KEEPINTVL", "KASHIM_KEEPCNT");
		variants[V_CONF_PRESENT].name = "kashim, /etc/kashim.conf (no environment)";
		variants[V_CONF_PRESENT].available = 1;
		variants[V_CONF_PRESENT].env[0] = format_env("LD_PRELOAD", conf_present);
	}
	if (conf_absent != NULL && conf_sections != NULL) {
		set_library(&variants[V_CONF_ABSENT_PROGRAMS], "kashim, no file (environment, "
			    "KASHIM_PROGRAMS)", conf_absent,
			    "KASHIM_KEEPIDLE", "KASHIM_KEEPINTVL", "KASHIM_KEEPCNT");
		variants[V_CONF_ABSENT_PROGRAMS].env[4] = format_env("KASHIM_PROGRAMS", "!sshd");
		variants[V_CONF_SECTIONS].name = "kashim, /etc/kashim.conf with sections";
		variants[V_CONF_SECTIONS].available = 1;
		variants[V_CONF_SECTIONS].env[0] = format_env("LD_PRELOAD", conf_sections);
	}

	progress = isatty(STDERR_FILENO);
	for (r = 0; r < rounds; r++) {
		if (progress)
			fprintf(stderr, "\rbench: round %d of %ld", r + 1, rounds);
		for (s = 0; s < S_STARTUP; s++) {
			for (i = 0; i < V_COUNT; i++) {
				v = r % 2 ? V_COUNT - 1 - i : i;
				if (runs(s, v))
					run_cycle(s, v, r, s == S_UNIX ? 2 * cycles : cycles);
			}
		}
		if (selected[S_STARTUP])
			run_startup(r, execs);
	}
	if (progress)
		fprintf(stderr, "\n");

	printf("%ld rounds; each round runs every variant once (%ld cycles, %ld for unix sockets),\n"
	       "then %ld execs of each variant taken in turn. Every variant is set to "
	       "idle=%d intvl=%d cnt=%d.\n"
	       "Times are the measured process's CPU time, medians over rounds; ratios are medians\n"
	       "of per-round ratios; ± is a 95%% interval on the median.\n\n",
	       rounds, cycles, 2 * cycles, execs, IDLE, INTVL, CNT);
	if (only == NULL || !selected[S_STARTUP]) {
		print_cycle_table((int)rounds);
		printf("\n");
	}
	if (selected[S_STARTUP]) {
		print_startup_table((int)rounds);
		printf("\n");
	}
	print_targets((int)rounds);
	return 0;
}
