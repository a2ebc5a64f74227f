/*
 * The kernel's BPF interface, from linux/bpf.h. A C library's tool chain
 * without the kernel's headers (musl-gcc) still builds kashim: there the
 * cgroup reach is compiled out (KASHIM_HAVE_BPF 0) and says so when asked
 * for, and the rest of kashim is unchanged.
 */
#ifndef KASHIM_BPF_ABI_H
#define KASHIM_BPF_ABI_H

#include <stdint.h>

#if defined(__has_include)
#if __has_include(<linux/bpf.h>)
#include <linux/bpf.h>
#define KASHIM_HAVE_BPF 1
#endif
#endif

#ifndef KASHIM_HAVE_BPF
#define KASHIM_HAVE_BPF 0
struct bpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};
#define BPF_OBJ_NAME_LEN 16U
#endif

#endif
