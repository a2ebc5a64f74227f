/*
 * Everything between a configuration and kashim's program attached to a
 * cgroup: what the kernel must be and allow, the program built, loaded
 * and linked. Nothing is attached unless all of it succeeds.
 */
#ifndef KASHIM_CGROUP_ATTACH_H
#define KASHIM_CGROUP_ATTACH_H

#include "core/config/config.h"

#include <stddef.h>
#include <stdint.h>

/* Kernel versions as kashim_kernel_version gives them: major * 1000 + minor. */
#define KASHIM_KERNEL(major, minor) ((major) * 1000 + (minor))
/* bpf_setsockopt of the keepalive options from sock_ops. */
#define KASHIM_KERNEL_CGROUP KASHIM_KERNEL(5, 9)
/* bpf_getsockopt(SOL_SOCKET, SO_KEEPALIVE), for KASHIM_POLICY=respect. */
#define KASHIM_KERNEL_RESPECT KASHIM_KERNEL(6, 1)

/*
 * Can cfg be attached here: kernel (the running one's version, or lower
 * when the caller says so) and privileges? Returns 0, or -1 with one line
 * in err.
 */
int kashim_attach_possible(const struct kashim_config *cfg, int kernel, char *err,
			   size_t err_size);

/*
 * Build cfg's program (dumped to stderr with debug) and load it. Returns
 * its fd, or -1 with one line in err.
 */
int kashim_load_program(const struct kashim_config *cfg, int debug, char *err, size_t err_size);

/*
 * Build cfg's program (dumped to stderr with debug), load it and link it
 * to the cgroup cgroup_fd beside whatever is attached there. Returns the
 * link's fd (closing it detaches; *program is the program's id), or -1
 * with one line in err and nothing attached.
 */
int kashim_attach(const struct kashim_config *cfg, int cgroup_fd, int debug, uint32_t *program,
		  char *err, size_t err_size);

/* "idle=31s interval=7s ..." : what cfg's program does, for one line. */
void kashim_attach_describe(const struct kashim_config *cfg, char *buf, size_t size);

#endif
