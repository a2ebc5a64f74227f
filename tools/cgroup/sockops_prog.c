/*
 * The program, laid out as:
 *
 *	r6 = ctx; r2 = ctx->op
 *	not a callback of a configured side: goto out
 *	with KASHIM_PORTS, per side: r2 = the port; for each range lo-hi
 *	    (ascending): r2 < lo: goto out; r2 <= hi: goto configure; goto out
 *	configure: with respect, bpf_getsockopt(SO_KEEPALIVE), on: goto out
 *	    bpf_setsockopt for each timer set, then SO_KEEPALIVE = 1
 *	out: return 1
 *
 * The verifier refuses an instruction no path reaches and a register
 * field an instruction does not use that is not zero, so every jump's
 * target exists and every instruction is written field by field.
 */
#include "sockops_prog.h"
#include "sockops_regs.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#if KASHIM_HAVE_BPF


/* Where a jump goes before its offset is known. */
enum kashim_label { KASHIM_L_NONE, KASHIM_L_OUT, KASHIM_L_CONFIGURE, KASHIM_L_CONNECT,
		    KASHIM_L_COUNT };

struct kashim_asm {
	struct bpf_insn *insns;
	size_t max, n;
	int full;
	long label_at[KASHIM_L_COUNT];
	unsigned char target[KASHIM_SOCKOPS_MAX_INSNS]; /* each jump's label */
};

static void kashim_emit(struct kashim_asm *a, uint8_t code, uint8_t dst, uint8_t src,
			int16_t off, int32_t imm)
{
	struct bpf_insn insn;

	if (a->n >= a->max) {
		a->full = 1;
		return;
	}
	memset(&insn, 0, sizeof insn);
	insn.code = code;
	insn.dst_reg = dst & 0xfu;
	insn.src_reg = src & 0xfu;
	insn.off = off;
	insn.imm = imm;
	a->target[a->n] = KASHIM_L_NONE;
	a->insns[a->n++] = insn;
}

/* A jump (BPF_JA, or a comparison of dst with imm) to label. */
static void kashim_jump(struct kashim_asm *a, uint8_t op, uint8_t dst, int32_t imm,
			enum kashim_label label)
{
	kashim_emit(a, (uint8_t)(BPF_JMP | op | BPF_K), op == BPF_JA ? 0 : dst, 0, 0,
		    op == BPF_JA ? 0 : imm);
	if (!a->full)
		a->target[a->n - 1] = (unsigned char)label;
}

static void kashim_label(struct kashim_asm *a, enum kashim_label label)
{
	a->label_at[label] = (long)a->n;
}

static void kashim_mov_imm(struct kashim_asm *a, uint8_t dst, int32_t imm)
{
	kashim_emit(a, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

static void kashim_load_ctx(struct kashim_asm *a, uint8_t dst, size_t offset)
{
	kashim_emit(a, BPF_LDX | BPF_MEM | BPF_W, dst, R6, (int16_t)offset, 0);
}

/*
 * *(u32 *)(r10 - 4) = value; helper(ctx, level, name, r10 - 4, 4).
 * kashim_sockops_read knows this shape: keep the two in step.
 */
static void kashim_call_sockopt(struct kashim_asm *a, int helper, int level, int name,
				int32_t value)
{
	kashim_emit(a, BPF_ST | BPF_MEM | BPF_W, R10, 0, -4, value);
	kashim_emit(a, BPF_ALU64 | BPF_MOV | BPF_X, R1, R6, 0, 0);
	kashim_mov_imm(a, R2, level);
	kashim_mov_imm(a, R3, name);
	kashim_emit(a, BPF_ALU64 | BPF_MOV | BPF_X, R4, R10, 0, 0);
	/* BPF_ADD and BPF_K are both 0: the kernel's own spelling all the same */
	kashim_emit(a, BPF_ALU64 | BPF_ADD | BPF_K, R4, 0, 0, -4); /* NOLINT(misc-redundant-expression) */
	kashim_mov_imm(a, R5, 4);
	kashim_emit(a, BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}

/*
 * One side's port check: r2 = the port (remote_port is the network-order
 * port in the upper 16 bits on a little-endian machine, local_port the
 * port in host order), then the ranges. last: configure follows.
 */
static void kashim_port_block(struct kashim_asm *a, const struct kashim_config *cfg, int remote,
			      int last)
{
	unsigned port = 0, lo;

	if (remote) {
		kashim_load_ctx(a, R2, offsetof(struct bpf_sock_ops, remote_port));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		kashim_emit(a, BPF_ALU64 | BPF_RSH | BPF_K, R2, 0, 0, 16);
#endif
		kashim_emit(a, BPF_ALU | BPF_END | BPF_TO_BE, R2, 0, 0, 16);
	} else {
		kashim_load_ctx(a, R2, offsetof(struct bpf_sock_ops, local_port));
	}
	while (port <= KASHIM_PORT_MAX) {
		if (!kashim_port_selected(cfg, port)) {
			port++;
			continue;
		}
		lo = port;
		while (port <= KASHIM_PORT_MAX && kashim_port_selected(cfg, port))
			port++;
		if (lo > 0)
			kashim_jump(a, BPF_JLT, R2, (int32_t)lo, KASHIM_L_OUT);
		if (port <= KASHIM_PORT_MAX) {
			kashim_jump(a, BPF_JLE, R2, (int32_t)(port - 1), KASHIM_L_CONFIGURE);
		} else {
			if (!last)
				kashim_jump(a, BPF_JA, 0, 0, KASHIM_L_CONFIGURE);
			return;
		}
	}
	kashim_jump(a, BPF_JA, 0, 0, KASHIM_L_OUT);
}

/* Turn each jump's label into its offset. Returns -1 if a label is unset. */
static int kashim_resolve(struct kashim_asm *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		long to;

		if (a->target[i] == KASHIM_L_NONE)
			continue;
		to = a->label_at[a->target[i]];
		if (to < 0)
			return -1;
		a->insns[i].off = (int16_t)(to - (long)i - 1);
	}
	return 0;
}

size_t kashim_sockops_build(const struct kashim_config *cfg, struct bpf_insn *insns, size_t max,
			    char *err, size_t err_size)
{
	static struct kashim_asm a; /* 4 KiB of labels; the tools are single-threaded */
	const struct {
		int name, value;
	} timers[] = {
		{ TCP_KEEPIDLE, cfg->keepidle },
		{ TCP_KEEPINTVL, cfg->keepintvl },
		{ TCP_KEEPCNT, cfg->keepcnt },
		{ TCP_USER_TIMEOUT, cfg->user_timeout },
	};
	int both = cfg->sides == KASHIM_SIDES_ALL;
	size_t i;

	if (!cfg->enabled || (cfg->sides & KASHIM_SIDES_ALL) == 0) {
		snprintf(err, err_size, "%s", !cfg->enabled ? "KASHIM_KEEPALIVE is off"
							    : "KASHIM_SIDES selects no side");
		return 0;
	}
	if (!cfg->every_port) {
		unsigned port;

		for (port = 0; port <= KASHIM_PORT_MAX && !kashim_port_selected(cfg, port); port++)
			;
		if (port > KASHIM_PORT_MAX) {
			snprintf(err, err_size, "KASHIM_PORTS selects no port");
			return 0;
		}
	}
	memset(&a, 0, sizeof a);
	a.insns = insns;
	a.max = max < KASHIM_SOCKOPS_MAX_INSNS ? max : KASHIM_SOCKOPS_MAX_INSNS;
	for (i = 0; i < KASHIM_L_COUNT; i++)
		a.label_at[i] = -1;

	kashim_emit(&a, BPF_ALU64 | BPF_MOV | BPF_X, R6, R1, 0, 0);
	kashim_load_ctx(&a, R2, offsetof(struct bpf_sock_ops, op));
	if (both) {
		kashim_jump(&a, BPF_JEQ, R2, BPF_SOCK_OPS_TCP_CONNECT_CB,
			    cfg->every_port ? KASHIM_L_CONFIGURE : KASHIM_L_CONNECT);
		kashim_jump(&a, BPF_JNE, R2, BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, KASHIM_L_OUT);
	} else {
		kashim_jump(&a, BPF_JNE, R2,
			    cfg->sides == KASHIM_SIDE_CONNECT ? BPF_SOCK_OPS_TCP_CONNECT_CB
							      : BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB,
			    KASHIM_L_OUT);
	}
	if (!cfg->every_port) {
		if (cfg->sides & KASHIM_SIDE_ACCEPT)
			kashim_port_block(&a, cfg, 0, !both);
		if (cfg->sides & KASHIM_SIDE_CONNECT) {
			kashim_label(&a, KASHIM_L_CONNECT);
			kashim_port_block(&a, cfg, 1, 1);
		}
	}

	kashim_label(&a, KASHIM_L_CONFIGURE);
	if (cfg->policy == KASHIM_POLICY_RESPECT) {
		kashim_call_sockopt(&a, BPF_FUNC_getsockopt, SOL_SOCKET, SO_KEEPALIVE, 0);
		kashim_emit(&a, BPF_LDX | BPF_MEM | BPF_W, R2, R10, -4, 0);
		kashim_jump(&a, BPF_JNE, R2, 0, KASHIM_L_OUT);
	}
	for (i = 0; i < sizeof timers / sizeof timers[0]; i++) {
		if (timers[i].value != KASHIM_UNSET)
			kashim_call_sockopt(&a, BPF_FUNC_setsockopt, IPPROTO_TCP, timers[i].name,
					    timers[i].value);
	}
	kashim_call_sockopt(&a, BPF_FUNC_setsockopt, SOL_SOCKET, SO_KEEPALIVE, 1);

	kashim_label(&a, KASHIM_L_OUT);
	kashim_mov_imm(&a, R0, 1);
	kashim_emit(&a, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	if (a.full) {
		snprintf(err, err_size, "KASHIM_PORTS has too many ranges for one kernel program "
			 "(%zu instructions at most)", a.max);
		return 0;
	}
	if (kashim_resolve(&a) != 0) {
		snprintf(err, err_size, "internal error: a jump without its target");
		return 0;
	}
	return a.n;
}

#else /* built without linux/bpf.h */

size_t kashim_sockops_build(const struct kashim_config *cfg, struct bpf_insn *insns, size_t max,
			    char *err, size_t err_size)
{
	(void)cfg;
	(void)insns;
	(void)max;
	snprintf(err, err_size, "kashim was built without the kernel's linux/bpf.h");
	return 0;
}

#endif
