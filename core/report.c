#include "report.h"
#include "apply.h"
#include "core/config/config_table.h"
#include "log.h"
#include "scope.h"
#include "sockaddr.h"

#include <errno.h>
#include <string.h>

#define KASHIM_ENDS_MAX 140

/*
 * " key=value" for each variable of the group (the timers, or the scope)
 * that is not at its default, in the table's order. Not KASHIM_PROGRAMS:
 * a list of programs says nothing about a socket, and whoever judges it
 * says what it found (kashim_report_unselected, the supervisor).
 */
static size_t kashim_describe_group(const struct kashim_config *cfg, int timers,
				    char *buf, size_t size)
{
	size_t len = 0;
	int i;

	for (i = 0; i < KASHIM_VAR_COUNT; i++) {
		enum kashim_var var = (enum kashim_var)i;
		const struct kashim_var_row *row = kashim_row(var);

		if (row->kind == KASHIM_KIND_SWITCH || row->kind == KASHIM_KIND_PROGRAMS ||
		    kashim_is_timer(var) != timers || kashim_is_default(cfg, var))
			continue;
		len += kashim_format(buf + len, size - len, " %s=", row->key);
		len += kashim_format_value(cfg, var, buf + len, size - len);
		len += kashim_format(buf + len, size - len, "%s", row->shown_unit);
	}
	return len;
}

/* " idle=30 intvl=5 cnt=3", or " (system timers)". */
static size_t kashim_describe_timers(const struct kashim_config *cfg, char *buf, size_t size)
{
	size_t len = kashim_describe_group(cfg, 1, buf, size);

	if (len == 0)
		len = kashim_format(buf, size, " (system timers)");
	return len;
}

size_t kashim_describe_config(const struct kashim_config *cfg, char *buf, size_t size)
{
	size_t len = kashim_describe_timers(cfg, buf, size);

	return len + kashim_describe_group(cfg, 0, buf + len, size - len);
}

/* Format one end of fd: its local address, or its peer's. */
static size_t kashim_format_end(char *buf, size_t size, int fd, int local)
{
	struct sockaddr_storage addr;
	socklen_t length = sizeof addr;
	int ret = local ? getsockname(fd, (struct sockaddr *)&addr, &length)
			: getpeername(fd, (struct sockaddr *)&addr, &length);

	if (ret != 0)
		length = 0;
	return kashim_format_sockaddr(buf, size, (struct sockaddr *)&addr, length);
}

/*
 * The socket's ends as the call sees them: a listener's address, an
 * accepted socket's "local<-peer", a connect's "->peer" (its local
 * address is not chosen yet).
 */
static void kashim_describe_ends(char *buf, size_t size, const char *call, int fd,
				 const struct sockaddr *peer, socklen_t peer_length)
{
	size_t len;

	if (peer != NULL) {
		len = kashim_format(buf, size, "->");
		kashim_format_sockaddr(buf + len, size - len, peer, peer_length);
		return;
	}
	len = kashim_format_end(buf, size, fd, 1);
	if (strcmp(call, "listen") != 0) {
		len += kashim_format(buf + len, size - len, "<-");
		kashim_format_end(buf + len, size - len, fd, 0);
	}
}

const char *kashim_left_alone_words(int result)
{
	switch (result) {
	case KASHIM_NOT_TCP:
		return "left alone: not a TCP socket";
	case KASHIM_SKIPPED_PORT:
		return "left alone: port not in KASHIM_PORTS";
	case KASHIM_SKIPPED_RESPECT:
		return "left alone: the program set keepalive and these timers itself "
		       "(KASHIM_POLICY=respect)";
	default:
		return NULL;
	}
}

void kashim_report_socket_from(const struct kashim_config *cfg, const char *who,
			       const char *call, int shown_fd, int fd,
			       const struct sockaddr *peer, socklen_t peer_length, int result)
{
	char ends[KASHIM_ENDS_MAX], described[128];
	const char *left_alone = kashim_left_alone_words(result);
	int saved_errno = errno;

	/* A socket left alone by scope had no TCP-level call to tell: ask, so
	 * that UDP and unix sockets are never reported. */
	if (result == KASHIM_NOT_TCP || (left_alone != NULL && !kashim_is_tcp(fd)))
		return;
	kashim_describe_ends(ends, sizeof ends, call, fd, peer, peer_length);
	if (left_alone != NULL) {
		kashim_log("%s%s fd=%d %s %s", who, call, shown_fd, ends, left_alone);
	} else {
		kashim_describe_timers(cfg, described, sizeof described);
		kashim_log("%s%s fd=%d %s keepalive%s%s", who, call, shown_fd, ends, described,
			   result != 0 ? " (some options refused)" : "");
	}
	errno = saved_errno;
}

void kashim_report_socket(const struct kashim_config *cfg, const char *call, int fd,
			  const struct sockaddr *peer, socklen_t peer_length, int result)
{
	kashim_report_socket_from(cfg, "", call, fd, fd, peer, peer_length, result);
}

void kashim_report_inherited(const char *call, int fd, int listener)
{
	char ends[KASHIM_ENDS_MAX];
	int saved_errno = errno;

	if (kashim_local_port(fd) == KASHIM_PORT_NONE)
		return; /* a unix listener is marked too, but is not worth a line */
	kashim_describe_ends(ends, sizeof ends, call, fd, NULL, 0);
	kashim_log("%s fd=%d %s inherits listener fd=%d's options: no call needed",
		   call, fd, ends, listener);
	errno = saved_errno;
}

void kashim_report_unselected(void)
{
	struct kashim_identity who;
	char exe[80], argv0[80];

	kashim_read_identity(&who);
	kashim_quote(exe, sizeof exe, who.exe, 64);
	kashim_quote(argv0, sizeof argv0, who.argv0, 64);
	kashim_log("program %s (argv[0] %s) is not selected by KASHIM_PROGRAMS: "
		   "every call passes straight through", exe, argv0);
}
