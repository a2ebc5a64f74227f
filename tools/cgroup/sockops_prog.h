/*
 * kashim's BPF_PROG_TYPE_SOCK_OPS program, written as an array of
 * struct bpf_insn with the configuration's values as immediates: no
 * compiler, no libbpf, no map. It runs in the kernel for every TCP
 * connection of a cgroup: at BPF_SOCK_OPS_TCP_CONNECT_CB (inside connect,
 * before the SYN, so that a value the program sets later wins) for an
 * outgoing connection, at BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB for an
 * accepted one, and calls bpf_setsockopt as kashim_configure does.
 */
#ifndef KASHIM_SOCKOPS_PROG_H
#define KASHIM_SOCKOPS_PROG_H

#include "core/config/config.h"

#include "bpf_abi.h"
#include <stddef.h>
#include <stdio.h>

/* BPF_MAXINSNS: what any kernel loads. Room for about 1000 port ranges. */
#define KASHIM_SOCKOPS_MAX_INSNS 4096

/* The name the program is loaded under, which kashim-inspect looks for. */
#define KASHIM_SOCKOPS_NAME "kashim"

/*
 * Write cfg's program (its timers, KASHIM_SIDES, KASHIM_PORTS and
 * KASHIM_POLICY) into insns, which holds max. KASHIM_POLICY=respect reads
 * SO_KEEPALIVE with bpf_getsockopt (Linux 6.1+): the caller checks the
 * kernel. Returns the number of instructions, or 0 with err set when the
 * ports need more than max or cfg configures nothing (keepalive off, no
 * side, no port).
 */
size_t kashim_sockops_build(const struct kashim_config *cfg, struct bpf_insn *insns, size_t max,
			    char *err, size_t err_size);

/* One line per instruction, in the kernel's own notation, for --debug. */
void kashim_sockops_dump(FILE *out, const struct bpf_insn *insns, size_t count);

/*
 * What a program read back from the kernel (its translated instructions)
 * configures, for kashim-inspect: each field KASHIM_UNSET when not set.
 * Returns 0, or -1 when the instructions are not a program this builder
 * wrote.
 */
struct kashim_sockops_values {
	int keepalive, keepidle, keepintvl, keepcnt, user_timeout;
	int sides;   /* KASHIM_SIDE_* bits */
	int respect; /* reads SO_KEEPALIVE first */
	int ports;   /* checks ports */
	char port_list[96]; /* those ports, "22,8000-8100" ("..." when cut); "" for all */
};
int kashim_sockops_read(const struct bpf_insn *insns, size_t count,
			struct kashim_sockops_values *values);

#endif
