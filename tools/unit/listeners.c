#include "listeners.h"
#include "core/scope.h"
#include "tools/readers/proc_fds.h"
#include "tools/readers/proc_tcp.h"
#include "tools/readers/sock_cgroup.h"
#include "tools/readers/sockopts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One Listen= address of a stream socket over IP. */
struct kashim_listen_address {
	int family;
	unsigned char addr[16];
	unsigned port;
	char text[128];
};

/*
 * Parse a Listen= value, "127.0.0.1:7021 (Stream)" or "[::]:80 (Stream)".
 * Returns 0, or -1 for anything else (a path, a datagram socket, a FIFO).
 */
static int kashim_parse_listen(const char *value, struct kashim_listen_address *a)
{
	char text[128], *host, *colon, *end;
	size_t len = strcspn(value, " \n");
	unsigned long port;

	if (len == 0 || len >= sizeof text || strncmp(value + len, " (Stream)", 9) != 0)
		return -1;
	memcpy(text, value, len);
	text[len] = '\0';
	snprintf(a->text, sizeof a->text, "%s", text);
	colon = strrchr(text, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port > 65535)
		return -1;
	a->port = (unsigned)port;
	host = text;
	if (host[0] == '[') {
		host[strlen(host) - 1] = '\0';
		a->family = AF_INET6;
		return inet_pton(AF_INET6, host + 1, a->addr) == 1 ? 0 : -1;
	}
	a->family = AF_INET;
	return inet_pton(AF_INET, host, a->addr) == 1 ? 0 : -1;
}

/* Is the table's entry e a listener on a? */
static int kashim_listens_on(const struct kashim_tcp_entry *e, const struct kashim_listen_address *a)
{
	if (e->id.state != TCP_LISTEN || e->id.local_port != a->port || e->id.family != a->family)
		return 0;
	return memcmp(&e->id.local, a->addr, a->family == AF_INET ? 4 : 16) == 0;
}

int kashim_socket_listeners(const struct kashim_unit_props *props, struct kashim_listener *out,
			    size_t max)
{
	struct kashim_tcp_table table;
	struct kashim_socket_fd *fds = NULL;
	unsigned long inodes[64];
	uint64_t ids[64];
	size_t nfds = 0, count = 0, i;
	const char *value;
	int nth;

	memset(&table, 0, sizeof table);
	if (kashim_list_socket_fds(1, &fds, &nfds) != 0)
		return -1;
	if (kashim_tcp_table_read(1, &table) != 0) {
		free(fds);
		return -1;
	}
	for (nth = 0; (value = kashim_unit_prop(props, "Listen", nth)) != NULL; nth++) {
		struct kashim_listen_address a;

		if (kashim_parse_listen(value, &a) != 0)
			continue;
		for (i = 0; i < nfds && count < max && count < 64; i++) {
			const struct kashim_tcp_entry *e = kashim_tcp_table_find(&table, fds[i].inode);

			if (e == NULL || !kashim_listens_on(e, &a))
				continue;
			out[count].fd = fds[i].fd;
			out[count].inode = fds[i].inode;
			out[count].port = a.port;
			out[count].cgroup = 0;
			snprintf(out[count].address, sizeof out[count].address, "%s", a.text);
			inodes[count++] = fds[i].inode;
		}
	}
	kashim_tcp_table_free(&table);
	free(fds);
	if (count > 0 && kashim_listener_cgroups(inodes, count, ids) == 0) {
		for (i = 0; i < count; i++)
			out[i].cgroup = ids[i];
	}
	return (int)count;
}

int kashim_listener_configure(int pidfd, const struct kashim_listener *l,
			      const struct kashim_config *cfg)
{
	int dup = kashim_pidfd_getfd(pidfd, l->fd), result;
	struct stat st;

	if (dup < 0)
		return -1;
	/* PID 1 may have closed the descriptor and reused its number since */
	if (fstat(dup, &st) != 0 || st.st_ino != l->inode) {
		close(dup);
		errno = EBADF;
		return -1;
	}
	result = kashim_configure_scoped(cfg, dup, (int)l->port);
	close(dup);
	return result;
}
