/*
 * A loaded program read back: the instructions written out as bpftool and
 * the verifier's log show them (kashim --debug), and the values and ports
 * recovered from them (kashim-inspect's cgroup line). It reads only what
 * sockops_prog.c's builder writes, in the order it writes it.
 */
#include "sockops_prog.h"
#include "sockops_regs.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#if KASHIM_HAVE_BPF

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
