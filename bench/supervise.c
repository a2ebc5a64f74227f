/*
 * bench-supervise: what kashim's seccomp supervisor costs per call,
 * against the preload path and no kashim at all.
 *
 *   bench-supervise --kashim PATH [--rounds R] [--calls N]
 *   bench-supervise work CALL N     (the workload, run by the driver)
 *
 * The workload is this same program, run directly, under
 * `kashim --mode=preload`, under `kashim --mode=seccomp` and, as root,
 * under `kashim --mode=cgroup` (kashim's sock_ops program in the kernel),
 * all with the same KASHIM_* values. CALL is one of:
 *   connect  a loopback connect, its accept (a raw syscall, which no
 *            preload library sees and the filter does not watch) and the
 *            close of both ends, the client's with an RST
 *   listen   socket, bind to 127.0.0.1:0, listen, close
 *   getpid   a raw getpid(2): a call the filter lets through
 *   sendto   one UDP datagram to a local socket that never reads
 * and prints "ns=" the wall-clock nanoseconds per iteration, then "cpu="
 * the program's own CPU time (user + system) per iteration. A supervised
 * call waits for kashim, so its cost is latency (the wall clock); the
 * CPU time, which other jobs on a shared machine do not inflate, shows
 * what every other call (getpid, sendto) pays for the filter.
 *
 * Each round runs every variant of every call once, alternating the
 * order between rounds; figures are medians over rounds. Prints a
 * Markdown table on stdout.
 */
#include <errno.h>
#include <stdint.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../tests/helpers/test_util.h"

#define die(what) do { perror(what); exit(3); } while (0)

#define MAX_ROUNDS 101

extern char **environ;

enum { C_CONNECT, C_LISTEN, C_GETPID, C_SENDTO, C_COUNT };
enum { V_NONE, V_PRELOAD, V_SECCOMP, V_CGROUP, V_COUNT };

static const struct {
	const char *name;
	const char *label;
	long calls; /* per run, by default; scaled by --calls */
} calls[C_COUNT] = {
	{ "connect", "connect (+ accept, close)", 2000 },
	{ "listen", "listen (+ socket, bind, close)", 2000 },
	{ "getpid", "getpid, not watched", 200000 },
	{ "sendto", "sendto UDP, not watched", 50000 },
};

static const char *const variant_names[V_COUNT] = { "no kashim", "preload", "seccomp",
						     "cgroup" };
static const char *const variant_modes[V_COUNT] = { NULL, "--mode=preload", "--mode=seccomp",
						     "--mode=cgroup" };

static struct sockaddr_in loopback_any(void)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return in;
}

/* A bound socket of type on 127.0.0.1, its address in *in. */
static int bound(int type, struct sockaddr_in *in)
{
	socklen_t length = sizeof *in;
	int fd = socket(AF_INET, type, 0);

	*in = loopback_any();
	if (fd < 0 || bind(fd, (struct sockaddr *)in, sizeof *in) != 0 ||
	    getsockname(fd, (struct sockaddr *)in, &length) != 0)
		die("bind");
	return fd;
}

static void one_connect(int listener, const struct sockaddr_in *target)
{
	struct linger rst = { 1, 0 };
	int client = socket(AF_INET, SOCK_STREAM, 0), accepted;

	if (client < 0 || connect(client, (const struct sockaddr *)target, sizeof *target) != 0)
		die("connect");
	accepted = (int)syscall(SYS_accept4, listener, NULL, NULL, 0);
	if (accepted < 0 || setsockopt(client, SOL_SOCKET, SO_LINGER, &rst, sizeof rst) != 0)
		die("accept");
	close(client);
	close(accepted);
}

static void one_listen(void)
{
	struct sockaddr_in in;
	int fd = bound(SOCK_STREAM, &in);

	if (listen(fd, 1) != 0)
		die("listen");
	close(fd);
}

static int work(const char *call, long n)
{
	struct sockaddr_in target;
	char byte = 0;
	double start, cpu_start;
	int listener = -1, udp = -1, sink;
	long i;

	if (strcmp(call, "connect") == 0) {
		listener = bound(SOCK_STREAM, &target);
		if (listen(listener, 128) != 0)
			die("listen");
	} else if (strcmp(call, "sendto") == 0) {
		sink = bound(SOCK_DGRAM, &target);
		(void)sink;
		udp = socket(AF_INET, SOCK_DGRAM, 0);
		if (udp < 0)
			die("socket");
	}
	start = clock_ns(CLOCK_MONOTONIC);
	cpu_start = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		if (listener >= 0)
			one_connect(listener, &target);
		else if (udp >= 0)
			sendto(udp, &byte, 1, 0, (struct sockaddr *)&target, sizeof target);
		else if (strcmp(call, "listen") == 0)
			one_listen();
		else
			syscall(SYS_getpid);
	}
	printf("ns=%.1f cpu=%.1f\n", (clock_ns(CLOCK_MONOTONIC) - start) / (double)n,
	       (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_start) / (double)n);
	return 0;
}

/* Run argv; return the ns= figure it prints, and its cpu= in *cpu. */
static double run(char **argv, double *cpu)
{
	int out[2], status;
	char text[256];
	ssize_t got;
	pid_t pid;
	posix_spawn_file_actions_t actions;

	if (pipe(out) != 0)
		die("pipe");
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, out[0]);
	if ((errno = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ)) != 0)
		die("posix_spawn");
	close(out[1]);
	got = read(out[0], text, sizeof text - 1);
	close(out[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    got <= 3 || strncmp(text, "ns=", 3) != 0) {
		(void)fprintf(stderr, "bench-supervise: %s %s failed\n", argv[0], argv[1]);
		exit(3);
	}
	text[got] = '\0';
	*cpu = strstr(text, "cpu=") != NULL ? strtod(strstr(text, "cpu=") + 4, NULL) : 0;
	return strtod(text + 3, NULL);
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median over rounds of the per-round ratio a / b. */
static double ratio(const double *a, const double *b, int n)
{
	double r[MAX_ROUNDS];
	int i;

	for (i = 0; i < n; i++)
		r[i] = a[i] / b[i];
	qsort(r, (size_t)n, sizeof *r, compare);
	return n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
}

static double median(double *values, int n)
{
	qsort(values, (size_t)n, sizeof *values, compare);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static double results[C_COUNT][V_COUNT][MAX_ROUNDS], cpus[C_COUNT][V_COUNT][MAX_ROUNDS];
	char self[4096], count[32], name[16];
	char *kashim = NULL;
	int rounds = 11, i, r, c, v;
	/* attaching a program to a cgroup needs root */
	int variants = geteuid() == 0 ? V_COUNT : V_CGROUP;
	double scale = 1;

	if (argc == 4 && strcmp(argv[1], "work") == 0)
		return work(argv[2], strtol(argv[3], NULL, 10));
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--kashim") == 0)
			kashim = argv[i + 1];
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = (int)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--calls") == 0)
			scale = strtod(argv[i + 1], NULL);
		else
			break;
	}
	if (kashim == NULL || i != argc || rounds < 1 || rounds > MAX_ROUNDS || scale <= 0) {
		(void)fprintf(stderr, "usage: bench-supervise --kashim PATH [--rounds R] [--calls SCALE]\n");
		return 2;
	}
	if (realpath("/proc/self/exe", self) == NULL)
		die("realpath");
	if (setenv("KASHIM_KEEPIDLE", "60", 1) != 0 || setenv("KASHIM_KEEPINTVL", "10", 1) != 0 ||
	    setenv("KASHIM_KEEPCNT", "5", 1) != 0)
		die("setenv");
	for (r = 0; r < rounds; r++) {
		for (c = 0; c < C_COUNT; c++) {
			for (i = 0; i < variants; i++) {
				char *args[8], **p = args;

				v = r % 2 ? variants - 1 - i : i;
				(void)snprintf(count, sizeof count, "%ld",
					 (long)((double)calls[c].calls * scale));
				if (v != V_NONE) {
					*p++ = kashim;
					*p++ = (char *)(uintptr_t)variant_modes[v];
					*p++ = "--";
				}
				*p++ = self;
				*p++ = "work";
				(void)snprintf(name, sizeof name, "%s", calls[c].name);
				*p++ = name;
				*p++ = count;
				*p = NULL;
				results[c][v][r] = run(args, &cpus[c][v][r]);
			}
		}
	}
	printf("### Supervised (seccomp) against preloaded, per call\n\n"
	       "Nanoseconds per iteration, medians of %d rounds: wall clock (what a\n"
	       "supervised call waits), then the program's own CPU time.\n\n"
	       "| call | clock | %s | %s | %s | preload extra | seccomp extra |\n"
	       "|---|---|---:|---:|---:|---:|---:|\n", rounds, variant_names[0],
	       variant_names[1], variant_names[2]);
	for (c = 0; c < C_COUNT; c++) {
		double m[V_COUNT], u[V_COUNT];

		for (v = 0; v < V_CGROUP; v++) {
			m[v] = median(results[c][v], rounds);
			u[v] = median(cpus[c][v], rounds);
		}
		printf("| %s | wall | %.1f | %.1f | %.1f | %+.1f | %+.1f |\n", calls[c].label,
		       m[V_NONE], m[V_PRELOAD], m[V_SECCOMP], m[V_PRELOAD] - m[V_NONE],
		       m[V_SECCOMP] - m[V_NONE]);
		printf("|  | CPU | %.1f | %.1f | %.1f | %+.1f | %+.1f |\n",
		       u[V_NONE], u[V_PRELOAD], u[V_SECCOMP], u[V_PRELOAD] - u[V_NONE],
		       u[V_SECCOMP] - u[V_NONE]);
	}
	if (variants <= V_CGROUP) {
		printf("\nThe cgroup reach is left out: attaching to a cgroup needs root.\n");
		return 0;
	}
	printf("\n### The cgroup reach (kashim's program in the kernel), per call\n\n"
	       "The program's own CPU time per iteration, medians of %d rounds, and the\n"
	       "medians of the per-round ratios. Under the cgroup both ends of a\n"
	       "connection are configured by the kernel; under the preload the\n"
	       "connecting end by setsockopt and the accepted end by inheritance from\n"
	       "the listener.\n\n"
	       "| call | no kashim | preload | cgroup | cgroup / no kashim | cgroup / preload |\n"
	       "|---|---:|---:|---:|---:|---:|\n", rounds);
	for (c = 0; c < C_COUNT; c++) {
		double u[V_COUNT];

		for (v = 0; v < V_COUNT; v++)
			u[v] = median(cpus[c][v], rounds);
		printf("| %s | %.1f | %.1f | %.1f | %.3f | %.3f |\n", calls[c].label, u[V_NONE],
		       u[V_PRELOAD], u[V_CGROUP], ratio(cpus[c][V_CGROUP], cpus[c][V_NONE], rounds),
		       ratio(cpus[c][V_CGROUP], cpus[c][V_PRELOAD], rounds));
	}
	return 0;
}
