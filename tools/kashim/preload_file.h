/*
 * /etc/ld.so.preload as kashim --host handles it: read whole, kashim's
 * line found or taken out (and nothing else), and the file replaced
 * atomically. The policy (when to add, the test load, status) is host.c's.
 */
#ifndef KASHIM_PRELOAD_FILE_H
#define KASHIM_PRELOAD_FILE_H

#include "host.h"

#include <stddef.h>
#include <sys/stat.h>

/* What /etc/ld.so.preload held: text (NUL-ended), or absent. */
struct kashim_host_file {
	char *text;
	size_t length;
	int present;
	struct stat st;
};

/* "kashim: " and the message, one line on stderr; returns kashim's 125. */
__attribute__((format(printf, 1, 2)))
int kashim_host_fail(const char *fmt, ...);

/* Read path whole into file; 0, or -1 with errno set (ENOENT is absence). */
int kashim_host_read(const char *path, struct kashim_host_file *file);

/*
 * text without kashim's lines, into out (at least length + 1 bytes).
 * Returns the lines removed; sets *out_length.
 */
int kashim_host_remove(const char *text, size_t length, char *out, size_t *out_length);

/* The first line of ours in text, into line (size bytes); 0 if none. */
int kashim_host_find(const char *text, size_t length, char *line, size_t size);

/*
 * Replace KASHIM_HOST_PRELOAD with text (or remove it when length is 0),
 * atomically. Returns 0 or kashim_host_fail's status.
 */
int kashim_host_replace(const struct kashim_host_file *old, const char *text, size_t length);

#endif
