/*
 * kashim-inspect [--json] PID...
 * kashim-inspect --missing [--max-idle DUR] [--json | --format prometheus]
 *                [--output FILE] (PID... | --all)
 *
 * For each TCP socket of each process: addresses, state, the keepalive
 * options as getsockopt reads them from the socket itself (through
 * pidfd_getfd, Linux 5.6+), and the kernel's pending timer from
 * /proc/PID/net/tcp. It answers "did the settings take effect?" for a
 * process that is already running, whoever configured it.
 *
 * Exit status: 0 when every process was fully inspected, 1 when some
 * process or some socket's options could not be read, 2 for usage errors.
 */
#include "build_config.h"
#include "inspect.h"
#include "missing.h"
#include "output_file.h"
#include "core/config.h"
#include "tools/readers/proc_fds.h"
#include "tools/readers/proc_tcp.h"
#include "tools/readers/process.h"
#include "tools/readers/sockopts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KASHIM_EXIT_OK 0
#define KASHIM_EXIT_INCOMPLETE 1
#define KASHIM_EXIT_USAGE 2

static void kashim_usage(FILE *out)
{
	fprintf(out,
		"Usage: kashim-inspect [--json] [--output FILE] PID...\n"
		"  or:  kashim-inspect --missing [--max-idle DUR] [--format FORMAT]\n"
		"                      [--output FILE] (PID... | --all)\n"
		"Show each TCP socket of the processes PID with the keepalive options\n"
		"read from the socket itself (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL,\n"
		"TCP_KEEPCNT, TCP_USER_TIMEOUT) and the kernel's timer on it.\n\n"
		"  --json           one JSON document instead of tables (--format json)\n"
		"  --format FORMAT  table (the default), json, or with --missing\n"
		"                   prometheus: node_exporter's textfile format, counting\n"
		"                   the sockets with keepalive and without\n"
		"  --output FILE    write to FILE, whole or not at all (a temporary file\n"
		"                   beside it, then renamed), instead of standard output\n"
		"  --missing        only TCP listeners and connections without keepalive,\n"
		"                   and why each process lacks it\n"
		"  --max-idle DUR   with --missing: keepalive whose first probe comes after\n"
		"                   more than DUR of silence (300, 5m) counts as missing too\n"
		"  --all            with --missing: every process on the machine\n"
		"  --help           show this help and exit\n"
		"  --version        show the version and exit\n\n"
		"Reading another process's sockets needs ptrace permission over it:\n"
		"root, CAP_SYS_PTRACE, or the same user as allowed by\n"
		"kernel.yama.ptrace_scope. Linux 5.6 or later.\n\n"
		"Exit status: 0 if every process was fully inspected, 1 if something\n"
		"could not be read, 2 for a usage error. With --missing: 0 if nothing\n"
		"lacks keepalive, 1 if something does, 2 for a usage error, 3 if some\n"
		"process could not be read or the output could not be written.\n");
}

__attribute__((noreturn, format(printf, 1, 2)))
static void kashim_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kashim-inspect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'kashim-inspect --help' for more information.\n", stderr);
	exit(KASHIM_EXIT_USAGE);
}

/* Report why a whole process, or its sockets' options, could not be read. */
static void kashim_report(const struct kashim_inspect_process *p, int error, const char *what)
{
	char retry[64];

	snprintf(retry, sizeof retry, "kashim-inspect %ld", (long)p->pid);
	if (error == EACCES || error == EPERM)
		kashim_explain_denied("kashim-inspect", retry, "Reading", p->pid, p->name, what);
	else if (error == ENOENT || error == ESRCH)
		fprintf(stderr, "kashim-inspect: PID %ld: no such process\n", (long)p->pid);
	else if (error == ENOSYS)
		fprintf(stderr, "kashim-inspect: PID %ld (%s): cannot read socket options: "
			"pidfd_getfd needs Linux 5.6 or later\n", (long)p->pid, p->name);
	else
		fprintf(stderr, "kashim-inspect: PID %ld (%s): %s: %s\n", (long)p->pid,
			p->name, what, strerror(error));
}

/*
 * Fill row for socket fd, whose table entry is entry (NULL when the table
 * does not list it). dup is the socket duplicated into this process, or -1
 * with dup_errno. Returns 1 when the row is a TCP socket, 0 to skip it.
 */
static int kashim_fill_socket(struct kashim_inspect_socket *row,
			      const struct kashim_socket_fd *fd,
			      const struct kashim_tcp_entry *entry, int dup, int dup_errno)
{
	memset(row, 0, sizeof *row);
	row->fd = fd->fd;
	row->inode = fd->inode;
	if (entry != NULL) {
		row->family = entry->family;
		row->state = entry->state;
		row->local = entry->local;
		row->remote = entry->remote;
		row->local_port = entry->local_port;
		row->remote_port = entry->remote_port;
		row->timer_known = 1;
		row->timer = entry->timer;
		row->timer_ticks = entry->timer_ticks;
		row->probes = entry->probes;
	} else {
		/* unlisted: another namespace's socket, or not bound yet */
		struct kashim_sockid id;

		if (dup < 0 || kashim_identify_socket(dup, &id) != 0 || !id.is_tcp)
			return 0;
		row->family = id.family;
		row->state = id.state;
		row->local = id.local;
		row->remote = id.remote;
		row->local_port = id.local_port;
		row->remote_port = id.remote_port;
	}
	if (dup < 0)
		row->options_errno = dup_errno;
	else if (kashim_read_sockopts(dup, &row->opts) != 0)
		row->options_errno = errno;
	return 1;
}

int kashim_inspect(pid_t pid, struct kashim_inspect_process *p, int quiet)
{
	struct kashim_tcp_table table = { NULL, 0, 0 };
	struct kashim_socket_fd *fds = NULL;
	size_t nfds = 0, i;
	int pidfd, pidfd_errno, options_errno = 0;
	char what[64];

	memset(p, 0, sizeof *p);
	p->pid = pid;
	kashim_process_name(pid, p->name, sizeof p->name);
	snprintf(what, sizeof what, "reading /proc/%ld/fd", (long)pid);
	if (kashim_list_socket_fds(pid, &fds, &nfds) != 0) {
		p->error = errno;
		if (!quiet)
			kashim_report(p, p->error, what);
		return -1;
	}
	if (kashim_tcp_table_read(pid, &table) != 0) {
		p->error = errno;
		snprintf(what, sizeof what, "reading /proc/%ld/net/tcp", (long)pid);
		if (!quiet)
			kashim_report(p, p->error, what);
		free(fds);
		return -1;
	}
	pidfd = kashim_pidfd_open(pid);
	pidfd_errno = pidfd < 0 ? errno : 0;
	p->sockets = calloc(nfds > 0 ? nfds : 1, sizeof *p->sockets);
	if (p->sockets == NULL) {
		perror("kashim-inspect");
		exit(KASHIM_EXIT_INCOMPLETE);
	}
	for (i = 0; i < nfds; i++) {
		const struct kashim_tcp_entry *entry = kashim_tcp_table_find(&table, fds[i].inode);
		int dup = pidfd >= 0 ? kashim_pidfd_getfd(pidfd, fds[i].fd) : -1;
		int dup_errno = pidfd >= 0 ? errno : pidfd_errno;

		if (dup < 0 && dup_errno == EBADF)
			continue; /* closed since /proc/PID/fd was read */
		if (kashim_fill_socket(&p->sockets[p->count], &fds[i], entry, dup, dup_errno)) {
			if (p->sockets[p->count].options_errno != 0 && options_errno == 0)
				options_errno = p->sockets[p->count].options_errno;
			p->count++;
		}
		if (dup >= 0)
			close(dup);
	}
	if (pidfd >= 0)
		close(pidfd);
	p->nattached = p->count > 0 ? kashim_cgroup_attached(pid, p->attached, 2) : 0;
	kashim_tcp_table_free(&table);
	free(fds);
	if (options_errno != 0) {
		snprintf(what, sizeof what, "duplicating its sockets (pidfd_getfd)");
		if (!quiet)
			kashim_report(p, options_errno, what);
		return -1;
	}
	return 0;
}

/*
 * Complete the output: rename the --output file into place, or check
 * standard output. Returns status, or failed when the output could not be
 * written.
 */
static int kashim_finish(struct kashim_output *output, int status, int failed)
{
	if (output->stream != NULL)
		return kashim_output_close(output, 0) != 0 ? failed : status;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("kashim-inspect: stdout");
		return failed;
	}
	return status;
}

/*
 * The value of option name at argv[*i]: "--name=VALUE", or "--name" then
 * VALUE in the next argument (*i moves on). NULL when argv[*i] is
 * another option.
 */
static const char *kashim_option_value(char **argv, int argc, int *i, const char *name)
{
	size_t length = strlen(name);

	if (strncmp(argv[*i], name, length) != 0)
		return NULL;
	if (argv[*i][length] == '=')
		return argv[*i] + length + 1;
	if (argv[*i][length] != '\0')
		return NULL;
	if (*i + 1 >= argc || argv[*i + 1] == NULL)
		kashim_usage_error("option '%s' requires an argument", name);
	return argv[++*i];
}

/* --format's word. */
static enum kashim_format kashim_parse_format(const char *text)
{
	if (strcmp(text, "table") == 0)
		return KASHIM_FORMAT_TABLE;
	if (strcmp(text, "json") == 0)
		return KASHIM_FORMAT_JSON;
	if (strcmp(text, "prometheus") == 0)
		return KASHIM_FORMAT_PROMETHEUS;
	kashim_usage_error("invalid --format '%s'; accepted: table, json, prometheus", text);
}

/* --max-idle's duration, read as KASHIM_KEEPIDLE is: seconds, or with a unit. */
static int kashim_parse_max_idle(const char *text)
{
	static struct kashim_config scratch; /* 8 KiB of port bitmap */
	char message[KASHIM_MESSAGE_MAX];
	const char *name = kashim_var_name(KASHIM_VAR_KEEPIDLE);

	if (kashim_parse(&scratch, KASHIM_VAR_KEEPIDLE, text, message, sizeof message) ==
	    KASHIM_REJECTED) {
		/* the parser's line names the variable: say the option's name instead */
		size_t skip = strncmp(message, name, strlen(name)) == 0 ? strlen(name) + 1 : 0;

		kashim_usage_error("invalid --max-idle: %s", message + skip);
	}
	return scratch.keepidle;
}

int main(int argc, char **argv)
{
	struct kashim_missing_options options = { KASHIM_FORMAT_TABLE, 0, stdout };
	struct kashim_output output = { NULL, NULL, NULL };
	struct kashim_inspect_process *procs;
	const char *value, *output_path = NULL;
	size_t n = 0;
	int missing = 0, all = 0, status = KASHIM_EXIT_OK, i, first;
	long clock_ticks = sysconf(_SC_CLK_TCK);

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--json") == 0) {
			options.format = KASHIM_FORMAT_JSON;
		} else if ((value = kashim_option_value(argv, argc, &i, "--format")) != NULL) {
			options.format = kashim_parse_format(value);
		} else if ((value = kashim_option_value(argv, argc, &i, "--max-idle")) != NULL) {
			options.max_idle = kashim_parse_max_idle(value);
		} else if ((value = kashim_option_value(argv, argc, &i, "--output")) != NULL) {
			if (value[0] == '\0')
				kashim_usage_error("invalid --output: an empty file name");
			output_path = value;
		} else if (strcmp(argv[i], "--missing") == 0) {
			missing = 1;
		} else if (strcmp(argv[i], "--all") == 0) {
			all = 1;
		} else if (strcmp(argv[i], "--help") == 0) {
			kashim_usage(stdout);
			return KASHIM_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("kashim-inspect %s\n", KASHIM_VERSION);
			return KASHIM_EXIT_OK;
		} else {
			kashim_usage_error("unrecognized option '%s'", argv[i]);
		}
	}
	first = i;
	if (all && !missing)
		kashim_usage_error("--all needs --missing");
	if (options.max_idle > 0 && !missing)
		kashim_usage_error("--max-idle needs --missing");
	if (options.format == KASHIM_FORMAT_PROMETHEUS && !missing)
		kashim_usage_error("--format prometheus needs --missing");
	if (all && first < argc)
		kashim_usage_error("--all takes no PID");
	if (first >= argc && !all)
		kashim_usage_error("missing PID");
	for (i = first; i < argc; i++) {
		pid_t pid;

		if (kashim_parse_pid(argv[i], &pid) != 0)
			kashim_usage_error("'%s' is not a process ID", argv[i]);
	}
	if (output_path != NULL) {
		if (kashim_output_open(&output, output_path) != 0)
			return missing ? KASHIM_MISSING_UNREADABLE : KASHIM_EXIT_INCOMPLETE;
		options.out = output.stream;
	}
	if (missing) {
		status = kashim_missing(argv + first, argc - first, &options, clock_ticks);
		return kashim_finish(&output, status, KASHIM_MISSING_UNREADABLE);
	}
	procs = calloc((size_t)(argc - first), sizeof *procs);
	if (procs == NULL) {
		perror("kashim-inspect");
		return KASHIM_EXIT_INCOMPLETE;
	}
	for (i = first; i < argc; i++) {
		pid_t pid = 0;

		kashim_parse_pid(argv[i], &pid);
		if (kashim_inspect(pid, &procs[n++], 0) != 0)
			status = KASHIM_EXIT_INCOMPLETE;
	}
	if (options.format == KASHIM_FORMAT_JSON)
		kashim_print_json(options.out, procs, n, clock_ticks);
	else
		kashim_print_table(options.out, procs, n, clock_ticks);
	for (i = 0; (size_t)i < n; i++)
		free(procs[i].sockets);
	free(procs);
	return kashim_finish(&output, status, KASHIM_EXIT_INCOMPLETE);
}
