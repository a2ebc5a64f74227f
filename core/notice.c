/*
 * Held messages in static buffers: written once, by the load under
 * pthread_once, before kashim_notice_settle publishes them with a
 * release store; read once, by the thread whose exchange takes them.
 */
#include "notice.h"
#include "log.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* Room for any message kashim says about its configuration. */
#define KASHIM_NOTICE_MAX 600

/* kashim_notice_state: nothing to say, held and unsaid, said (or dropped). */
#define KASHIM_NOTICE_NONE 0
#define KASHIM_NOTICE_HELD 1
#define KASHIM_NOTICE_SAID 2

static char kashim_notice_text[KASHIM_NOTICE_LINES][KASHIM_NOTICE_MAX];
static unsigned kashim_notice_count; /* held or counted, all told */
static int kashim_notice_holding;
static int kashim_notice_state;
static dev_t kashim_notice_dev;
static ino_t kashim_notice_ino;

void kashim_notice_hold(void)
{
	kashim_notice_holding = 1;
}

void kashim_notice(const char *fmt, ...)
{
	char line[KASHIM_NOTICE_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (kashim_notice_holding) {
		if (kashim_notice_count < KASHIM_NOTICE_LINES)
			kashim_vformat(kashim_notice_text[kashim_notice_count], KASHIM_NOTICE_MAX,
				       fmt, ap);
		kashim_notice_count++;
	} else {
		kashim_vformat(line, sizeof line, fmt, ap);
		kashim_log("%s", line);
	}
	va_end(ap);
}

/* Is fd 2, of mode, a TCP (or MPTCP) socket? */
static int kashim_stderr_is_tcp(mode_t mode)
{
	int protocol = 0;
	socklen_t length = sizeof protocol;

	return S_ISSOCK(mode) &&
	       getsockopt(STDERR_FILENO, SOL_SOCKET, SO_PROTOCOL, &protocol, &length) == 0 &&
	       (protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP);
}

void kashim_notice_settle(void)
{
	struct stat st;
	int saved_errno = errno;

	kashim_notice_holding = 0;
	if (kashim_notice_count == 0)
		return;
	if (fstat(STDERR_FILENO, &st) == 0 && !kashim_stderr_is_tcp(st.st_mode)) {
		kashim_notice_dev = st.st_dev;
		kashim_notice_ino = st.st_ino;
		__atomic_store_n(&kashim_notice_state, KASHIM_NOTICE_HELD, __ATOMIC_RELEASE);
	}
	errno = saved_errno;
}

int kashim_notice_pending(void)
{
	return __atomic_load_n(&kashim_notice_state, __ATOMIC_RELAXED) == KASHIM_NOTICE_HELD;
}

void kashim_notice_say(void)
{
	struct stat st;
	int saved_errno = errno;
	unsigned i;

	if (__atomic_exchange_n(&kashim_notice_state, KASHIM_NOTICE_SAID, __ATOMIC_ACQUIRE) !=
	    KASHIM_NOTICE_HELD)
		return;
	if (fstat(STDERR_FILENO, &st) == 0 && st.st_dev == kashim_notice_dev &&
	    st.st_ino == kashim_notice_ino) {
		for (i = 0; i < kashim_notice_count && i < KASHIM_NOTICE_LINES; i++)
			kashim_log("%s", kashim_notice_text[i]);
		if (kashim_notice_count > KASHIM_NOTICE_LINES)
			kashim_log("... and %u more messages about the configuration",
				   kashim_notice_count - KASHIM_NOTICE_LINES);
	}
	errno = saved_errno;
}
