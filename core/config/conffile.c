/*
 * /etc/kashim.conf: trusted only when root alone may have written it,
 * since every program of a host, setuid ones included, takes its settings
 * from it once kashim is in /etc/ld.so.preload. Read with open/fstat/read
 * into the caller's buffer: the library reads it in its constructor, where
 * stdio and the heap are not ours to use.
 */
#include "conffile.h"
#include "config_table.h"
#include "lists.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for a line about the file: its path, a line number, a quoted line. */
#define KASHIM_CONF_WARNING_MAX 512
/* Bytes of a bad line shown in its message. */
#define KASHIM_CONF_SHOWN 48

/* What kashim_conffile_parse keeps while it walks the lines. */
struct kashim_conf_walk {
	struct kashim_conffile *f;
	const struct kashim_identity *who;
	struct kashim_identity self; /* who, when the caller gave none */
	int section;                 /* 1 once a [section] has begun */
	int applies;                 /* does the current section select who? */
	unsigned char from_section[KASHIM_VAR_COUNT];
	void (*warn)(const char *message);
};

static void kashim_conf_warn(const struct kashim_conf_walk *walk, unsigned number,
			     const char *problem, const char *text, size_t length)
{
	char message[KASHIM_CONF_WARNING_MAX], shown[KASHIM_CONF_SHOWN * 4 + 8];

	if (walk->warn == NULL)
		return;
	kashim_escape(shown, sizeof shown, text, length, KASHIM_CONF_SHOWN);
	kashim_format(message, sizeof message, "%s:%u: \"%s\" %s; line ignored",
		      walk->f->path, number, shown, problem);
	walk->warn(message);
}

static int kashim_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A [programs] line: does the section that starts here select who? */
static void kashim_conf_section(struct kashim_conf_walk *walk, unsigned number, char *line,
				size_t length)
{
	struct kashim_list_error error;

	walk->section = 1;
	walk->applies = 0;
	if (length < 3 || line[length - 1] != ']') {
		kashim_conf_warn(walk, number, "is not a [program] section (its lines are "
				 "ignored too)", line, length);
		return;
	}
	line[length - 1] = '\0';
	if (kashim_parse_programs(line + 1, &error) != 0) {
		line[length - 1] = ']';
		kashim_conf_warn(walk, number, error.problem, line, length);
		return;
	}
	if (walk->who == NULL) {
		kashim_read_identity(&walk->self);
		walk->who = &walk->self;
	}
	walk->applies = kashim_programs_select(line + 1, walk->who);
}

/* A NAME=value line: keep value for its variable if it applies here. */
static void kashim_conf_variable(struct kashim_conf_walk *walk, unsigned number, char *line,
				 size_t length)
{
	char *equals = memchr(line, '=', length);
	size_t name_length;
	enum kashim_var var;
	char *value;

	if (equals == NULL) {
		kashim_conf_warn(walk, number, "is not KASHIM_NAME=value, [program] or a "
				 "# comment", line, length);
		return;
	}
	name_length = (size_t)(equals - line);
	while (name_length > 0 && kashim_blank(line[name_length - 1]))
		name_length--;
	var = kashim_find_var(line, name_length);
	if (var == KASHIM_VAR_COUNT) {
		kashim_conf_warn(walk, number, "does not name a kashim variable", line, length);
		return;
	}
	if (walk->section && !walk->applies)
		return;
	if (!walk->section && walk->from_section[var])
		return;
	value = equals + 1;
	while (kashim_blank(*value))
		value++;
	walk->f->value[var] = value;
	walk->f->line[var] = number;
	walk->from_section[var] = (unsigned char)walk->section;
}

void kashim_conffile_parse(struct kashim_conffile *f, size_t length,
			   const struct kashim_identity *who, void (*warn)(const char *message))
{
	struct kashim_conf_walk walk;
	size_t start = 0;
	unsigned number = 0;

	memset(&walk, 0, sizeof walk);
	walk.f = f;
	walk.who = who;
	walk.warn = warn;
	f->state = KASHIM_CONF_READ;
	f->text[length] = '\0';
	while (start < length) {
		char *newline = memchr(f->text + start, '\n', length - start);
		size_t end = newline != NULL ? (size_t)(newline - f->text) : length;
		char *line = f->text + start;
		size_t line_length = end - start;

		number++;
		f->text[end] = '\0';
		start = end + 1;
		while (line_length > 0 && kashim_blank(*line)) {
			line++;
			line_length--;
		}
		while (line_length > 0 && kashim_blank(line[line_length - 1]))
			line[--line_length] = '\0';
		if (line_length == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', line_length) != NULL)
			kashim_conf_warn(&walk, number, "holds a NUL byte", line, line_length);
		else if (line[0] == '[')
			kashim_conf_section(&walk, number, line, line_length);
		else
			kashim_conf_variable(&walk, number, line, line_length);
	}
}

/* Say why the file is ignored (format, then its arguments); returns KASHIM_CONF_IGNORED. */
static int kashim_conf_ignore(struct kashim_conffile *f, void (*warn)(const char *message),
			      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int kashim_conf_ignore(struct kashim_conffile *f, void (*warn)(const char *message),
			      const char *fmt, ...)
{
	char message[KASHIM_CONF_WARNING_MAX];
	va_list ap;

	f->state = KASHIM_CONF_IGNORED;
	if (warn != NULL) {
		va_start(ap, fmt);
		kashim_vformat(message, sizeof message, fmt, ap);
		va_end(ap);
		warn(message);
	}
	return KASHIM_CONF_IGNORED;
}

/* Read at most KASHIM_CONF_MAX bytes of fd; -1 on error, -2 when longer. */
static long kashim_conf_slurp(struct kashim_conffile *f, int fd)
{
	size_t length = 0;
	char extra;
	ssize_t got;

	while (length < KASHIM_CONF_MAX) {
		got = read(fd, f->text + length, KASHIM_CONF_MAX - length);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		length += (size_t)got;
		/* A regular file's read comes back short only at its end: no
		 * second read to hear that (one system call less per exec). */
		if (length < KASHIM_CONF_MAX)
			return (long)length;
	}
	do {
		got = read(fd, &extra, 1);
	} while (got < 0 && errno == EINTR);
	return got == 0 ? (long)length : -2;
}

/* Is what fd holds trusted? Returns 0, or says why not and returns -1. */
static int kashim_conf_trusted(struct kashim_conffile *f, int fd,
			       void (*warn)(const char *message))
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		kashim_conf_ignore(f, warn, "cannot stat %s (errno %d); ignored", f->path, errno);
	else if (!S_ISREG(st.st_mode))
		kashim_conf_ignore(f, warn, "%s is not a regular file; ignored", f->path);
	else if (st.st_uid != 0)
		kashim_conf_ignore(f, warn, "%s is owned by uid %lu, not root; ignored",
				   f->path, (unsigned long)st.st_uid);
	else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		kashim_conf_ignore(f, warn, "%s is writable by its group or others; ignored",
				   f->path);
	else if (st.st_size > KASHIM_CONF_MAX)
		kashim_conf_ignore(f, warn, "%s is larger than %d bytes; ignored", f->path,
				   KASHIM_CONF_MAX);
	else
		return 0;
	return -1;
}

int kashim_conffile_read(struct kashim_conffile *f, const char *path,
			 const struct kashim_identity *who, void (*warn)(const char *message))
{
	int saved_errno = errno;
	long length;
	int fd, i;

	/* O_NONBLOCK: a FIFO put there must not hang every program at start. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		/* The common case, in every exec of a host without the file:
		 * f is only written if it says otherwise (the library's is
		 * all zeros, so its pages stay untouched). */
		if (f->state != KASHIM_CONF_ABSENT)
			f->state = KASHIM_CONF_ABSENT;
		errno = saved_errno;
		return KASHIM_CONF_ABSENT;
	}
	f->path = path;
	f->state = KASHIM_CONF_ABSENT;
	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		f->value[i] = NULL;
		f->line[i] = 0;
	}
	if (fd < 0) {
		kashim_conf_ignore(f, warn, "cannot open %s (errno %d); ignored", path, errno);
		errno = saved_errno;
		return f->state;
	}
	if (kashim_conf_trusted(f, fd, warn) == 0) {
		length = kashim_conf_slurp(f, fd);
		if (length == -1)
			kashim_conf_ignore(f, warn, "cannot read %s (errno %d); ignored", path, errno);
		else if (length == -2)
			kashim_conf_ignore(f, warn, "%s is larger than %d bytes; ignored", path,
					   KASHIM_CONF_MAX);
		else
			kashim_conffile_parse(f, (size_t)length, who, warn);
	}
	close(fd);
	errno = saved_errno;
	return f->state;
}

const char *kashim_layered_value(const struct kashim_conffile *file,
				 const char *(*env)(const char *name), enum kashim_var var,
				 unsigned *line)
{
	const char *text = env != NULL ? env(kashim_var_name(var)) : NULL;

	*line = 0;
	if (text != NULL || file == NULL || file->state != KASHIM_CONF_READ)
		return text;
	*line = file->line[var];
	return file->value[var];
}
