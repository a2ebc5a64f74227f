#include "systemctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KASHIM_UNIT_NAME_MAX 255

static const char *const kashim_unit_types[] = {
	".service", ".socket", ".scope", ".slice", ".mount", ".swap", ".target", ".timer",
	".path", ".device", ".automount",
};

int kashim_unit_name(const char *name, char *full, size_t size)
{
	const char *dot = strrchr(name, '.');
	size_t len = strlen(name), i;
	int typed = 0;

	if (len == 0 || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.\\@-") != len)
		return -1;
	for (i = 0; dot != NULL && i < sizeof kashim_unit_types / sizeof kashim_unit_types[0]; i++)
		typed |= strcmp(dot, kashim_unit_types[i]) == 0;
	if ((size_t)snprintf(full, size, "%s%s", name, typed ? "" : ".service") >= size ||
	    strlen(full) > KASHIM_UNIT_NAME_MAX)
		return -1;
	return 0;
}

/* Run systemctl show with its output (and errors) into a pipe. */
static pid_t kashim_spawn_show(const char *unit, int *out)
{
	char name[512];
	char *const argv[] = {
		(char *)"systemctl", (char *)"show", (char *)"--no-pager",
		(char *)"--property=Id,LoadState,ActiveState,ControlGroup,Slice,TriggeredBy,"
			"Triggers,Listen,Accept", (char *)"--", name, NULL,
	};
	int fds[2];
	pid_t pid;

	snprintf(name, sizeof name, "%s", unit);
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[1]);
	if (pid < 0)
		close(fds[0]);
	else
		*out = fds[0];
	return pid;
}

int kashim_unit_show(const char *unit, struct kashim_unit_props *props, char *err,
		     size_t err_size)
{
	size_t used = 0;
	ssize_t got;
	int out, status;
	pid_t pid = kashim_spawn_show(unit, &out);

	if (pid < 0) {
		snprintf(err, err_size, "cannot run systemctl: %s", strerror(errno));
		return -1;
	}
	while ((got = read(out, props->text + used, sizeof props->text - 1 - used)) > 0 ||
	       (got < 0 && errno == EINTR))
		used += got > 0 ? (size_t)got : 0;
	props->text[used] = '\0';
	close(out);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, err_size, "systemctl is not installed: --unit needs systemd");
	else
		snprintf(err, err_size, "systemctl show %s failed: %.*s", unit,
			 (int)strcspn(props->text, "\n"), props->text);
	return -1;
}

const char *kashim_unit_prop(const struct kashim_unit_props *props, const char *key, int nth)
{
	const char *line = props->text;
	size_t len = strlen(key);

	while (*line != '\0') {
		if (strncmp(line, key, len) == 0 && line[len] == '=' && nth-- == 0)
			return line + len + 1;
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return NULL;
}

const char *kashim_unit_prop_copy(const struct kashim_unit_props *props, const char *key,
				  int nth, char *buf, size_t size)
{
	const char *value = kashim_unit_prop(props, key, nth);

	snprintf(buf, size, "%.*s", value ? (int)strcspn(value, "\n") : 0, value ? value : "");
	return buf;
}
