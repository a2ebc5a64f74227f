#include "seccomp_notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/seccomp.h, filter.h, bpf_common.h and audit.h. */
#define KASHIM_SECCOMP_SET_MODE_FILTER 1
#define KASHIM_SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#define KASHIM_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* Linux 5.19 */
#define KASHIM_SECCOMP_RET_ALLOW 0x7fff0000U
#define KASHIM_SECCOMP_RET_USER_NOTIF 0x7fc00000U
#define KASHIM_SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#define KASHIM_NOTIF_RECV _IOWR('!', 0, struct kashim_notif)
#define KASHIM_NOTIF_SEND _IOWR('!', 1, struct kashim_notif_resp)
#define KASHIM_NOTIF_ID_VALID _IOW('!', 2, uint64_t)
#define KASHIM_NOTIF_SET_FLAGS _IOW('!', 4, uint64_t) /* Linux 6.6 */
#define KASHIM_USER_NOTIF_FD_SYNC_WAKE_UP 1ULL
#define KASHIM_PIDFD_THREAD 0x80 /* O_EXCL, include/uapi/linux/pidfd.h */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#define KASHIM_BPF_LD_W_ABS 0x20
#define KASHIM_BPF_ALU_AND_K 0x54
#define KASHIM_BPF_JEQ_K 0x15
#define KASHIM_BPF_RET_K 0x06

#if defined(__x86_64__)
#define KASHIM_AUDIT_ARCH 0xc000003eU /* AUDIT_ARCH_X86_64 */
#define KASHIM_X32_BIT 0x40000000U    /* __X32_SYSCALL_BIT */
#elif defined(__aarch64__)
#define KASHIM_AUDIT_ARCH 0xc00000b7U /* AUDIT_ARCH_AARCH64 */
#define KASHIM_X32_BIT 0U
#endif

#if defined(__has_include)
#if __has_include(<linux/seccomp.h>) && __has_include(<linux/audit.h>)
#include <linux/audit.h>
#include <linux/seccomp.h>
_Static_assert(sizeof(struct kashim_notif) == sizeof(struct seccomp_notif), "notif");
_Static_assert(sizeof(struct kashim_notif_resp) == sizeof(struct seccomp_notif_resp), "resp");
_Static_assert(KASHIM_NOTIF_RECV == SECCOMP_IOCTL_NOTIF_RECV, "recv");
_Static_assert(KASHIM_NOTIF_SEND == SECCOMP_IOCTL_NOTIF_SEND, "send");
_Static_assert(KASHIM_NOTIF_ID_VALID == SECCOMP_IOCTL_NOTIF_ID_VALID, "id_valid");
_Static_assert(KASHIM_SECCOMP_RET_USER_NOTIF == SECCOMP_RET_USER_NOTIF, "user_notif");
#if defined(__x86_64__)
_Static_assert(KASHIM_AUDIT_ARCH == AUDIT_ARCH_X86_64, "arch");
#elif defined(__aarch64__)
_Static_assert(KASHIM_AUDIT_ARCH == AUDIT_ARCH_AARCH64, "arch");
#endif
#endif
#endif

/* struct sock_filter and struct sock_fprog. */
struct kashim_bpf {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

struct kashim_bpf_program {
	unsigned short len;
	const struct kashim_bpf *filter;
};

#ifdef KASHIM_AUDIT_ARCH
/*
 * The filter: other architectures (i386 programs on x86_64) pass; the
 * x32 bit is masked off so x32 programs' calls match too; listen and
 * connect go to the supervisor. It reads only arch and nr, so kernels
 * since 5.11 cache "allow" for every other call, which then costs no
 * filter run at all.
 */
int kashim_seccomp_listen(int watch)
{
	uint32_t first = (watch & KASHIM_WATCH_LISTEN) ? SYS_listen : SYS_connect;
	uint32_t second = (watch & KASHIM_WATCH_CONNECT) ? SYS_connect : SYS_listen;
	const struct kashim_bpf filter[] = {
		{ KASHIM_BPF_LD_W_ABS, 0, 0, offsetof(struct kashim_seccomp_data, arch) },
		{ KASHIM_BPF_JEQ_K, 1, 0, KASHIM_AUDIT_ARCH },
		{ KASHIM_BPF_RET_K, 0, 0, KASHIM_SECCOMP_RET_ALLOW },
		{ KASHIM_BPF_LD_W_ABS, 0, 0, offsetof(struct kashim_seccomp_data, nr) },
		{ KASHIM_BPF_ALU_AND_K, 0, 0, ~KASHIM_X32_BIT },
		{ KASHIM_BPF_JEQ_K, 2, 0, first },
		{ KASHIM_BPF_JEQ_K, 1, 0, second },
		{ KASHIM_BPF_RET_K, 0, 0, KASHIM_SECCOMP_RET_ALLOW },
		{ KASHIM_BPF_RET_K, 0, 0, KASHIM_SECCOMP_RET_USER_NOTIF },
	};
	const struct kashim_bpf_program program = {
		sizeof filter / sizeof filter[0], filter
	};
	int fd;

	/* Once kashim has received a call, only a fatal signal interrupts
	 * it: a handler without SA_RESTART would otherwise get EINTR from a
	 * listen or non-blocking connect the kernel never lets fail so. */
	fd = (int)syscall(SYS_seccomp, KASHIM_SECCOMP_SET_MODE_FILTER,
			  KASHIM_SECCOMP_FILTER_FLAG_NEW_LISTENER |
			  KASHIM_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &program);
	if (fd >= 0 || errno != EINVAL)
		return fd;
	/* before Linux 5.19 */
	return (int)syscall(SYS_seccomp, KASHIM_SECCOMP_SET_MODE_FILTER,
			    KASHIM_SECCOMP_FILTER_FLAG_NEW_LISTENER, &program);
}

int kashim_notif_call(const struct kashim_notif *n)
{
	uint32_t nr = (uint32_t)n->data.nr & ~KASHIM_X32_BIT;

	if (n->data.arch != KASHIM_AUDIT_ARCH)
		return 0;
	if (nr == SYS_listen)
		return KASHIM_WATCH_LISTEN;
	if (nr == SYS_connect)
		return KASHIM_WATCH_CONNECT;
	return 0;
}
#else
int kashim_seccomp_listen(int watch)
{
	(void)watch;
	errno = ENOSYS; /* no filter written for this machine yet */
	return -1;
}

int kashim_notif_call(const struct kashim_notif *n)
{
	(void)n;
	return 0;
}
#endif

/* ioctl(2) by its system call: glibc takes the request as an unsigned
 * long, musl as an int, and these numbers do not fit an int. */
static int kashim_ioctl(int fd, unsigned long request, unsigned long arg)
{
	return (int)syscall(SYS_ioctl, fd, request, arg);
}

int kashim_notif_recv(int notify_fd, struct kashim_notif *n)
{
	memset(n, 0, sizeof *n); /* the kernel refuses a buffer that is not */
	return kashim_ioctl(notify_fd, KASHIM_NOTIF_RECV, (unsigned long)n);
}

int kashim_notif_valid(int notify_fd, uint64_t id)
{
	return kashim_ioctl(notify_fd, KASHIM_NOTIF_ID_VALID, (unsigned long)&id) == 0;
}

void kashim_notif_wake_on_same_cpu(int notify_fd)
{
	(void)kashim_ioctl(notify_fd, KASHIM_NOTIF_SET_FLAGS, KASHIM_USER_NOTIF_FD_SYNC_WAKE_UP);
}

int kashim_pidfd_open_thread(pid_t tid)
{
	return (int)syscall(SYS_pidfd_open, tid, KASHIM_PIDFD_THREAD);
}

int kashim_notif_continue(int notify_fd, uint64_t id)
{
	struct kashim_notif_resp resp;

	memset(&resp, 0, sizeof resp);
	resp.id = id;
	resp.flags = KASHIM_SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	return kashim_ioctl(notify_fd, KASHIM_NOTIF_SEND, (unsigned long)&resp);
}

int kashim_send_fd(int sock, int fd, int error)
{
	union {
		char space[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { &error, sizeof error };
	struct msghdr msg;

	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *cmsg;

		memset(&control, 0, sizeof control);
		msg.msg_control = control.space;
		msg.msg_controllen = sizeof control.space;
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof error ? 0 : -1;
}

int kashim_recv_fd(int sock, int *error)
{
	union {
		char space[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { error, sizeof *error };
	struct msghdr msg;
	struct cmsghdr *cmsg;
	ssize_t got;
	int fd = -1;

	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.space;
	msg.msg_controllen = sizeof control.space;
	*error = 0;
	do
		got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof *error) {
		*error = 0;
		return -1;
	}
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg != NULL && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
	return fd;
}
