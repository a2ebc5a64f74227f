#!/usr/bin/env bats
# Secure execution: in a setuid program (AT_SECURE) the shim reads no
# KASHIM_* variable and stays inert, even when loaded. The only way the
# loader puts a library into a setuid program is /etc/ld.so.preload: the
# test writes one in a private mount namespace (an overlay on /etc, seen by
# nothing outside it), naming a copy of the shim on a tmpfs there, and runs
# a setuid-root copy of sockprobe as nobody. The control is the same copy
# without the setuid bit. The machine's /etc/ld.so.preload is never written.

bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root, for a mount namespace and a setuid file"
	if shim_is_musl; then
		skip "musl's dynamic loader reads no /etc/ld.so.preload, and ignores LD_PRELOAD in setuid programs"
	fi
	# world-searchable, so nobody can reach the copies under it
	SECURE_DIR=$(mktemp -d /tmp/kashim-secure.XXXXXX)
	chmod 755 "$SECURE_DIR"
	REAL_PRELOAD_BEFORE=$(real_preload_state)
}

teardown() {
	[ -z "${SECURE_DIR:-}" ] || rmdir "$SECURE_DIR"
}

# The machine's own /etc/ld.so.preload: absent, or its checksum.
real_preload_state() {
	if [ -e /etc/ld.so.preload ]; then sha256sum /etc/ld.so.preload; else echo absent; fi
}

# in_namespace MODE: run the probe (MODE setuid or plain) as nobody, with
# KASHIM_* set, in a mount namespace whose /etc/ld.so.preload names the shim.
in_namespace() {
	local runtime=${RUNTIME_PRELOAD%:}
	run --separate-stderr timeout 30 unshare --mount --propagation private bash -euc '
		dir=$1 mode=$2 probe=$3 shim=$4 runtime=$5
		mount -t tmpfs -o mode=755 kashim-secure "$dir"
		cp "$probe" "$dir/probe"
		cp "$shim" "$dir/libkashim.so"
		chown root:root "$dir/probe" "$dir/libkashim.so"
		chmod 755 "$dir/probe" "$dir/libkashim.so"
		[ "$mode" = plain ] || chmod 4755 "$dir/probe"
		mkdir "$dir/upper" "$dir/work"
		{ [ -z "$runtime" ] || echo "$runtime"; echo "$dir/libkashim.so"; } >"$dir/upper/ld.so.preload"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$dir/upper,workdir=$dir/work" /etc
		# from here on, every program started in this namespace preloads the shim
		exec setpriv --reuid=65534 --regid=65534 --clear-groups \
			env KASHIM_KEEPIDLE=44 KASHIM_KEEPCNT=0 KASHIM_DEBUG=1 "$dir/probe" secure
	' secure "$SECURE_DIR" "$1" "$SOCKPROBE" "$SHIM" "$runtime"
	[ "$(real_preload_state)" = "$REAL_PRELOAD_BEFORE" ] || flunk "the machine's /etc/ld.so.preload changed"
}

@test "control: the same program, not setuid, is configured through /etc/ld.so.preload" {
	in_namespace plain
	assert_status 0
	assert_value at_secure 0
	assert_value kashim.mapped 1
	assert_value connected.keepalive 1
	assert_value connected.idle 44
	assert_value accepted.idle 44
	[[ $stderr == *'KASHIM_KEEPCNT="0" is out of range'* ]] || flunk "no warning about KASHIM_KEEPCNT"
	[[ $stderr == *'loaded: keepalive on idle=44'* ]] || flunk "no debug line"
}

@test "setuid root, run by nobody: the shim is loaded, reads no KASHIM_* and touches nothing" {
	in_namespace setuid
	assert_status 0
	assert_value at_secure 1
	assert_value kashim.mapped 1
	assert_value connected.keepalive 0
	assert_value accepted.keepalive 0
	assert_value accepted.idle "$(system_default keepalive_time)"
	[[ $stderr != *kashim\[* ]] || flunk "the shim wrote to stderr in a setuid program"
}
