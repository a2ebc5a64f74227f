#include "attach.h"
#include "bpf_sys.h"
#include "sockops_prog.h"
#include "core/config/config_table.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int kashim_attach_possible(const struct kashim_config *cfg, int kernel, char *err,
			   size_t err_size)
{
	if (!KASHIM_HAVE_BPF) {
		snprintf(err, err_size, "this kashim was built without the kernel's linux/bpf.h: "
			 "no cgroup reach");
		return -1;
	}
	if (kernel < KASHIM_KERNEL_CGROUP) {
		snprintf(err, err_size, "a cgroup needs Linux 5.9 or later (bpf_setsockopt of the "
			 "keepalive options); this kernel is %d.%d", kernel / 1000, kernel % 1000);
		return -1;
	}
	if (cfg->policy == KASHIM_POLICY_RESPECT && kernel < KASHIM_KERNEL_RESPECT) {
		snprintf(err, err_size, "KASHIM_POLICY=respect in a cgroup needs Linux 6.1 or later "
			 "(bpf_getsockopt); this kernel is %d.%d: use override, or the preload",
			 kernel / 1000, kernel % 1000);
		return -1;
	}
	if (!kashim_bpf_privileged()) {
		snprintf(err, err_size, "attaching to a cgroup needs CAP_BPF and CAP_NET_ADMIN "
			 "(or root)");
		return -1;
	}
	return 0;
}

int kashim_load_program(const struct kashim_config *cfg, int debug, char *err, size_t err_size)
{
	static struct bpf_insn insns[KASHIM_SOCKOPS_MAX_INSNS];
	char why[512];
	size_t count;
	int prog;

	count = kashim_sockops_build(cfg, insns, KASHIM_SOCKOPS_MAX_INSNS, why, sizeof why);
	if (count == 0) {
		snprintf(err, err_size, "nothing to attach: %s", why);
		return -1;
	}
	if (debug)
		kashim_sockops_dump(stderr, insns, count);
	prog = kashim_bpf_load_sockops(insns, count, why, sizeof why);
	if (prog >= 0)
		return prog;
	if (why[0] != '\0')
		snprintf(err, err_size, "the kernel's verifier refused kashim's program: %s", why);
	else if (errno == EPERM)
		snprintf(err, err_size, "loading kashim's program: %s (it needs CAP_BPF and "
			 "CAP_NET_ADMIN, or root, and no lockdown)", strerror(errno));
	else
		snprintf(err, err_size, "loading kashim's program: %s", strerror(errno));
	return -1;
}

int kashim_attach(const struct kashim_config *cfg, int cgroup_fd, int debug, uint32_t *program,
		  char *err, size_t err_size)
{
	uint32_t other = 0;
	int prog, link, saved_errno;

	prog = kashim_load_program(cfg, debug, err, err_size);
	if (prog < 0)
		return -1;
	*program = kashim_bpf_id(prog);
	link = kashim_bpf_link_cgroup(prog, cgroup_fd);
	saved_errno = errno;
	close(prog); /* the link holds the program */
	if (link >= 0)
		return link;
	if (saved_errno == EPERM && kashim_bpf_cgroup_programs(cgroup_fd, 0, &other, 1) > 0)
		/* attached by BPF_PROG_ATTACH without BPF_F_ALLOW_MULTI */
		snprintf(err, err_size, "another sock_ops program (id %u) is attached to the "
			 "cgroup alone, without BPF_F_ALLOW_MULTI: kashim never replaces it", other);
	else
		snprintf(err, err_size, "attaching kashim's program with a bpf_link: %s%s",
			 strerror(saved_errno),
			 saved_errno == EINVAL ? " (a cgroup bpf_link needs Linux 5.7 or later)" : "");
	return -1;
}

void kashim_attach_describe(const struct kashim_config *cfg, char *buf, size_t size)
{
	static const enum kashim_var shown[] = {
		KASHIM_VAR_KEEPIDLE, KASHIM_VAR_KEEPINTVL, KASHIM_VAR_KEEPCNT,
		KASHIM_VAR_USER_TIMEOUT, KASHIM_VAR_SIDES, KASHIM_VAR_PORTS, KASHIM_VAR_POLICY,
	};
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof shown / sizeof shown[0] && used + 1 < size; i++) {
		const struct kashim_var_row *row = kashim_row(shown[i]);
		char value[128];

		if (shown[i] == KASHIM_VAR_PORTS && cfg->every_port)
			snprintf(value, sizeof value, "all");
		else if (kashim_is_timer(shown[i]) && kashim_config_field(cfg, shown[i]) == KASHIM_UNSET)
			snprintf(value, sizeof value, "system");
		else
			kashim_format_value(cfg, shown[i], value, sizeof value);
		used += (size_t)snprintf(buf + used, size - used, "%s%s=%s%s", i ? " " : "", row->key,
					 value, kashim_config_field(cfg, shown[i]) == KASHIM_UNSET ||
					 !kashim_is_timer(shown[i]) ? "" : row->shown_unit);
	}
}
