/*
 * The kernel interfaces kashim's supervisor uses: a seccomp filter that
 * hands listen and connect to user space (Linux 5.0), answered with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE (5.5); pidfd_open (5.3) and
 * pidfd_getfd (5.6), in sockopts.h, reach the socket. All through
 * syscall(2), so the tool needs no newer libc wrapper and no kernel
 * headers (musl's compiler has none): the ABI is spelled out here, and
 * checked against <linux/seccomp.h> where that header exists.
 */
#ifndef KASHIM_SECCOMP_NOTIFY_H
#define KASHIM_SECCOMP_NOTIFY_H

#include <stdint.h>
#include <sys/types.h>

/* Which calls the filter hands to the supervisor. */
#define KASHIM_WATCH_LISTEN 0x1
#define KASHIM_WATCH_CONNECT 0x2

/* struct seccomp_data, seccomp_notif and seccomp_notif_resp. */
struct kashim_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

struct kashim_notif {
	uint64_t id;
	uint32_t pid; /* the calling thread, in the supervisor's PID namespace */
	uint32_t flags;
	struct kashim_seccomp_data data;
};

struct kashim_notif_resp {
	uint64_t id;
	int64_t val;
	int32_t error;
	uint32_t flags;
};

/*
 * Install, in the calling process (no_new_privs already set), a filter
 * that notifies on the calls in watch (KASHIM_WATCH_* bits) made by this
 * machine's native ABI (and x32 on x86_64). Returns the notification fd,
 * or -1 with errno set. Every other call, and every call of a 32-bit
 * i386 program, is allowed by the filter at once.
 */
int kashim_seccomp_listen(int watch);

/* The KASHIM_WATCH_* call n is about, or 0. */
int kashim_notif_call(const struct kashim_notif *n);

/* SECCOMP_IOCTL_NOTIF_RECV into *n (zeroed first). 0, or -1 with errno. */
int kashim_notif_recv(int notify_fd, struct kashim_notif *n);

/* Is notification id still pending (its caller still waiting)? */
int kashim_notif_valid(int notify_fd, uint64_t id);

/*
 * Ask the kernel (Linux 6.6 and later; ignored before) to wake the
 * supervisor, and then the caller, on the CPU that woke it: the two take
 * turns, so a migration each way is pure latency.
 */
void kashim_notif_wake_on_same_cpu(int notify_fd);

/*
 * A pidfd of thread tid itself (PIDFD_THREAD, Linux 6.9): pidfd_getfd
 * through it reads that thread's descriptors, even once its process's
 * first thread has ended. -1 with errno: EINVAL before Linux 6.9.
 */
int kashim_pidfd_open_thread(pid_t tid);

/* Let call id proceed in the kernel, unchanged. 0, or -1 with errno. */
int kashim_notif_continue(int notify_fd, uint64_t id);

/*
 * Send fd over the unix socket sock (SCM_RIGHTS) with error as the data,
 * or error alone when fd is -1. Returns 0 or -1.
 */
int kashim_send_fd(int sock, int fd, int error);

/*
 * Receive what kashim_send_fd sent: the fd (or -1) and *error. Returns -1
 * with *error 0 when the peer closed without sending.
 */
int kashim_recv_fd(int sock, int *error);

#endif
