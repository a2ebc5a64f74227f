#!/usr/bin/env bats
# kashim --unit NAME, --pin FILE and --unpin FILE, as far as they go
# without a booted systemd (make systemd-check runs them under one): the
# options' validation, the refusals and their exit statuses, and --pin on
# a BPF filesystem, whose pinned program is attached to a test cgroup as
# systemd attaches BPFProgram= and read back inside a program there,
# against the same program with nothing attached. Everything that mounts
# does so in a mount namespace of its own, private.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

SOCKOPS_CHECK=$BUILD/sockops-check
KFLAGS=(--idle 31 --interval 7 --count 4 --user-timeout auto)

setup() {
	[ "$(id -u)" -eq 0 ] || skip "pinning and attaching need root"
	KLOG=$BATS_TEST_TMPDIR/kashim.log
	CG=
	KPID=
}

teardown() {
	if [ -n "$KPID" ]; then
		kill "$KPID" 2>/dev/null || true
		wait "$KPID" 2>/dev/null || true
	fi
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		xargs -r kill -KILL <"$CG/cgroup.procs" 2>/dev/null || true
		wait_until 5 rmdir "$CG" 2>/dev/null || true
	fi
}

# unified CMD...: CMD in a private mount namespace whose /sys/fs/cgroup is
# a cgroup2 mount, as on a fully unified host (what systemd checks), with
# a BPF filesystem of its own at $BATS_TEST_TMPDIR/bpf.
unified() {
	mkdir -p "$BATS_TEST_TMPDIR/bpf"
	unshare --mount --propagation private sh -c 'mount -t cgroup2 none /sys/fs/cgroup &&
		mount -t bpf bpf "$0" && exec "$@"' "$BATS_TEST_TMPDIR/bpf" "$@"
}

@test "unit: --unit, --pin and --unpin validate their arguments; exit 125" {
	run "$KASHIM" --idle 31 --unit
	assert_status 125
	assert_output_has "option '--unit' requires an argument"
	run "$KASHIM" --idle 31 --unit ''
	assert_status 125
	assert_output_has "invalid --unit: empty unit name"
	run "$KASHIM" --idle 31 --unit 'legacy service'
	assert_status 125
	assert_output_has "invalid --unit: 'legacy service' is not a unit name"
	run "$KASHIM" --idle 31 --unit "$(printf 'x%.0s' {1..300})"
	assert_status 125
	assert_output_has "is not a unit name"
	run "$KASHIM" --idle 31 --unit a.service --unit b.service
	assert_status 125
	assert_output_has "--unit given twice"
	run "$KASHIM" --idle 31 --unit a.service --pin /sys/fs/bpf/kashim
	assert_status 125
	assert_output_has "--unit, --pin and --unpin cannot be combined"
	run "$KASHIM" --idle 31 --unit a.service --pid 1
	assert_status 125
	assert_output_has "cannot be combined with --pid or --cgroup"
	run "$KASHIM" --idle 31 --unit a.service sleep 1
	assert_status 125
	assert_output_has "--unit, --pin and --unpin take no COMMAND"
	run "$KASHIM" --idle abc --unit a.service
	assert_status 125
	assert_output_has "invalid --idle"
	run "$KASHIM" --idle 31 --programs nginx --unit a.service
	assert_status 125
	assert_output_has "KASHIM_PROGRAMS (--programs) cannot scope a cgroup"
	run "$KASHIM" --help
	assert_output_has "--unit NAME"
	assert_output_has "--pin FILE"
}

# The cgroup v2 hierarchy's mount point, or "" where none is mounted (a
# root made by debootstrap, a host with cgroup v1 only).
cgroup_v2() {
	awk '$0 ~ / - cgroup2 / && $4 == "/" { print $5; exit }' /proc/self/mountinfo
}

# make_test_cgroup NAME: the cgroup NAME.PID made under the v2 hierarchy
# (V2) as CG, which teardown removes; skips where none is mounted.
make_test_cgroup() {
	V2=$(cgroup_v2)
	[ -n "$V2" ] || skip "no cgroup v2 hierarchy mounted"
	CG=$V2/$1.$$
	mkdir "$CG"
}

# Without a cgroup v2 hierarchy, --unit refuses before it asks systemd
# anything, the kernel's reach having nowhere to attach: check that
# refusal (one line, exit 125), then skip what needs a hierarchy.
refused_without_cgroup_v2() {
	[ -z "$(cgroup_v2)" ] || return 0
	run env PATH=/nonexistent "$KASHIM" --idle 31 --unit legacy
	assert_status 125
	assert_output_has "kashim: no cgroup v2 hierarchy is mounted (cgroup v1 only)"
	[ "${#lines[@]}" -eq 1 ] || flunk "expected one line"
	skip "no cgroup v2 hierarchy mounted: --unit refuses first (that refusal checked)"
}

@test "unit: --unit without a systemd to ask: one line, exit 125; nothing attached" {
	refused_without_cgroup_v2
	# no systemctl at all: an empty PATH
	run env PATH=/nonexistent "$KASHIM" --idle 31 --unit legacy
	assert_status 125
	assert_output_has "kashim: systemctl is not installed: --unit needs systemd"
	[ "${#lines[@]}" -eq 1 ] || flunk "expected one line"
	# a systemctl whose systemd does not answer (this machine's PID 1 is
	# not systemd, or a stand-in says so)
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "System has not been booted with systemd as init system (PID 1). Can'"'"'t operate." >&2\nexit 1\n' \
		>"$BATS_TEST_TMPDIR/bin/systemctl"
	chmod +x "$BATS_TEST_TMPDIR/bin/systemctl"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$KASHIM" --idle 31 --unit legacy
	assert_status 125
	assert_output_has "kashim: systemctl show legacy.service failed: System has not been booted with systemd"
	[ "${#lines[@]}" -eq 1 ] || flunk "expected one line"
}

# A systemctl that answers for a unit as systemd does: fake_systemctl
# PROPERTY=VALUE... (what `systemctl show` prints for any unit asked).
fake_systemctl() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	{
		echo '#!/bin/sh'
		printf 'printf "%%s\\n"'
		printf " '%s'" "$@"
		echo
	} >"$BATS_TEST_TMPDIR/bin/systemctl"
	chmod +x "$BATS_TEST_TMPDIR/bin/systemctl"
}

@test "unit: a unit that does not exist, or is not running: one line, exit 1" {
	refused_without_cgroup_v2
	fake_systemctl Id=nonexistent.service LoadState=not-found ActiveState=inactive ControlGroup=
	# a kashim that followed instead would wait for a signal: bounded
	run timeout 10 env PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$KASHIM" --idle 31 --unit nonexistent
	assert_status 1
	assert_output_has "kashim: no unit nonexistent.service (LoadState=not-found)"
	[ "${#lines[@]}" -eq 1 ] || flunk "expected one line"
	fake_systemctl Id=legacy.service LoadState=loaded ActiveState=inactive ControlGroup= \
		Slice=system.slice TriggeredBy=
	run timeout 10 env PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$KASHIM" --idle 31 --unit legacy.service
	assert_status 1
	assert_output_has "kashim: unit legacy.service is not running (ActiveState=inactive)"
	[ "${#lines[@]}" -eq 1 ] || flunk "expected one line"
}

@test "unit: --unit follows a running unit's cgroup: attached, open sockets configured, again when made anew" {
	make_test_cgroup kashim-unit-test
	fake_systemctl Id=fake.service LoadState=loaded ActiveState=active \
		"ControlGroup=/${CG#"$V2"/}" Slice=system.slice TriggeredBy=
	# the control: nothing attached yet
	run sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$SOCKPROBE" pair
	assert_untouched connected
	env PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$KASHIM" "${KFLAGS[@]}" --unit fake >"$KLOG" 2>&1 &
	KPID=$!
	wait_until 5 grep -q "attached to $CG" "$KLOG" || { output=$(cat "$KLOG"); flunk "not attached"; }
	run sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$SOCKPROBE" pair
	assert_configured connected
	assert_configured accepted
	# the cgroup removed and made again, as at a restart: attached again
	xargs -r kill -KILL <"$CG/cgroup.procs"
	wait_until 5 rmdir "$CG"
	wait_until 5 grep -q "its cgroup is gone" "$KLOG" || { output=$(cat "$KLOG"); flunk "not seen gone"; }
	mkdir "$CG"
	wait_until 5 grep -q "attached to $CG (bpf program [0-9]*) again" "$KLOG" ||
		{ output=$(cat "$KLOG"); flunk "not attached again"; }
	run sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$SOCKPROBE" pair
	assert_configured connected
	kill "$KPID"
	wait "$KPID" || true
	KPID=
	output=$(cat "$KLOG")
	assert_output_has "kashim: detached from fake.service (Terminated)"
	# the control: detached, nothing configures a new connection there
	run sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$SOCKPROBE" pair
	assert_untouched connected
	assert_untouched accepted
}

@test "unit: --pin refuses a host whose cgroups are not all unified (systemd would attach nothing): one line, exit 125, nothing pinned" {
	local what
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "this host is fully unified: the refusal is shown under a hybrid systemd (make systemd-check)"
	mkdir -p "$BATS_TEST_TMPDIR/bpf"
	run unshare --mount --propagation private sh -c 'mount -t bpf bpf "$0" && exec "$@"' \
		"$BATS_TEST_TMPDIR/bpf" "$KASHIM" "${KFLAGS[@]}" --pin "$BATS_TEST_TMPDIR/bpf/kashim"
	assert_status 125
	# what /sys/fs/cgroup is instead: a hybrid or legacy host mounts a tmpfs
	# there; a bare root (a container, debootstrap's) may have nothing
	case $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) in
	tmpfs) what="a tmpfs of cgroup v1 mounts (hybrid or legacy)" ;;
	"") what=missing ;;
	*) what="not a cgroup2 mount" ;;
	esac
	assert_output_has "this host's cgroups are not all unified: /sys/fs/cgroup is $what, and systemd attaches BPFProgram= only on a fully unified cgroup v2 hierarchy: here a unit with it would start without the program, and without keepalive"
	[ "${#lines[@]}" -eq 1 ] || flunk "expected one line"
	assert_output_lacks "BPFProgram=sock_ops"
}

@test "unit: --pin on a unified host: the BPFProgram= line; the pinned program configures a cgroup it is attached to" {
	make_test_cgroup kashim-pin-test
	# all in one mount namespace, whose BPF filesystem goes with it; there
	# the hierarchy is at /sys/fs/cgroup
	run unified bash -c '
		kashim=$1 sockops_check=$2 sockprobe=$3 cg=$4 pin=$0/kashim
		shift 4
		in_cg() { sh -c '"'"'echo $$ >"$0/cgroup.procs" && exec "$@"'"'"' "$cg" "$@"; }
		echo "# control"; in_cg "$sockprobe" pair | sed -n "s/^connected\./control./p"
		echo "# pin"; "$kashim" "$@" --pin "$pin"; echo "pin.status=$?"
		echo "# again, other values"; "$kashim" --idle 32 --pin "$pin"; echo "again.status=$?"
		"$kashim" "$@" --pin "$pin" 2>/dev/null
		echo "# attached as systemd does"; "$sockops_check" --attach-pinned "$pin" "$cg"
		in_cg "$sockprobe" pair
		echo "# unpin"; "$kashim" --unpin "$pin"; echo "unpin.status=$?"
		[ -e "$pin" ] && echo "pin.left=yes"
		"$kashim" --unpin "$pin"; echo "unpin2.status=$?"
		"$sockops_check" --pin-other "$0/other"
		"$kashim" --unpin "$0/other"; echo "other.status=$?"
		[ -e "$0/other" ] && echo "other.left=yes"
		"$kashim" "$@" --pin relative/kashim; echo "relative.status=$?"
		"$kashim" "$@" --pin /tmp/kashim; echo "outside.status=$?"
	' "$BATS_TEST_TMPDIR/bpf" "$KASHIM" "$SOCKOPS_CHECK" "$SOCKPROBE" \
		"/sys/fs/cgroup/${CG#"$V2"/}" "${KFLAGS[@]}"
	assert_value control.keepalive 0
	assert_value control.user_timeout 0
	assert_value pin.status 0
	assert_output_has "BPFProgram=sock_ops:$BATS_TEST_TMPDIR/bpf/kashim"
	assert_output_has "kashim: pinned kashim's program (bpf program "
	assert_output_has "idle=31 intvl=7 cnt=4 user_timeout=59000ms"
	assert_value again.status 0
	assert_output_has "in place of the one pinned before: idle=32 "
	assert_configured connected
	assert_configured accepted
	assert_value unpin.status 0
	assert_output_has "kashim: unpinned kashim's program (bpf program"
	assert_value pin.left ""
	assert_value unpin2.status 0
	assert_output_has "kashim: nothing is pinned at $BATS_TEST_TMPDIR/bpf/kashim"
	assert_value other.status 125
	assert_output_has "$BATS_TEST_TMPDIR/bpf/other is not kashim's program: kashim leaves it alone; nothing was unpinned"
	assert_value other.left yes
	assert_value relative.status 125
	assert_output_has "invalid --pin: relative/kashim is not an absolute path (BPFProgram= takes one)"
	assert_value outside.status 125
	assert_output_has "/tmp is not in a BPF filesystem (one is mounted at $BATS_TEST_TMPDIR/bpf)"
}

@test "unit: --pin mounts a BPF filesystem at /sys/fs/bpf only when none is mounted, and says so" {
	[ -d /sys/fs/bpf ] || skip "no /sys/fs/bpf to mount on"
	run unshare --mount --propagation private sh -c '
		mount -t cgroup2 none /sys/fs/cgroup || exit 1
		# none mounted, in this namespace
		awk '"'"'$0 ~ / - bpf / { print $5 }'"'"' /proc/self/mountinfo | xargs -r -n 1 umount -l
		"$0" "$@" --pin /sys/fs/bpf/kashim; echo "first.status=$?"
		echo "fstype=$(stat -f -c %T /sys/fs/bpf)"
		"$0" "$@" --pin /sys/fs/bpf/kashim; echo "second.status=$?"
		echo "mounts=$(awk '"'"'$0 ~ / - bpf / { n++ } END { print n + 0 }'"'"' /proc/self/mountinfo)"
	' "$KASHIM" "${KFLAGS[@]}"
	assert_value first.status 0
	assert_value second.status 0
	assert_value fstype bpf_fs
	assert_value mounts 1
	[ "$(grep -c 'mounted one at /sys/fs/bpf' <<<"$output")" -eq 1 ] || flunk "expected the mount said once"
}

@test "unit: --pin and --unpin without privilege, or with keepalive off" {
	# all in one mount namespace, whose BPF filesystem the checks read; $0
	# is the unprivileged runner, $1 kashim, the rest its values
	run unified env PINNED="$BATS_TEST_TMPDIR/bpf/kashim" sh -c '
		$0 "$@" --pin "$PINNED"; echo "unprivileged.status=$?"
		[ -e "$PINNED" ]; echo "unprivileged.pinned=$?"
		"$1" --keepalive off --pin "$PINNED"; echo "off.status=$?"
		[ -e "$PINNED" ]; echo "off.pinned=$?"
		"$@" --pin "$PINNED" >/dev/null 2>&1
		$0 "$1" --unpin "$PINNED"; echo "unpin.status=$?"
		[ -e "$PINNED" ]; echo "unpin.kept=$?"
	' "setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all" \
		"$KASHIM" "${KFLAGS[@]}"
	assert_value unprivileged.status 125
	assert_output_has "needs CAP_BPF and CAP_NET_ADMIN (or root); nothing was pinned"
	assert_value unprivileged.pinned 1
	assert_value off.status 0
	assert_output_has "KASHIM_KEEPALIVE is off: nothing to pin"
	assert_value off.pinned 1
	# root pinned it; nobody may not take it away
	assert_value unpin.status 125
	assert_output_has "Permission denied; nothing was unpinned"
	assert_value unpin.kept 0
}
