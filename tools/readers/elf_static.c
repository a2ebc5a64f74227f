/*
 * Static-executable detection for kashim's choice between preloading and
 * supervising. Only headers are read: a few hundred bytes per COMMAND.
 */
#include "elf_static.h"
#include "elf_kind.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The kernel follows at most this many "#!" levels (binfmt_script). */
#define KASHIM_SCRIPT_DEPTH 4

/* Is path a regular file we may execute? */
static int kashim_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/*
 * execvp's search: name itself when it holds a '/', else the first
 * executable PATH entry (an empty entry is the current directory; no
 * PATH means "/bin:/usr/bin", as glibc and musl take it).
 */
static int kashim_find_in_path(const char *name, char *path, size_t size)
{
	const char *dirs = getenv("PATH");
	const char *dir, *end;

	if (strchr(name, '/') != NULL) {
		if (strlen(name) >= size)
			return -1;
		memcpy(path, name, strlen(name) + 1);
		return kashim_executable(path) ? 0 : -1;
	}
	if (dirs == NULL)
		dirs = "/bin:/usr/bin";
	for (dir = dirs;; dir = end + 1) {
		int length;

		end = strchrnul(dir, ':');
		length = snprintf(path, size, "%.*s%s%s", (int)(end - dir), dir,
				  end == dir ? "./" : "/", name);
		if (length > 0 && (size_t)length < size && kashim_executable(path))
			return 0;
		if (*end == '\0')
			return -1;
	}
}

/*
 * The interpreter of a "#!" script at fd into path (just the path, not
 * its argument). Returns 0, or -1 when the file is not such a script.
 */
static int kashim_script_interpreter(int fd, char *path, size_t size)
{
	char line[256];
	ssize_t got = pread(fd, line, sizeof line - 1, 0);
	char *start, *end;

	if (got < 3 || line[0] != '#' || line[1] != '!')
		return -1;
	line[got] = '\0';
	start = line + 2;
	start += strspn(start, " \t");
	end = start + strcspn(start, " \t\n");
	if (end == start || (size_t)(end - start) >= size)
		return -1;
	memcpy(path, start, (size_t)(end - start));
	path[end - start] = '\0';
	return 0;
}

int kashim_inspect_command(const char *name, struct kashim_command *cmd)
{
	char interpreter[PATH_MAX];
	struct stat st;
	int depth, fd, kind;

	memset(cmd, 0, sizeof *cmd);
	if (kashim_find_in_path(name, cmd->path, sizeof cmd->path) != 0)
		return -1;
	for (depth = 0; depth < KASHIM_SCRIPT_DEPTH; depth++) {
		fd = open(cmd->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (kashim_script_interpreter(fd, interpreter, sizeof interpreter) != 0) {
			close(fd);
			break;
		}
		close(fd);
		memcpy(cmd->path, interpreter, strlen(interpreter) + 1);
	}
	kind = kashim_elf_kind_of_file(cmd->path);
	if (kind < 0 || stat(cmd->path, &st) != 0)
		return -1;
	cmd->is_static = (kind & KASHIM_ELF_STATIC) != 0;
	cmd->native = (kind & KASHIM_ELF_FOREIGN) == 0;
	/* Linux ignores these bits on scripts, so only the binary's count. */
	cmd->privileged = (st.st_mode & (S_ISUID | S_ISGID)) != 0 ||
			  getxattr(cmd->path, "security.capability", NULL, 0) > 0;
	return 0;
}
