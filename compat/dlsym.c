/*
 * dlsym for libkashim.so. Before glibc 2.34 it lives in libdl, which most
 * programs never load, and naming libdl would load it into every process
 * kashim is preloaded into, at a start-up cost near kashim's own (make
 * bench). So it is bound weakly: where it is missing, the two lookups
 * kashim makes (RTLD_NEXT, RTLD_DEFAULT) are done here, by walking the
 * loaded objects in the loader's order (dl_iterate_phdr, in libc since
 * glibc 2.2.4) through their symbol hash tables.
 */
#include "dlsym.h"
#include "glibc.h"

#include <dlfcn.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *kashim_libc_dlsym(void *handle, const char *name) __attribute__((weak));
KASHIM_FIRST_VERSION(kashim_libc_dlsym, dlsym);

struct kashim_lookup {
	const char *name;
	uint32_t gnu_hash;
	uint32_t sysv_hash;
	uintptr_t caller;  /* RTLD_NEXT: skip objects up to the one holding it */
	int skipping;
	void *found;
};

/* What one object's dynamic section says about its symbols. */
struct kashim_symbols {
	const ElfW(Sym) *symtab;
	const char *strtab;
	const ElfW(Half) *versym;  /* may be NULL */
};

static uint32_t kashim_gnu_hash_of(const char *name)
{
	uint32_t h = 5381;

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		h = h * 33 + *p;
	return h;
}

static uint32_t kashim_sysv_hash_of(const char *name)
{
	uint32_t h = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		uint32_t g;

		h = (h << 4) + *p;
		g = h & 0xf0000000U;
		h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* Is symbol i a definition of name as a function, in its default version? */
static int kashim_defines(const struct kashim_symbols *s, uint32_t i, const char *name)
{
	const ElfW(Sym) *sym = &s->symtab[i];

	return sym->st_shndx != SHN_UNDEF && sym->st_value != 0 &&
	       ELF64_ST_TYPE(sym->st_info) == STT_FUNC /* ELF32's alike */ &&
	       (s->versym == NULL || (s->versym[i] & 0x8000) == 0) &&
	       strcmp(s->strtab + sym->st_name, name) == 0;
}

/* The index of name in a DT_GNU_HASH table, or 0. */
static uint32_t kashim_gnu_find(const uint32_t *table, const struct kashim_symbols *s,
				const char *name, uint32_t hash)
{
	uint32_t buckets = table[0], offset = table[1], bloom_words = table[2];
	const uint32_t *bucket = (const uint32_t *)(const void *)
		((const ElfW(Addr) *)(const void *)(table + 4) + bloom_words);
	const uint32_t *chain = bucket + buckets;

	if (buckets == 0)
		return 0;
	for (uint32_t i = bucket[hash % buckets]; i >= offset && i != 0; i++) {
		uint32_t h = chain[i - offset];

		if ((h | 1) == (hash | 1) && kashim_defines(s, i, name))
			return i;
		if (h & 1)
			break;
	}
	return 0;
}

/* The index of name in a DT_HASH table, or 0. */
static uint32_t kashim_sysv_find(const uint32_t *table, const struct kashim_symbols *s,
				 const char *name, uint32_t hash)
{
	uint32_t buckets = table[0];
	const uint32_t *bucket = table + 2, *chain = bucket + buckets;

	if (buckets == 0)
		return 0;
	for (uint32_t i = bucket[hash % buckets]; i != STN_UNDEF; i = chain[i])
		if (kashim_defines(s, i, name))
			return i;
	return 0;
}

/* Does the object hold address? */
static int kashim_holds(const struct dl_phdr_info *info, uintptr_t address)
{
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && address >= start && address - start < ph->p_memsz)
			return 1;
	}
	return 0;
}

/* A loaded object's address: dl_iterate_phdr and ELF give them as integers. */
static void *kashim_at(uintptr_t address)
{
	return (void *)address; /* NOLINT(performance-no-int-to-ptr) */
}

/*
 * An address from the dynamic section: glibc's loader has rewritten most
 * of them to absolute addresses, but not the vDSO's, still offsets.
 */
static const void *kashim_dynamic_address(const struct dl_phdr_info *info, uintptr_t value)
{
	return kashim_at(value < info->dlpi_addr ? info->dlpi_addr + value : value);
}

/* dl_iterate_phdr's callback: stops (returns 1) at the object defining the name. */
static int kashim_search(struct dl_phdr_info *info, size_t size, void *data)
{
	struct kashim_lookup *lookup = data;
	struct kashim_symbols s = { NULL, NULL, NULL };
	const uint32_t *gnu = NULL, *sysv = NULL;
	const ElfW(Dyn) *dyn = NULL;
	uint32_t i = 0;

	(void)size;
	if (lookup->skipping) {
		lookup->skipping = !kashim_holds(info, lookup->caller);
		return 0;
	}
	for (ElfW(Half) p = 0; p < info->dlpi_phnum; p++)
		if (info->dlpi_phdr[p].p_type == PT_DYNAMIC)
			dyn = kashim_at(info->dlpi_addr + info->dlpi_phdr[p].p_vaddr);
	for (; dyn != NULL && dyn->d_tag != DT_NULL; dyn++) {
		const void *address = kashim_dynamic_address(info, dyn->d_un.d_ptr);

		if (dyn->d_tag == DT_SYMTAB)
			s.symtab = address;
		else if (dyn->d_tag == DT_STRTAB)
			s.strtab = address;
		else if (dyn->d_tag == DT_VERSYM)
			s.versym = address;
		else if (dyn->d_tag == DT_GNU_HASH)
			gnu = address;
		else if (dyn->d_tag == DT_HASH)
			sysv = address;
	}
	if (s.symtab == NULL || s.strtab == NULL)
		return 0;
	if (gnu != NULL)
		i = kashim_gnu_find(gnu, &s, lookup->name, lookup->gnu_hash);
	else if (sysv != NULL)
		i = kashim_sysv_find(sysv, &s, lookup->name, lookup->sysv_hash);
	if (i == 0)
		return 0;
	lookup->found = kashim_at(info->dlpi_addr + s.symtab[i].st_value);
	return 1;
}

void *kashim_find_symbol(const void *handle, const char *name, const void *caller)
{
	struct kashim_lookup lookup = {
		.name = name,
		.gnu_hash = kashim_gnu_hash_of(name),
		.sysv_hash = kashim_sysv_hash_of(name),
		.caller = (uintptr_t)caller,
		.skipping = handle == RTLD_NEXT,
		.found = NULL,
	};

	if (handle != RTLD_NEXT && handle != RTLD_DEFAULT)
		return NULL;
	dl_iterate_phdr(kashim_search, &lookup);
	return lookup.found;
}

/* glibc's dlsym where it is loaded; otherwise the lookup above, seen from here. */
void *dlsym(void *handle, const char *name)
{
	if (kashim_libc_dlsym != NULL)
		return kashim_libc_dlsym(handle, name);
	return kashim_find_symbol(handle, name, (const void *)kashim_find_symbol);
}
