/*
 * sockops-check: kashim's sock_ops program through the kernel's verifier
 * for every combination of sides, ports, policy and timers, and read back
 * from the kernel as kashim-inspect reads it. Needs root (CAP_BPF and
 * CAP_NET_ADMIN). Prints "loaded N programs" or one line per failure.
 *
 * sockops-check --dump VAR=VALUE...: build one program from those
 * variables and print it.
 * sockops-check --refused: load a program the verifier must refuse and
 * print the line kashim would show.
 * sockops-check --query DIR: "id name" of each sock_ops program attached
 * to the cgroup DIR itself.
 * sockops-check --plain-attach DIR: attach a program that does nothing
 * (named "other") the old way, BPF_PROG_ATTACH without flags, as another
 * tool might; it stays until DIR is removed. Prints its id.
 * sockops-check --attach-pinned FILE DIR: attach the program pinned at
 * FILE to DIR as systemd does for BPFProgram= (BPF_PROG_ATTACH with
 * BPF_F_ALLOW_MULTI); it stays until DIR is removed.
 * sockops-check --pin FILE VAR=VALUE...: kashim's program from those
 * variables, pinned at FILE, wherever (kashim --pin refuses a hybrid host).
 * sockops-check --pin-other FILE: pin the do-nothing program ("other") at FILE.
 */
#include "core/config/config.h"
#include "tools/cgroup/bpf_sys.h"
#include "tools/cgroup/sockops_prog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct kashim_config cfg;
static struct bpf_insn insns[KASHIM_SOCKOPS_MAX_INSNS];
static struct bpf_insn back[KASHIM_SOCKOPS_MAX_INSNS * 4];

static int set(enum kashim_var var, const char *text)
{
	char err[KASHIM_MESSAGE_MAX];

	if (text == NULL)
		return 0;
	if (kashim_parse(&cfg, var, text, err, sizeof err) == KASHIM_REJECTED) {
		fprintf(stderr, "sockops-check: %s\n", err);
		return -1;
	}
	return 0;
}

/* Build, load and read back cfg; 0 when all agree. */
static int check(const char *what, const char *ports)
{
	char err[KASHIM_MESSAGE_MAX], why[512];
	struct kashim_sockops_values v;
	struct kashim_bpf_info info;
	size_t n;
	int fd;

	n = kashim_sockops_build(&cfg, insns, KASHIM_SOCKOPS_MAX_INSNS, err, sizeof err);
	if (n == 0) {
		printf("FAIL %s: not built: %s\n", what, err);
		return -1;
	}
	fd = kashim_bpf_load_sockops(insns, n, why, sizeof why);
	if (fd < 0) {
		printf("FAIL %s: not loaded: %m: %s\n", what, why);
		kashim_sockops_dump(stdout, insns, n);
		return -1;
	}
	if (kashim_bpf_program(kashim_bpf_id(fd), &info, back, sizeof back / sizeof back[0]) != 0 ||
	    strcmp(info.name, KASHIM_SOCKOPS_NAME) != 0 ||
	    kashim_sockops_read(back, info.count, &v) != 0) {
		printf("FAIL %s: not read back (name '%s')\n", what, info.name);
		close(fd);
		return -1;
	}
	close(fd);
	if (v.keepidle != cfg.keepidle || v.keepintvl != cfg.keepintvl ||
	    v.keepcnt != cfg.keepcnt || v.user_timeout != cfg.user_timeout ||
	    v.sides != cfg.sides || v.respect != (cfg.policy == KASHIM_POLICY_RESPECT) ||
	    (v.ports != 0) != (ports != NULL) || strcmp(v.port_list, ports ? ports : "") != 0) {
		printf("FAIL %s: read back idle=%d interval=%d count=%d user-timeout=%d sides=%d "
		       "respect=%d ports=%d %s\n", what, v.keepidle, v.keepintvl, v.keepcnt,
		       v.user_timeout, v.sides, v.respect, v.ports, v.port_list);
		return -1;
	}
	return 0;
}

/*
 * Build one program from the VAR=VALUE arguments from argv[first] on; with
 * pin, pin it there (as kashim --pin does, but wherever asked: the
 * systemd check pins on a host kashim --pin refuses), else print it.
 */
static int build(int argc, char **argv, int first, const char *pin)
{
	char err[KASHIM_MESSAGE_MAX];
	size_t n;
	int i, prog;

	kashim_config_defaults(&cfg);
	for (i = first; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		enum kashim_var var = eq ? kashim_find_var(argv[i], (size_t)(eq - argv[i]))
					 : KASHIM_VAR_COUNT;

		if (var == KASHIM_VAR_COUNT || set(var, eq + 1) != 0)
			return 2;
	}
	n = kashim_sockops_build(&cfg, insns, KASHIM_SOCKOPS_MAX_INSNS, err, sizeof err);
	if (n == 0) {
		fprintf(stderr, "sockops-check: %s\n", err);
		return 1;
	}
	if (pin == NULL) {
		kashim_sockops_dump(stdout, insns, n);
		return 0;
	}
	prog = kashim_bpf_load_sockops(insns, n, err, sizeof err);
	if (prog < 0 || kashim_bpf_pin(prog, pin) != 0) {
		perror(pin);
		return 1;
	}
	return 0;
}

/* The last line of the verifier's refusal of a program with an unreachable insn. */
static int refused(void)
{
	static const struct bpf_insn bad[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char why[512];
	int fd = kashim_bpf_load_sockops(bad, 4, why, sizeof why);

	printf("fd=%d why=%s\n", fd, why);
	return fd < 0 && why[0] != '\0' ? 0 : 1;
}

static int query(const char *dir)
{
	uint32_t ids[64];
	struct kashim_bpf_info info;
	long n, i;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || (n = kashim_bpf_cgroup_programs(fd, 0, ids, 64)) < 0) {
		perror(dir);
		return 1;
	}
	for (i = 0; i < n && i < 64; i++) {
		if (kashim_bpf_program(ids[i], &info, back, 1) != 0)
			snprintf(info.name, sizeof info.name, "?");
		printf("%u %s\n", ids[i], info.name);
	}
	return 0;
}

/* A program that does nothing, named "other": its fd, or -1. */
static int load_other(void)
{
	static const struct bpf_insn nothing[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_SOCK_OPS;
	attr.insns = (uint64_t)(uintptr_t)nothing;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t)"MIT";
	snprintf(attr.prog_name, sizeof attr.prog_name, "other");
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
}

static int plain_attach(const char *dir)
{
	union bpf_attr attr;
	int prog = load_other(), cgroup = open(dir, O_RDONLY | O_DIRECTORY);

	if (cgroup < 0 || prog < 0) {
		perror("load");
		return 1;
	}
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_SOCK_OPS;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) != 0) {
		perror("attach");
		return 1;
	}
	printf("%u\n", kashim_bpf_id(prog));
	return 0;
}

static int attach_pinned(const char *file, const char *dir)
{
	union bpf_attr attr;
	int prog = kashim_bpf_pinned(file), cgroup = open(dir, O_RDONLY | O_DIRECTORY);

	if (cgroup < 0 || prog < 0) {
		perror(prog < 0 ? file : dir);
		return 1;
	}
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_SOCK_OPS;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) != 0) {
		perror("attach");
		return 1;
	}
	printf("%u\n", kashim_bpf_id(prog));
	return 0;
}

static int pin_other(const char *file)
{
	int prog = load_other();

	if (prog < 0 || kashim_bpf_pin(prog, file) != 0) {
		perror(file);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const sides[] = { "accept", "connect", "accept,connect" };
	static const char *const ports[] = { NULL, "80", "1-100", "22,8000-8100,9000",
					     "1024-65535", "1-65535", "1,3,5,7,9,11,13,65535" };
	static const char *const policies[] = { "override", "respect" };
	static const char *const timers[][4] = {
		{ "31", "7", "4", "auto" }, { NULL, NULL, NULL, NULL }, { "1", NULL, "127", NULL },
		{ NULL, "32767", NULL, "2147483647" },
	};
	size_t s, p, o, t, k, loaded = 0, failed = 0, total;
	char what[256];

	if (argc > 1 && strcmp(argv[1], "--dump") == 0)
		return build(argc, argv, 2, NULL);
	if (argc > 2 && strcmp(argv[1], "--pin") == 0)
		return build(argc, argv, 3, argv[2]);
	if (argc > 1 && strcmp(argv[1], "--refused") == 0)
		return refused();
	if (argc > 2 && strcmp(argv[1], "--query") == 0)
		return query(argv[2]);
	if (argc > 2 && strcmp(argv[1], "--plain-attach") == 0)
		return plain_attach(argv[2]);
	if (argc > 3 && strcmp(argv[1], "--attach-pinned") == 0)
		return attach_pinned(argv[2], argv[3]);
	if (argc > 2 && strcmp(argv[1], "--pin-other") == 0)
		return pin_other(argv[2]);
	total = sizeof sides / sizeof sides[0] * (sizeof ports / sizeof ports[0]) *
		(sizeof policies / sizeof policies[0]) * (sizeof timers / sizeof timers[0]);
	for (k = 0; k < total; k++) {
		t = k % (sizeof timers / sizeof timers[0]);
		o = k / (sizeof timers / sizeof timers[0]) % (sizeof policies / sizeof policies[0]);
		p = k / (sizeof timers / sizeof timers[0]) / (sizeof policies / sizeof policies[0]) %
		    (sizeof ports / sizeof ports[0]);
		s = k / (sizeof timers / sizeof timers[0]) / (sizeof policies / sizeof policies[0]) /
		    (sizeof ports / sizeof ports[0]);
		kashim_config_defaults(&cfg);
		if (set(KASHIM_VAR_SIDES, sides[s]) || set(KASHIM_VAR_PORTS, ports[p]) ||
		    set(KASHIM_VAR_POLICY, policies[o]) || set(KASHIM_VAR_KEEPIDLE, timers[t][0]) ||
		    set(KASHIM_VAR_KEEPINTVL, timers[t][1]) || set(KASHIM_VAR_KEEPCNT, timers[t][2]) ||
		    set(KASHIM_VAR_USER_TIMEOUT, timers[t][3]))
			return 2;
		if (cfg.user_timeout == KASHIM_AUTO)
			cfg.user_timeout = 31000 + 7000 * 4;
		snprintf(what, sizeof what, "sides=%s ports=%s policy=%s timers=%zu", sides[s],
			 ports[p] ? ports[p] : "all", policies[o], t);
		if (check(what, ports[p]) == 0)
			loaded++;
		else
			failed++;
	}
	printf("loaded %zu programs, %zu failed\n", loaded, failed);
	return failed == 0 ? 0 : 1;
}
