/*
 * kashim --host: the host-wide preload. /etc/ld.so.preload is read by the
 * loader of every dynamically linked program, so it is only ever replaced
 * whole (a temporary file beside it, renamed over it), kashim's line is
 * the only one touched, and a library is only added once a test process
 * has loaded it: an entry that does not load makes the loader complain
 * in every program of the host.
 */
#include "host.h"
#include "preload_file.h"
#include "core/config/conffile.h"
#include "core/config/config_table.h"
#include "core/report.h"
#include "preload.h"
#include "tools/cli/exit_status.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int kashim_host_action_valid(const char *action)
{
	return strcmp(action, "on") == 0 || strcmp(action, "off") == 0 ||
	       strcmp(action, "status") == 0;
}

/*
 * Does library load? A test process, kashim --version with library
 * preloaded and nothing else in its environment, must run and the loader
 * must say nothing (kashim's own lines, about the configuration file, are
 * passed on). Returns 0 or kashim_host_fail's status.
 */
static int kashim_host_probe(const char *library)
{
	char preload[PATH_MAX + 16], said[4096];
	char *argv[] = { (char *)"kashim", (char *)"--version", NULL };
	char *envp[] = { preload, NULL };
	size_t length = 0;
	int pipe_fd[2], status;
	const char *line;
	ssize_t got;
	pid_t pid;

	snprintf(preload, sizeof preload, "LD_PRELOAD=%s", library);
	if (pipe(pipe_fd) != 0)
		return kashim_host_fail("cannot test %s: %s", library, strerror(errno));
	pid = fork();
	if (pid < 0)
		return kashim_host_fail("cannot test %s: %s", library, strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		dup2(pipe_fd[1], STDERR_FILENO);
		close(pipe_fd[0]);
		execve("/proc/self/exe", argv, envp);
		_exit(KASHIM_EXIT_NOT_FOUND);
	}
	close(pipe_fd[1]);
	while (length + 1 < sizeof said &&
	       ((got = read(pipe_fd[0], said + length, sizeof said - 1 - length)) > 0 ||
		(got < 0 && errno == EINTR)))
		length += got > 0 ? (size_t)got : 0;
	said[length] = '\0';
	close(pipe_fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (line = said; *line != '\0'; line = strchr(line, '\n') + 1) {
		size_t line_length = strcspn(line, "\n");

		if (strncmp(line, "kashim[", 7) != 0)
			return kashim_host_fail("%s does not load (the loader says: %.*s); "
						"%s left as it was", library, (int)line_length,
						line, KASHIM_HOST_PRELOAD);
		fprintf(stderr, "%.*s\n", (int)line_length, line);
		if (line[line_length] == '\0')
			break;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return kashim_host_fail("%s does not load (a test process failed); %s left "
					"as it was", library, KASHIM_HOST_PRELOAD);
	return 0;
}

static int kashim_host_on(const struct kashim_host_file *old, const char *from_bin)
{
	char library[PATH_MAX], err[3 * PATH_MAX], line[PATH_MAX];
	char *text;
	size_t length = 0;
	int status;

	if (old->present && kashim_host_find(old->text, old->length, line, sizeof line)) {
		printf("kashim: already on: %s names %s\n", KASHIM_HOST_PRELOAD, line);
		return 0;
	}
	if (kashim_find_library(from_bin, library, sizeof library, err, sizeof err) != 0)
		return kashim_host_fail("%s; %s left as it was", err, KASHIM_HOST_PRELOAD);
	if (strpbrk(library, " :\t\n") != NULL)
		return kashim_host_fail("cannot preload %s: %s cannot hold a path with a space "
					"or a colon", library, KASHIM_HOST_PRELOAD);
	status = kashim_host_probe(library);
	if (status != 0)
		return status;
	text = malloc(old->length + strlen(library) + 3);
	if (text == NULL)
		return kashim_host_fail("out of memory");
	if (old->present) {
		memcpy(text, old->text, old->length);
		length = old->length;
	}
	/* After a last line without its newline, ours goes on a line of its
	 * own and without one: off then takes away exactly what on added. */
	if (length > 0 && text[length - 1] != '\n')
		length += (size_t)sprintf(text + length, "\n%s", library);
	else
		length += (size_t)sprintf(text + length, "%s\n", library);
	status = kashim_host_replace(old, text, length);
	free(text);
	if (status == 0)
		printf("kashim: on: %s names %s\n", KASHIM_HOST_PRELOAD, library);
	return status;
}

static int kashim_host_off(const struct kashim_host_file *old)
{
	size_t length;
	char *text;
	int status;

	if (!old->present || (text = malloc(old->length + 1)) == NULL) {
		if (!old->present) {
			printf("kashim: already off: there is no %s\n", KASHIM_HOST_PRELOAD);
			return 0;
		}
		return kashim_host_fail("out of memory");
	}
	if (kashim_host_remove(old->text, old->length, text, &length) == 0) {
		printf("kashim: already off: %s names no %s\n", KASHIM_HOST_PRELOAD,
		       KASHIM_LIBRARY_NAME);
		free(text);
		return 0;
	}
	status = kashim_host_replace(old, text, length);
	free(text);
	if (status == 0)
		printf("kashim: off: %s %s\n", KASHIM_HOST_PRELOAD,
		       length == 0 ? "removed, kashim's line was all it held"
				   : "keeps its other lines");
	return status;
}

static void kashim_host_warn(const char *message)
{
	fprintf(stderr, "kashim: %s\n", message);
}

static void kashim_host_warn_value(enum kashim_var var, int result, const char *message)
{
	kashim_say_value(var, result, message, kashim_host_warn);
}

/* What a program called name gets from the configuration file alone. */
static void kashim_host_program(const char *name, size_t length)
{
	static struct kashim_conffile file;
	static struct kashim_config cfg; /* 8 KiB of port bitmap */
	struct kashim_identity who;
	char described[400];

	snprintf(who.exe, sizeof who.exe, "%.*s", (int)length, name);
	snprintf(who.argv0, sizeof who.argv0, "%s", who.exe);
	kashim_conffile_read(&file, kashim_conf_path, &who, NULL);
	if (!kashim_config_load_layered(&cfg, &file, NULL, kashim_host_warn_value, &who, NULL)) {
		printf("%s: left alone (KASHIM_PROGRAMS)\n", who.exe);
		return;
	}
	kashim_describe_config(&cfg, described, sizeof described);
	printf("%s: keepalive %s%s\n", who.exe, cfg.enabled ? "on" : "off",
	       cfg.enabled ? described : "");
}

static int kashim_host_status(const struct kashim_host_file *old, const char *programs)
{
	static struct kashim_conffile file;
	char line[PATH_MAX];
	const char *state;

	if (old->present && kashim_host_find(old->text, old->length, line, sizeof line))
		printf("host-wide preload: on (%s names %s)\n", KASHIM_HOST_PRELOAD, line);
	else
		printf("host-wide preload: off (%s names no %s)\n", KASHIM_HOST_PRELOAD,
		       KASHIM_LIBRARY_NAME);
	switch (kashim_conffile_read(&file, kashim_conf_path, NULL, kashim_host_warn)) {
	case KASHIM_CONF_READ:
		state = "in force, under each program's environment";
		break;
	case KASHIM_CONF_IGNORED:
		state = "ignored (see above): the environment and the defaults apply";
		break;
	default:
		state = "absent: the environment and the defaults apply";
		break;
	}
	printf("configuration file: %s, %s\n", kashim_conf_path, state);
	if (programs != NULL && strchr(programs, '!') != NULL)
		return kashim_host_fail("--host status --programs takes program names, not "
					"exclusions");
	while (programs != NULL && *programs != '\0') {
		size_t length = strcspn(programs, ",");

		if (length > 0)
			kashim_host_program(programs, length);
		programs += length;
		if (*programs == ',')
			programs++;
	}
	return 0;
}

int kashim_host_run(const char *action, const char *from_bin, const char *programs)
{
	struct kashim_host_file old;
	int status;

	if (geteuid() != 0)
		return kashim_host_fail("--host %s needs root", action);
	if (kashim_host_read(KASHIM_HOST_PRELOAD, &old) != 0)
		return kashim_host_fail("cannot read %s: %s", KASHIM_HOST_PRELOAD, strerror(errno));
	if (strcmp(action, "on") == 0)
		status = kashim_host_on(&old, from_bin);
	else if (strcmp(action, "off") == 0)
		status = kashim_host_off(&old);
	else
		status = kashim_host_status(&old, programs);
	free(old.text);
	return status;
}
