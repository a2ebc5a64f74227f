/* Messages to stderr, safe in signal handlers: no stdio, no malloc. */
#ifndef KASHIM_LOG_H
#define KASHIM_LOG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf (always NUL-terminated when size > 0), like vsnprintf but
 * knowing only %s %c %d %u %ld %lu %x and %%, which is all kashim prints.
 * Returns the length written, truncated to size - 1.
 */
size_t kashim_vformat(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
size_t kashim_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Copy text into buf as a double-quoted string that stays on one line and
 * shows only printable ASCII: every other byte (control bytes, 0x7f, and
 * 0x80 and above, which include the C1 controls) becomes \xNN, quotes and
 * backslashes get a backslash, and anything past max_chars, or past what
 * fits in size, is cut and marked with "...", so the quotes always close.
 * Returns the length written.
 */
size_t kashim_quote(char *buf, size_t size, const char *text, size_t max_chars);

/* kashim_quote without the quotes, of text's first length bytes at most. */
size_t kashim_escape(char *buf, size_t size, const char *text, size_t length,
		     size_t max_chars);

/*
 * Write "kashim[PID NAME]: <message>\n" to stderr with a single write(2),
 * so lines from several processes or threads never interleave. NAME is
 * the program's (argv[0]'s basename), escaped like kashim_quote's text;
 * message is written as it is, so any text in it from outside must have
 * gone through kashim_quote or kashim_escape. errno is kept.
 */
void kashim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * From now on kashim_log writes each line to a descriptor open_target
 * returns (closed after the write; none when it returns -1) instead of
 * fd 2. For kashim's supervisor, which holds none of the caller's
 * streams once its program runs; the library never calls it.
 */
void kashim_log_through(int (*open_target)(void));

#endif
