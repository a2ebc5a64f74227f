/*
 * /etc/ld.so.preload as kashim --host handles it: read whole, kashim's
 * line found or taken out (and nothing else), and the file replaced
 * atomically. The policy (when to add, the test load, status) is host.c's.
 */
#include "preload_file.h"
#include "preload.h"
#include "tools/cli/exit_status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((format(printf, 1, 2)))
int kashim_host_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("kashim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KASHIM_EXIT_FAILURE;
}

/* Read path whole into file; 0, or -1 with errno set (ENOENT is absence). */
int kashim_host_read(const char *path, struct kashim_host_file *file)
{
	size_t size = 4096;
	ssize_t got;
	int fd;

	memset(file, 0, sizeof *file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &file->st) != 0 || (file->text = malloc(size)) == NULL)
		goto fail;
	for (;;) {
		if (file->length + 1 == size) {
			char *bigger = realloc(file->text, size * 2);

			if (bigger == NULL)
				goto fail;
			file->text = bigger;
			size *= 2;
		}
		got = read(fd, file->text + file->length, size - 1 - file->length);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		file->length += (size_t)got;
	}
	file->text[file->length] = '\0';
	file->present = 1;
	close(fd);
	return 0;
fail:
	close(fd);
	free(file->text);
	file->text = NULL;
	return -1;
}

/*
 * Is the line at text (length bytes, no newline) kashim's: one entry, a
 * path or name whose last component is libkashim.so?
 */
static int kashim_host_is_ours(const char *text, size_t length)
{
	static const char name[] = KASHIM_LIBRARY_NAME;
	const size_t name_length = sizeof name - 1;

	while (length > 0 && strchr(" \t\r", text[0]) != NULL) {
		text++;
		length--;
	}
	while (length > 0 && strchr(" \t\r", text[length - 1]) != NULL)
		length--;
	if (length < name_length || memchr(text, ' ', length) != NULL ||
	    memchr(text, '\t', length) != NULL || memchr(text, ':', length) != NULL)
		return 0;
	return memcmp(text + length - name_length, name, name_length) == 0 &&
	       (length == name_length || text[length - name_length - 1] == '/');
}

/*
 * text without kashim's lines, into out (at least length + 1 bytes).
 * A line of ours that ended the file without a newline was added after a
 * newline of ours (kashim_host_on): that goes too, so the file is again
 * what it was byte for byte. Returns the lines removed; sets *out_length.
 */
int kashim_host_remove(const char *text, size_t length, char *out, size_t *out_length)
{
	size_t start = 0, kept = 0;
	int removed = 0;

	while (start < length) {
		const char *newline = memchr(text + start, '\n', length - start);
		size_t end = newline != NULL ? (size_t)(newline - text) : length;
		size_t next = newline != NULL ? end + 1 : length;

		if (kashim_host_is_ours(text + start, end - start)) {
			removed++;
			if (newline == NULL && kept > 0 && out[kept - 1] == '\n')
				kept--;
		} else {
			memcpy(out + kept, text + start, next - start);
			kept += next - start;
		}
		start = next;
	}
	out[kept] = '\0';
	*out_length = kept;
	return removed;
}

/* The first line of ours in text, into line (size bytes); 0 if none. */
int kashim_host_find(const char *text, size_t length, char *line, size_t size)
{
	size_t start = 0;

	while (start < length) {
		const char *newline = memchr(text + start, '\n', length - start);
		size_t end = newline != NULL ? (size_t)(newline - text) : length;

		if (kashim_host_is_ours(text + start, end - start)) {
			snprintf(line, size, "%.*s", (int)(end - start), text + start);
			return 1;
		}
		start = end + 1;
	}
	return 0;
}

/*
 * Replace KASHIM_HOST_PRELOAD with text (or remove it when length is 0),
 * atomically: a temporary file in /etc with the old file's owner and
 * mode, synced, renamed over it. Returns 0 or kashim_host_fail's status.
 */
int kashim_host_replace(const struct kashim_host_file *old, const char *text,
			       size_t length)
{
	char temporary[] = KASHIM_HOST_PRELOAD ".kashim-XXXXXX";
	size_t done = 0;
	int fd;

	if (length == 0) {
		if (unlink(KASHIM_HOST_PRELOAD) != 0 && errno != ENOENT)
			return kashim_host_fail("cannot remove %s: %s", KASHIM_HOST_PRELOAD,
						strerror(errno));
		return 0;
	}
	fd = mkstemp(temporary);
	if (fd < 0)
		return kashim_host_fail("cannot create a file in /etc: %s", strerror(errno));
	if (fchmod(fd, old->present ? old->st.st_mode & 07777 : 0644) != 0 ||
	    (old->present && fchown(fd, old->st.st_uid, old->st.st_gid) != 0))
		goto fail;
	while (done < length) {
		ssize_t wrote = write(fd, text + done, length - done);

		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote < 0)
			goto fail;
		done += (size_t)wrote;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(temporary, KASHIM_HOST_PRELOAD) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	{
		int saved_errno = errno;

		if (fd >= 0)
			close(fd);
		unlink(temporary);
		return kashim_host_fail("cannot write %s: %s", KASHIM_HOST_PRELOAD,
					strerror(saved_errno));
	}
}
