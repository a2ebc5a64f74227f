/*
 * The bpf(2) calls kashim makes, through syscall(2) (glibc has no
 * wrapper, and none newer than 2.17 may be used): load a sock_ops
 * program, attach it to a cgroup with a bpf_link, and read back what is
 * attached where. Also what the kernel must be and allow.
 */
#ifndef KASHIM_BPF_SYS_H
#define KASHIM_BPF_SYS_H

#include "bpf_abi.h"
#include <stddef.h>
#include <stdint.h>

/*
 * Load insns as a BPF_PROG_TYPE_SOCK_OPS program named "kashim". Returns
 * its fd, or -1 with errno; when the verifier refused it, the last line of
 * its log is in why (else why is "").
 */
int kashim_bpf_load_sockops(const struct bpf_insn *insns, size_t count, char *why,
			    size_t why_size);

/*
 * Attach prog_fd to the cgroup cgroup_fd with BPF_LINK_CREATE: beside any
 * program already there, replacing none. Returns the link's fd (closing
 * it detaches), or -1 with errno.
 */
int kashim_bpf_link_cgroup(int prog_fd, int cgroup_fd);

/*
 * The ids of the sock_ops programs attached to cgroup_fd itself, or
 * (effective) those that run for it, its ancestors' included. Returns how
 * many there are (more than max possible: only max are written), or -1
 * with errno.
 */
long kashim_bpf_cgroup_programs(int cgroup_fd, int effective, uint32_t *ids, uint32_t max);

/* What kashim reads back about a loaded program. */
struct kashim_bpf_info {
	char name[BPF_OBJ_NAME_LEN];
	uint64_t load_time; /* nanoseconds since boot (CLOCK_BOOTTIME) */
	size_t count;       /* translated instructions read */
};

/*
 * Program id's name, load time and translated instructions (at most
 * max). Returns 0, or -1 with errno (EPERM without CAP_SYS_ADMIN).
 */
int kashim_bpf_program(uint32_t id, struct kashim_bpf_info *info, struct bpf_insn *insns,
		       size_t max);

/*
 * Pin the program prog_fd at path, in a BPF filesystem (BPF_OBJ_PIN).
 * Returns 0, or -1 with errno (EEXIST, EPERM outside a BPF filesystem).
 */
int kashim_bpf_pin(int prog_fd, const char *path);

/* The object pinned at path (BPF_OBJ_GET): its fd, or -1 with errno. */
int kashim_bpf_pinned(const char *path);

/*
 * Whether the program behind fd is kashim's: a sock_ops program named
 * KASHIM_SOCKOPS_NAME. Its id into *id. Returns 1, 0, or -1 with errno.
 */
int kashim_bpf_is_kashim(int fd, uint32_t *id);

/* The id of the program or link behind fd; 0 if it cannot be read. */
uint32_t kashim_bpf_id(int fd);

/* The running kernel's version as major * 1000 + minor; 0 if unknown. */
int kashim_kernel_version(void);

/*
 * Whether this process may load and attach the program: CAP_SYS_ADMIN,
 * or CAP_BPF and CAP_NET_ADMIN, in its effective set.
 */
int kashim_bpf_privileged(void);

#endif
