/*
 * Reads only the ELF headers: the program headers for PT_INTERP and the
 * section names for Go's. Both the 32- and 64-bit layouts, in the host's
 * byte order (a process runs on this host).
 */
#include "elf_kind.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The headers that matter, whichever the class. */
struct kashim_elf {
	int fd;
	int is64;
	unsigned long long phoff, shoff;
	unsigned phnum, phentsize, shnum, shentsize, shstrndx, machine;
};

#if defined(__x86_64__)
#define KASHIM_NATIVE_MACHINE EM_X86_64 /* x32 programs (32-bit class) too */
#elif defined(__aarch64__)
#define KASHIM_NATIVE_MACHINE EM_AARCH64
#else
#define KASHIM_NATIVE_MACHINE EM_NONE
#endif

/* Read exactly size bytes at offset. Returns 0, or -1. */
static int kashim_read_at(int fd, void *buf, size_t size, unsigned long long offset)
{
	return pread(fd, buf, size, (off_t)offset) == (ssize_t)size ? 0 : -1;
}

/* The same fields of Elf32_Ehdr and Elf64_Ehdr, whose types differ. */
#define KASHIM_TAKE_HEADER(elf, h)                                              \
	do {                                                                    \
		(elf)->phoff = (h).e_phoff;                                     \
		(elf)->shoff = (h).e_shoff;                                     \
		(elf)->phnum = (h).e_phnum;                                     \
		(elf)->phentsize = (h).e_phentsize;                             \
		(elf)->shnum = (h).e_shnum;                                     \
		(elf)->shentsize = (h).e_shentsize;                             \
		(elf)->shstrndx = (h).e_shstrndx;                               \
		(elf)->machine = (h).e_machine;                                 \
	} while (0)

static int kashim_elf_open(struct kashim_elf *elf)
{
	unsigned char ident[EI_NIDENT];

	if (kashim_read_at(elf->fd, ident, sizeof ident, 0) != 0 ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0)
		return -1;
	elf->is64 = ident[EI_CLASS] == ELFCLASS64;
	if (elf->is64) {
		Elf64_Ehdr h;

		if (kashim_read_at(elf->fd, &h, sizeof h, 0) != 0)
			return -1;
		KASHIM_TAKE_HEADER(elf, h);
	} else {
		Elf32_Ehdr h;

		if (kashim_read_at(elf->fd, &h, sizeof h, 0) != 0)
			return -1;
		KASHIM_TAKE_HEADER(elf, h);
	}
	return 0;
}

/* Does a program header say PT_INTERP? */
static int kashim_has_interp(const struct kashim_elf *elf)
{
	unsigned i;

	for (i = 0; i < elf->phnum; i++) {
		unsigned long long at = elf->phoff + (unsigned long long)i * elf->phentsize;
		Elf64_Phdr p64;
		Elf32_Phdr p32;

		if (elf->is64 ? kashim_read_at(elf->fd, &p64, sizeof p64, at)
			      : kashim_read_at(elf->fd, &p32, sizeof p32, at))
			return 0;
		if ((elf->is64 ? p64.p_type : p32.p_type) == PT_INTERP)
			return 1;
	}
	return 0;
}

/* Section i's name offset, file offset and size. Returns 0, or -1. */
static int kashim_section(const struct kashim_elf *elf, unsigned i, unsigned *name,
			  unsigned long long *offset, unsigned long long *size)
{
	unsigned long long at = elf->shoff + (unsigned long long)i * elf->shentsize;
	Elf64_Shdr s64;
	Elf32_Shdr s32;

	if (elf->is64) {
		if (kashim_read_at(elf->fd, &s64, sizeof s64, at) != 0)
			return -1;
		*name = s64.sh_name;
		*offset = s64.sh_offset;
		*size = s64.sh_size;
	} else {
		if (kashim_read_at(elf->fd, &s32, sizeof s32, at) != 0)
			return -1;
		*name = s32.sh_name;
		*offset = s32.sh_offset;
		*size = s32.sh_size;
	}
	return 0;
}

/* Does a section carry one of the names only the Go toolchain writes? */
static int kashim_has_go_section(const struct kashim_elf *elf)
{
	static const char *const go_sections[] = { ".note.go.buildid", ".go.buildinfo",
						   ".gopclntab" };
	unsigned long long names_at, names_size, offset, size;
	unsigned i, name, found = 0;
	char *names;

	if (elf->shnum == 0 || elf->shstrndx >= elf->shnum ||
	    kashim_section(elf, elf->shstrndx, &name, &names_at, &names_size) != 0 ||
	    names_size == 0 || names_size > (1U << 20))
		return 0;
	names = malloc((size_t)names_size + 1);
	if (names == NULL || kashim_read_at(elf->fd, names, (size_t)names_size, names_at) != 0) {
		free(names);
		return 0;
	}
	names[names_size] = '\0';
	for (i = 0; i < elf->shnum && !found; i++) {
		size_t g;

		if (kashim_section(elf, i, &name, &offset, &size) != 0 || name >= names_size)
			continue;
		for (g = 0; g < sizeof go_sections / sizeof go_sections[0]; g++)
			found |= strcmp(names + name, go_sections[g]) == 0;
	}
	free(names);
	return (int)found;
}

int kashim_elf_kind_of_file(const char *path)
{
	struct kashim_elf elf;
	int kind = 0;

	memset(&elf, 0, sizeof elf);
	elf.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (elf.fd < 0)
		return -1;
	if (kashim_elf_open(&elf) != 0) {
		close(elf.fd);
		errno = ENOEXEC;
		return -1;
	}
	if (!kashim_has_interp(&elf))
		kind |= KASHIM_ELF_STATIC;
	if (kashim_has_go_section(&elf))
		kind |= KASHIM_ELF_GO;
	if (elf.machine != KASHIM_NATIVE_MACHINE ||
	    (!elf.is64 && KASHIM_NATIVE_MACHINE != EM_X86_64))
		kind |= KASHIM_ELF_FOREIGN;
	close(elf.fd);
	return kind;
}

int kashim_elf_kind(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%ld/exe", (long)pid);
	return kashim_elf_kind_of_file(path);
}
