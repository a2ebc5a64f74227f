/*
 * A tiny formatter and logger. kashim may log from inside a signal handler
 * (the host program called connect there) or before libc's stdio is set up,
 * so nothing here touches stdio, locks or the heap.
 */
#include "log.h"

#include <errno.h>
#include <unistd.h>

/* Room for the prefix and the longest message, a warning about a value. */
#define KASHIM_LINE_MAX 640
/* Bytes of the program's name shown in the prefix, before "...". */
#define KASHIM_PROGRAM_SHOWN 32

struct kashim_sink {
	char *buf;
	size_t size;
	size_t len;
};

static void kashim_put(struct kashim_sink *sink, char c)
{
	if (sink->len + 1 < sink->size)
		sink->buf[sink->len++] = c;
}

static void kashim_puts(struct kashim_sink *sink, const char *s)
{
	if (s == NULL)
		s = "(null)";
	while (*s != '\0')
		kashim_put(sink, *s++);
}

static void kashim_put_unsigned(struct kashim_sink *sink, unsigned long value,
				unsigned base)
{
	char digits[3 * sizeof value + 1];
	size_t n = 0;

	do {
		digits[n++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value != 0);
	while (n > 0)
		kashim_put(sink, digits[--n]);
}

static void kashim_put_signed(struct kashim_sink *sink, long value)
{
	if (value < 0) {
		kashim_put(sink, '-');
		/* Negate in unsigned arithmetic so LONG_MIN does not overflow. */
		kashim_put_unsigned(sink, 0UL - (unsigned long)value, 10);
	} else {
		kashim_put_unsigned(sink, (unsigned long)value, 10);
	}
}

size_t kashim_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct kashim_sink sink = { buf, size, 0 };

	for (; *fmt != '\0'; fmt++) {
		int is_long = 0;

		if (*fmt != '%') {
			kashim_put(&sink, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == 'l') {
			is_long = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			kashim_puts(&sink, va_arg(ap, const char *));
			break;
		case 'c':
			kashim_put(&sink, (char)va_arg(ap, int));
			break;
		case 'd':
			kashim_put_signed(&sink, is_long ? va_arg(ap, long)
							 : va_arg(ap, int));
			break;
		case 'u':
			kashim_put_unsigned(&sink, is_long ? va_arg(ap, unsigned long)
							   : va_arg(ap, unsigned), 10);
			break;
		case 'x':
			kashim_put_unsigned(&sink, is_long ? va_arg(ap, unsigned long)
							   : va_arg(ap, unsigned), 16);
			break;
		case '%':
			kashim_put(&sink, '%');
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop cleanly */
			break;
		default:
			kashim_put(&sink, '%');
			kashim_put(&sink, *fmt);
			break;
		}
	}
	if (size > 0)
		buf[sink.len] = '\0';
	return sink.len;
}

size_t kashim_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = kashim_vformat(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

/* Is c a byte that is copied as it is (printable ASCII, not a quote)? */
static int kashim_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Put the first length bytes of text (or up to a NUL) into sink with every
 * byte outside printable ASCII escaped as \xNN, and '"' and '\\' escaped
 * with a backslash; cut with "..." at max_chars, or where what is left of
 * the sink would no longer hold the rest, plus close more bytes.
 */
static void kashim_put_escaped(struct kashim_sink *sink, const char *text, size_t length,
			       size_t max_chars, size_t close)
{
	size_t i;

	for (i = 0; i < length && text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];
		size_t width = kashim_plain(c) ? 1 : (c == '"' || c == '\\') ? 2 : 4;
		/* after this character: the close and the NUL, or, when more
		 * follows, room to cut there with "..." as well */
		size_t after = (i + 1 == length || text[i + 1] == '\0') ? close + 1 : close + 4;

		if (i == max_chars || sink->len + width + after > sink->size) {
			kashim_puts(sink, "...");
			return;
		}
		if (kashim_plain(c)) {
			kashim_put(sink, (char)c);
		} else if (c == '"' || c == '\\') {
			kashim_put(sink, '\\');
			kashim_put(sink, (char)c);
		} else {
			kashim_puts(sink, "\\x");
			kashim_put(sink, "0123456789abcdef"[c >> 4]);
			kashim_put(sink, "0123456789abcdef"[c & 0xf]);
		}
	}
}

size_t kashim_quote(char *buf, size_t size, const char *text, size_t max_chars)
{
	struct kashim_sink sink = { buf, size, 0 };

	kashim_put(&sink, '"');
	kashim_put_escaped(&sink, text, (size_t)-1, max_chars, 1);
	kashim_put(&sink, '"');
	if (size > 0)
		buf[sink.len] = '\0';
	return sink.len;
}

size_t kashim_escape(char *buf, size_t size, const char *text, size_t length,
		     size_t max_chars)
{
	struct kashim_sink sink = { buf, size, 0 };

	kashim_put_escaped(&sink, text, length, max_chars, 0);
	if (size > 0)
		buf[sink.len] = '\0';
	return sink.len;
}

/* Where kashim_log writes instead of fd 2 when set (kashim's supervisor). */
static int (*kashim_log_target)(void);

void kashim_log_through(int (*open_target)(void))
{
	kashim_log_target = open_target;
}

void kashim_log(const char *fmt, ...)
{
	char line[KASHIM_LINE_MAX];
	int saved_errno = errno, fd;
	size_t len;
	va_list ap;

	len = kashim_format(line, sizeof line, "kashim[%ld ", (long)getpid());
	len += kashim_escape(line + len, sizeof line - len, program_invocation_short_name,
			     (size_t)-1, KASHIM_PROGRAM_SHOWN);
	len += kashim_format(line + len, sizeof line - len, "]: ");
	va_start(ap, fmt);
	len += kashim_vformat(line + len, sizeof line - len - 1, fmt, ap);
	va_end(ap);
	line[len++] = '\n';
	fd = kashim_log_target != NULL ? kashim_log_target() : STDERR_FILENO;
	/* One write, one line; a short or failed write is not worth retrying. */
	if (fd >= 0 && write(fd, line, len) < 0) {
		/* nothing useful to do: stderr is gone */
	}
	if (fd >= 0 && fd != STDERR_FILENO)
		close(fd);
	errno = saved_errno;
}
