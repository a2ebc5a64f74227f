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

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#if KASHIM_HAVE_BPF

/* The registers kashim's program uses. */
#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R4 4
#define R5 5
#define R6 6  /* the context, kept across calls */
#define R10 10 /* frame pointer */

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

static const char *kashim_alu_op(uint8_t op)
{
	switch (op) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_RSH: return ">>=";
	case BPF_LSH: return "<<=";
	case BPF_AND: return "&=";
	case BPF_OR: return "|=";
	case BPF_MOV: return "=";
	default: return NULL;
	}
}

static const char *kashim_jmp_op(uint8_t op)
{
	switch (op) {
	case BPF_JEQ: return "==";
	case BPF_JNE: return "!=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	default: return NULL;
	}
}

static const char *kashim_size_name(uint8_t size)
{
	switch (size) {
	case BPF_W: return "u32";
	case BPF_H: return "u16";
	case BPF_B: return "u8";
	default: return "u64";
	}
}

/* One instruction as bpftool and the verifier's log write it. */
static void kashim_dump_one(FILE *out, const struct bpf_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	const char *sym;

	if ((cls == BPF_ALU64 || cls == BPF_ALU) && op == BPF_END) {
		fprintf(out, "r%u = %s%d r%u", in->dst_reg,
			BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	} else if ((cls == BPF_ALU64 || cls == BPF_ALU) && (sym = kashim_alu_op(op)) != NULL) {
		const char *r = cls == BPF_ALU64 ? "r" : "w";

		if (BPF_SRC(in->code) == BPF_X)
			fprintf(out, "%s%u %s %s%u", r, in->dst_reg, sym, r, in->src_reg);
		else
			fprintf(out, "%s%u %s %d", r, in->dst_reg, sym, in->imm);
	} else if (cls == BPF_LDX && BPF_MODE(in->code) == BPF_MEM) {
		fprintf(out, "r%u = *(%s *)(r%u %c %d)", in->dst_reg, kashim_size_name(BPF_SIZE(in->code)),
			in->src_reg, in->off < 0 ? '-' : '+', in->off < 0 ? -in->off : in->off);
	} else if (cls == BPF_ST && BPF_MODE(in->code) == BPF_MEM) {
		fprintf(out, "*(%s *)(r%u %c %d) = %d", kashim_size_name(BPF_SIZE(in->code)),
			in->dst_reg, in->off < 0 ? '-' : '+', in->off < 0 ? -in->off : in->off, in->imm);
	} else if (cls == BPF_JMP && op == BPF_CALL) {
		fprintf(out, "call %s#%d", in->imm == BPF_FUNC_setsockopt ? "bpf_setsockopt"
					   : in->imm == BPF_FUNC_getsockopt ? "bpf_getsockopt" : "helper",
			in->imm);
	} else if (cls == BPF_JMP && op == BPF_EXIT) {
		fprintf(out, "exit");
	} else if (cls == BPF_JMP && op == BPF_JA) {
		fprintf(out, "goto pc%+d", in->off);
	} else if (cls == BPF_JMP && (sym = kashim_jmp_op(op)) != NULL) {
		fprintf(out, "if r%u %s %d goto pc%+d", in->dst_reg, sym, in->imm, in->off);
	} else {
		fprintf(out, "code=0x%02x dst=r%u src=r%u off=%d imm=%d", in->code, in->dst_reg,
			in->src_reg, in->off, in->imm);
	}
}

void kashim_sockops_dump(FILE *out, const struct bpf_insn *insns, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		fprintf(out, "kashim: bpf %3zu: ", i);
		kashim_dump_one(out, &insns[i]);
		fputc('\n', out);
	}
}

/* Append the range lo-hi to list (size bytes), cut with "..." when full. */
static void kashim_add_range(char *list, size_t size, long lo, long hi)
{
	size_t used = strlen(list);
	char range[32];

	if (used >= 3 && strcmp(list + used - 3, "...") == 0)
		return;
	if (lo == hi)
		snprintf(range, sizeof range, "%s%ld", used ? "," : "", lo);
	else
		snprintf(range, sizeof range, "%s%ld-%ld", used ? "," : "", lo, hi);
	if (used + strlen(range) + 4 > size)
		snprintf(list + used, size - used, "...");
	else
		snprintf(list + used, size - used, "%s", range);
}

/*
 * The first port block's ranges, as kashim_port_block wrote them: each
 * "if port < lo goto out" (absent for lo 0) then "if port <= hi goto
 * configure", the last range's hi being 65535 when no comparison follows.
 */
static void kashim_read_ports(const struct bpf_insn *insns, size_t count, char *list,
			      size_t size)
{
	long lo = -1, first = -1;
	size_t i;

	list[0] = '\0';
	for (i = 0; i < count; i++) {
		uint8_t op = BPF_OP(insns[i].code);

		if (BPF_CLASS(insns[i].code) != BPF_JMP || (op != BPF_JLT && op != BPF_JLE)) {
			if (lo >= 0) {
				kashim_add_range(list, size, lo, KASHIM_PORT_MAX);
				return;
			}
			if (first >= 0 && op != BPF_JA)
				return;
			continue;
		}
		if (op == BPF_JLT) {
			if (insns[i].imm == first && list[0] != '\0')
				return; /* the other side's block: the same ranges */
			if (first < 0)
				first = insns[i].imm;
			lo = insns[i].imm;
		} else {
			if (first < 0)
				first = 0;
			kashim_add_range(list, size, lo < 0 ? 0 : lo, insns[i].imm);
			lo = -1;
		}
	}
}

/* Is insn "mov dst, imm"? */
static int kashim_is_mov_imm(const struct bpf_insn *insn, uint8_t dst)
{
	return insn->code == (BPF_ALU64 | BPF_MOV | BPF_K) && insn->dst_reg == dst;
}

int kashim_sockops_read(const struct bpf_insn *insns, size_t count,
			struct kashim_sockops_values *v)
{
	size_t i;
	int calls = 0;

	v->keepalive = v->keepidle = v->keepintvl = v->keepcnt = v->user_timeout = KASHIM_UNSET;
	v->sides = v->respect = v->ports = 0;
	kashim_read_ports(insns, count, v->port_list, sizeof v->port_list);
	for (i = 0; i < count; i++) {
		const struct bpf_insn *in = &insns[i];
		uint8_t op = BPF_OP(in->code);
		int level, name;

		if (BPF_CLASS(in->code) == BPF_JMP && (op == BPF_JEQ || op == BPF_JNE) &&
		    BPF_SRC(in->code) == BPF_K && in->dst_reg == R2 && i < 6) {
			if (in->imm == BPF_SOCK_OPS_TCP_CONNECT_CB)
				v->sides |= KASHIM_SIDE_CONNECT;
			else if (in->imm == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
				v->sides |= KASHIM_SIDE_ACCEPT;
		}
		if (BPF_CLASS(in->code) == BPF_JMP && (op == BPF_JLT || op == BPF_JLE))
			v->ports = 1;
		if (in->code != (BPF_ST | BPF_MEM | BPF_W) || in->dst_reg != R10 || in->off != -4 ||
		    i + 7 >= count || insns[i + 7].code != (BPF_JMP | BPF_CALL) ||
		    !kashim_is_mov_imm(&insns[i + 2], R2) || !kashim_is_mov_imm(&insns[i + 3], R3))
			continue;
		level = insns[i + 2].imm;
		name = insns[i + 3].imm;
		calls++;
		if (i + 8 < count && insns[i + 8].code == (BPF_LDX | BPF_MEM | BPF_W) &&
		    insns[i + 8].src_reg == R10) {
			v->respect = level == SOL_SOCKET && name == SO_KEEPALIVE;
		} else if (level == SOL_SOCKET && name == SO_KEEPALIVE) {
			v->keepalive = in->imm;
		} else if (level == IPPROTO_TCP) {
			if (name == TCP_KEEPIDLE)
				v->keepidle = in->imm;
			else if (name == TCP_KEEPINTVL)
				v->keepintvl = in->imm;
			else if (name == TCP_KEEPCNT)
				v->keepcnt = in->imm;
			else if (name == TCP_USER_TIMEOUT)
				v->user_timeout = in->imm;
		}
		i += 7;
	}
	return calls > 0 && v->keepalive == 1 && v->sides != 0 ? 0 : -1;
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

void kashim_sockops_dump(FILE *out, const struct bpf_insn *insns, size_t count)
{
	(void)out;
	(void)insns;
	(void)count;
}

int kashim_sockops_read(const struct bpf_insn *insns, size_t count,
			struct kashim_sockops_values *values)
{
	(void)insns;
	(void)count;
	(void)values;
	return -1;
}

#endif
