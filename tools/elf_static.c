/*
 * Static-executable detection for kashim's choice between preloading and
 * supervising. Only headers are read: a few hundred bytes per COMMAND.
 */
#include "elf_static.h"

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The kernel follows at most this many "#!" levels (binfmt_script). */
#define KASHIM_SCRIPT_DEPTH 4

#if defined(__x86_64__)
#define KASHIM_NATIVE_MACHINE EM_X86_64 /* x32 programs too: same machine */
#elif defined(__aarch64__)
#define KASHIM_NATIVE_MACHINE EM_AARCH64
#else
#define KASHIM_NATIVE_MACHINE EM_NONE /* no supervisor filter for this machine */
#endif

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

/* Read count bytes at offset, all or nothing. */
static int kashim_read_at(int fd, void *buf, size_t count, uint64_t offset)
{
	return pread(fd, buf, count, (off_t)offset) == (ssize_t)count ? 0 : -1;
}

/*
 * Fill is_static and native from the ELF headers at fd, in this host's
 * byte order (a foreign one cannot run here anyway). Returns -1 for a
 * file that is not ELF.
 */
static int kashim_read_elf(int fd, struct kashim_command *cmd)
{
	union {
		Elf64_Ehdr e64;
		Elf32_Ehdr e32;
	} h;
	uint64_t phoff;
	unsigned phnum, phentsize, i, machine;
	int wide;

	if (kashim_read_at(fd, &h, sizeof h.e32, 0) != 0 ||
	    memcmp(h.e32.e_ident, ELFMAG, SELFMAG) != 0)
		return -1;
	wide = h.e32.e_ident[EI_CLASS] == ELFCLASS64;
	if (wide && kashim_read_at(fd, &h, sizeof h.e64, 0) != 0)
		return -1;
	phoff = wide ? h.e64.e_phoff : h.e32.e_phoff;
	phnum = wide ? h.e64.e_phnum : h.e32.e_phnum;
	phentsize = wide ? h.e64.e_phentsize : h.e32.e_phentsize;
	machine = wide ? h.e64.e_machine : h.e32.e_machine;
	if (phentsize < (wide ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return -1;
	cmd->native = machine == KASHIM_NATIVE_MACHINE &&
		      (wide || KASHIM_NATIVE_MACHINE == EM_X86_64);
	cmd->is_static = 1;
	for (i = 0; i < phnum; i++) {
		union {
			Elf64_Phdr p64;
			Elf32_Phdr p32;
		} ph;

		if (kashim_read_at(fd, &ph, wide ? sizeof ph.p64 : sizeof ph.p32,
				   phoff + (uint64_t)i * phentsize) != 0)
			return -1;
		if ((wide ? ph.p64.p_type : ph.p32.p_type) == PT_INTERP) {
			cmd->is_static = 0;
			break;
		}
	}
	return 0;
}

int kashim_inspect_command(const char *name, struct kashim_command *cmd)
{
	char interpreter[PATH_MAX];
	struct stat st;
	int depth, fd, found;

	memset(cmd, 0, sizeof *cmd);
	if (kashim_find_in_path(name, cmd->path, sizeof cmd->path) != 0)
		return -1;
	for (depth = 0;; depth++) {
		fd = open(cmd->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (depth < KASHIM_SCRIPT_DEPTH &&
		    kashim_script_interpreter(fd, interpreter, sizeof interpreter) == 0) {
			close(fd);
			memcpy(cmd->path, interpreter, strlen(interpreter) + 1);
			continue;
		}
		found = fstat(fd, &st) == 0 ? kashim_read_elf(fd, cmd) : -1;
		close(fd);
		break;
	}
	if (found != 0)
		return -1;
	/* Linux ignores these bits on scripts, so only the binary's count. */
	cmd->privileged = (st.st_mode & (S_ISUID | S_ISGID)) != 0 ||
			  getxattr(cmd->path, "security.capability", NULL, 0) > 0;
	return 0;
}
