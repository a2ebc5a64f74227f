#include "bpf_sys.h"
#include "sockops_prog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* From linux/capability.h, which not every C library's headers carry. */
#define KASHIM_CAP_NET_ADMIN 12
#define KASHIM_CAP_SYS_ADMIN 21
#define KASHIM_CAP_BPF 39 /* Linux 5.8 */
#define KASHIM_CAPABILITY_VERSION_3 0x20080522U

#if KASHIM_HAVE_BPF

static long kashim_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static uint64_t kashim_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * The verifier's reason: the last line of its log but for the statistics
 * it ends with ("processed N insns ...", "verification time ...").
 */
static void kashim_last_line(const char *log, char *why, size_t why_size)
{
	size_t end = strlen(log), start;

	for (;;) {
		while (end > 0 && log[end - 1] == '\n')
			end--;
		start = end;
		while (start > 0 && log[start - 1] != '\n')
			start--;
		if (start == 0 || (strncmp(log + start, "processed ", 10) != 0 &&
				   strncmp(log + start, "verification time", 17) != 0))
			break;
		end = start;
	}
	snprintf(why, why_size, "%.*s", (int)(end - start), log + start);
}

static int kashim_load(const struct bpf_insn *insns, size_t count, char *log, size_t log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_SOCK_OPS;
	attr.insns = kashim_ptr(insns);
	attr.insn_cnt = (uint32_t)count;
	attr.license = kashim_ptr("MIT");
	snprintf(attr.prog_name, sizeof attr.prog_name, "%s", KASHIM_SOCKOPS_NAME);
	if (log != NULL) {
		attr.log_level = 1;
		attr.log_buf = kashim_ptr(log);
		attr.log_size = (uint32_t)log_size;
		log[0] = '\0';
	}
	return (int)kashim_bpf(BPF_PROG_LOAD, &attr);
}

int kashim_bpf_load_sockops(const struct bpf_insn *insns, size_t count, char *why,
			    size_t why_size)
{
	/* The log only when it failed: a success's log is long and unread. */
	size_t log_size = 1 << 20;
	char *log;
	int fd, saved_errno;

	why[0] = '\0';
	fd = kashim_load(insns, count, NULL, 0);
	if (fd >= 0 || (errno != EACCES && errno != EINVAL))
		return fd;
	saved_errno = errno;
	log = malloc(log_size);
	if (log == NULL) {
		errno = saved_errno;
		return -1;
	}
	fd = kashim_load(insns, count, log, log_size);
	if (fd < 0) {
		saved_errno = errno;
		kashim_last_line(log, why, why_size);
	}
	free(log);
	errno = saved_errno;
	return fd;
}

int kashim_bpf_link_cgroup(int prog_fd, int cgroup_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.target_fd = (uint32_t)cgroup_fd;
	attr.link_create.attach_type = BPF_CGROUP_SOCK_OPS;
	return (int)kashim_bpf(BPF_LINK_CREATE, &attr);
}

long kashim_bpf_cgroup_programs(int cgroup_fd, int effective, uint32_t *ids, uint32_t max)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.query.target_fd = (uint32_t)cgroup_fd;
	attr.query.attach_type = BPF_CGROUP_SOCK_OPS;
	attr.query.query_flags = effective ? BPF_F_QUERY_EFFECTIVE : 0;
	attr.query.prog_ids = kashim_ptr(ids);
	attr.query.prog_cnt = max;
	if (kashim_bpf(BPF_PROG_QUERY, &attr) != 0 && errno != ENOSPC)
		return -1;
	return (long)attr.query.prog_cnt;
}

int kashim_bpf_program(uint32_t id, struct kashim_bpf_info *out, struct bpf_insn *insns,
		       size_t max)
{
	union bpf_attr attr;
	struct bpf_prog_info info;
	int fd, saved_errno;

	memset(&attr, 0, sizeof attr);
	attr.prog_id = id;
	fd = (int)kashim_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof info);
	info.xlated_prog_len = (uint32_t)(max * sizeof *insns);
	info.xlated_prog_insns = kashim_ptr(insns);
	memset(&attr, 0, sizeof attr);
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof info;
	attr.info.info = kashim_ptr(&info);
	if (kashim_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) != 0) {
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return -1;
	}
	close(fd);
	memcpy(out->name, info.name, BPF_OBJ_NAME_LEN);
	out->name[BPF_OBJ_NAME_LEN - 1] = '\0';
	out->load_time = info.load_time;
	out->count = info.xlated_prog_len / sizeof *insns;
	if (out->count > max)
		out->count = max;
	return 0;
}

int kashim_bpf_pin(int prog_fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.pathname = kashim_ptr(path);
	attr.bpf_fd = (uint32_t)prog_fd;
	return (int)kashim_bpf(BPF_OBJ_PIN, &attr);
}

int kashim_bpf_pinned(const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.pathname = kashim_ptr(path);
	return (int)kashim_bpf(BPF_OBJ_GET, &attr);
}

/* What the kernel tells of the object behind fd, into the size bytes at info (zeroed first). */
static int kashim_obj_info(int fd, void *info, uint32_t size)
{
	union bpf_attr attr;

	memset(info, 0, size);
	memset(&attr, 0, sizeof attr);
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = size;
	attr.info.info = kashim_ptr(info);
	return kashim_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) == 0 ? 0 : -1;
}

int kashim_bpf_is_kashim(int fd, uint32_t *id)
{
	struct bpf_prog_info info;

	if (kashim_obj_info(fd, &info, sizeof info) != 0)
		return -1;
	*id = info.id;
	return info.type == BPF_PROG_TYPE_SOCK_OPS &&
	       strncmp(info.name, KASHIM_SOCKOPS_NAME, sizeof info.name) == 0;
}

uint32_t kashim_bpf_id(int fd)
{
	struct bpf_prog_info info; /* a link's info starts with type and id too */
	struct bpf_link_info link;

	if (kashim_obj_info(fd, &info, sizeof info) == 0)
		return info.id;
	return kashim_obj_info(fd, &link, sizeof link) == 0 ? link.id : 0;
}

#else /* built without linux/bpf.h: every call fails with ENOSYS */

int kashim_bpf_load_sockops(const struct bpf_insn *insns, size_t count, char *why,
			    size_t why_size)
{
	(void)insns;
	(void)count;
	snprintf(why, why_size, "kashim was built without the kernel's linux/bpf.h");
	errno = ENOSYS;
	return -1;
}

int kashim_bpf_link_cgroup(int prog_fd, int cgroup_fd)
{
	(void)prog_fd;
	(void)cgroup_fd;
	errno = ENOSYS;
	return -1;
}

long kashim_bpf_cgroup_programs(int cgroup_fd, int effective, uint32_t *ids, uint32_t max)
{
	(void)cgroup_fd;
	(void)effective;
	(void)ids;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int kashim_bpf_program(uint32_t id, struct kashim_bpf_info *info, struct bpf_insn *insns,
		       size_t max)
{
	(void)id;
	(void)info;
	(void)insns;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int kashim_bpf_pin(int prog_fd, const char *path)
{
	(void)prog_fd;
	(void)path;
	errno = ENOSYS;
	return -1;
}

int kashim_bpf_pinned(const char *path)
{
	(void)path;
	errno = ENOSYS;
	return -1;
}

int kashim_bpf_is_kashim(int fd, uint32_t *id)
{
	(void)fd;
	*id = 0;
	errno = ENOSYS;
	return -1;
}

uint32_t kashim_bpf_id(int fd)
{
	(void)fd;
	return 0;
}

#endif

int kashim_kernel_version(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2 || minor > 999)
		return 0;
	return (int)(major * 1000 + minor);
}

int kashim_bpf_privileged(void)
{
	/* struct __user_cap_header_struct: version, pid (0: this process) */
	uint32_t header[2] = { KASHIM_CAPABILITY_VERSION_3, 0 };
	/* two struct __user_cap_data_struct: effective, permitted, inheritable */
	uint32_t data[6];
	uint64_t effective;

	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, header, data) != 0)
		return 0;
	effective = (uint64_t)data[3] << 32 | data[0];
	return (effective >> KASHIM_CAP_SYS_ADMIN & 1) ||
	       ((effective >> KASHIM_CAP_BPF & 1) && (effective >> KASHIM_CAP_NET_ADMIN & 1));
}
