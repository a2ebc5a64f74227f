/*
 * Parsing /proc/net/tcp{,6}. The kernel prints each address as the raw
 * 32-bit words of the network-order address, in the host's byte order, so
 * reading each word back as a native integer restores the bytes on any
 * architecture. The "tm->when" column is the time left on the pending timer
 * in clock ticks (USER_HZ, sysconf(_SC_CLK_TCK)), clamped at zero.
 */
#include "proc_tcp.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int kashim_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode words 32-bit hex words (8 digits each) from hex into addr.
 * Returns 0, or -1 when hex is not exactly that.
 */
static int kashim_decode_address(const char *hex, int words, struct in6_addr *addr)
{
	int w, i;

	if (strlen(hex) != (size_t)words * 8)
		return -1;
	memset(addr, 0, sizeof *addr);
	for (w = 0; w < words; w++) {
		uint32_t word = 0;

		for (i = 0; i < 8; i++) {
			int digit = kashim_hex_digit(hex[w * 8 + i]);

			if (digit < 0)
				return -1;
			word = (word << 4) | (uint32_t)digit;
		}
		memcpy(addr->s6_addr + 4 * w, &word, sizeof word);
	}
	return 0;
}

static int kashim_table_add(struct kashim_tcp_table *table, const struct kashim_tcp_entry *e)
{
	if (table->count == table->allocated) {
		size_t more = table->allocated == 0 ? 64 : 2 * table->allocated;
		struct kashim_tcp_entry *grown = realloc(table->entries, more * sizeof *grown);

		if (grown == NULL)
			return -1;
		table->entries = grown;
		table->allocated = more;
	}
	table->entries[table->count++] = *e;
	return 0;
}

/*
 * One line after the header. Returns 1 for a socket worth keeping, 0 for
 * one without an inode (TIME_WAIT, half-open requests), -1 when the line is
 * not in the expected form.
 */
static int kashim_parse_line(const char *line, int family, struct kashim_tcp_entry *e)
{
	char local[40], remote[40];
	unsigned state, timer;
	int probes;

	memset(e, 0, sizeof *e);
	/* sl local rem st tx:rx tr:when retrnsmt uid timeout(probes) inode */
	if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*x:%*x %x:%lx %*x %*u %d %lu",
		   local, &e->id.local_port, remote, &e->id.remote_port, &state, &timer,
		   &e->timer_ticks, &probes, &e->inode) != 9)
		return -1;
	if (kashim_decode_address(local, family == AF_INET ? 1 : 4, &e->id.local) != 0 ||
	    kashim_decode_address(remote, family == AF_INET ? 1 : 4, &e->id.remote) != 0)
		return -1;
	e->id.family = family;
	e->id.state = (int)state;
	e->timer = (int)timer;
	e->probes = probes < 0 ? 0U : (unsigned)probes;
	return e->inode != 0;
}

/* Read one table file. Returns 0, or -1 with errno (ENOENT: no such table). */
static int kashim_read_file(const char *path, int family, struct kashim_tcp_table *table)
{
	char line[512];
	FILE *file = fopen(path, "re");
	int saved_errno;

	if (file == NULL)
		return -1;
	/* the first line is the header */
	if (fgets(line, sizeof line, file) == NULL) {
		fclose(file);
		return 0;
	}
	while (fgets(line, sizeof line, file) != NULL) {
		struct kashim_tcp_entry entry;

		if (kashim_parse_line(line, family, &entry) == 1 &&
		    kashim_table_add(table, &entry) != 0)
			goto fail;
	}
	fclose(file);
	return 0;
fail:
	saved_errno = errno;
	fclose(file);
	errno = saved_errno;
	return -1;
}

int kashim_tcp_table_read(pid_t pid, struct kashim_tcp_table *table)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%ld/net/tcp", (long)pid);
	if (kashim_read_file(path, AF_INET, table) != 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/net/tcp6", (long)pid);
	if (kashim_read_file(path, AF_INET6, table) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

const struct kashim_tcp_entry *kashim_tcp_table_find(const struct kashim_tcp_table *table,
						     unsigned long inode)
{
	size_t i;

	for (i = 0; i < table->count; i++) {
		if (table->entries[i].inode == inode)
			return &table->entries[i];
	}
	return NULL;
}

void kashim_tcp_table_free(struct kashim_tcp_table *table)
{
	free(table->entries);
	memset(table, 0, sizeof *table);
}

const char *kashim_tcp_state_name(int state)
{
	static const char *const names[] = {
		"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
		"LISTEN", "CLOSING", "NEW_SYN_RECV",
	};

	if (state < 0 || (size_t)state >= sizeof names / sizeof names[0])
		return "UNKNOWN";
	return names[state];
}

const char *kashim_tcp_timer_name(int timer)
{
	switch (timer) {
	case KASHIM_TIMER_NONE:
		return "none";
	case KASHIM_TIMER_RETRANSMIT:
		return "retransmit";
	case KASHIM_TIMER_KEEPALIVE:
		return "keepalive";
	case KASHIM_TIMER_TIME_WAIT:
		return "time-wait";
	case KASHIM_TIMER_ZERO_WINDOW:
		return "zero-window-probe";
	default:
		return "unknown";
	}
}
