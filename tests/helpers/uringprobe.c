/*
 * uringprobe: accept one loopback connection through io_uring
 * (IORING_OP_ACCEPT), which never enters libc's accept, and print what
 * getsockopt reads back from the accepted socket as key=value lines.
 *
 *   uringprobe [--raw-listen] [--uring-connect]
 *       --raw-listen listens by syscall(SYS_listen), out of kashim's reach;
 *       --uring-connect connects through io_uring too (IORING_OP_CONNECT)
 *       and prints the connected socket's options as well
 *
 * Exits 77 when the kernel offers no io_uring (disabled, or filtered).
 */
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "test_util.h"

#define die(what) do { perror(what); return 3; } while (0)

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t length = sizeof addr;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int raw_listen = 0, uring_connect = 0;
	int listener, client, accepted, ret, i;

	for (i = 1; i < argc; i++) {
		raw_listen |= strcmp(argv[i], "--raw-listen") == 0;
		uring_connect |= strcmp(argv[i], "--uring-connect") == 0;
	}

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "uringprobe: no io_uring here: %s\n", strerror(-ret));
		return 77;
	}
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    getsockname(listener, (struct sockaddr *)&addr, &length) != 0)
		die("listener");
	if ((raw_listen ? syscall(SYS_listen, listener, 8) : listen(listener, 8)) != 0)
		die("listen");
	/* The client connects by raw syscall or io_uring: out of libc's reach. */
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0)
		die("socket");
	if (uring_connect) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_connect(sqe, client, (struct sockaddr *)&addr, sizeof addr);
		if (io_uring_submit(&ring) != 1 || io_uring_wait_cqe(&ring, &cqe) != 0)
			die("io_uring connect");
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (ret < 0) {
			errno = -ret;
			die("IORING_OP_CONNECT");
		}
		printf("connected.via=io_uring\n");
		print_options("connected", client);
	} else if (syscall(SYS_connect, client, (struct sockaddr *)&addr, sizeof addr) != 0) {
		die("connect");
	}

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_accept(sqe, listener, NULL, NULL, 0);
	if (io_uring_submit(&ring) != 1 || io_uring_wait_cqe(&ring, &cqe) != 0)
		die("io_uring accept");
	accepted = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	if (accepted < 0) {
		errno = -accepted;
		die("IORING_OP_ACCEPT");
	}
	printf("accepted.via=io_uring\n");
	printf("accepted.keepalive=%d\n", get_int(accepted, SOL_SOCKET, SO_KEEPALIVE));
	printf("accepted.idle=%d\n", get_int(accepted, IPPROTO_TCP, TCP_KEEPIDLE));
	printf("accepted.intvl=%d\n", get_int(accepted, IPPROTO_TCP, TCP_KEEPINTVL));
	printf("accepted.cnt=%d\n", get_int(accepted, IPPROTO_TCP, TCP_KEEPCNT));
	printf("accepted.user_timeout=%d\n", get_int(accepted, IPPROTO_TCP, TCP_USER_TIMEOUT));
	io_uring_queue_exit(&ring);
	close(accepted);
	close(client);
	close(listener);
	return 0;
}
