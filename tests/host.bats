#!/usr/bin/env bats
# Host-wide: kashim --host on|off|status and /etc/kashim.conf, for real.
# Each test runs in a private mount namespace whose /etc is an overlay
# (its upper half on a tmpfs there), so /etc/ld.so.preload and
# /etc/kashim.conf are written, read by the loader and by every program
# started there, and thrown away with the namespace: the machine's own
# files are never touched (teardown checks). kashim, libkashim.so and the
# probes are root-owned copies on that tmpfs, which nobody can read.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/tools

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root, for a mount namespace and /etc/ld.so.preload"
	if shim_is_musl; then
		skip "musl's dynamic loader reads no /etc/ld.so.preload"
	fi
	[ -z "$RUNTIME_PRELOAD" ] || skip "an ASan build cannot go into /etc/ld.so.preload"
	HOST_DIR=$(mktemp -d /tmp/kashim-host.XXXXXX)
	chmod 755 "$HOST_DIR"
	REAL_BEFORE=$(real_state)
}

teardown() {
	[ -z "${HOST_DIR:-}" ] || rmdir "$HOST_DIR"
	[ -z "${REAL_BEFORE:-}" ] || [ "$(real_state)" = "$REAL_BEFORE" ] ||
		flunk "the machine's /etc/ld.so.preload or /etc/kashim.conf changed"
}

# The machine's own files: absent, or their checksums.
real_state() {
	local f
	for f in /etc/ld.so.preload /etc/kashim.conf; do
		if [ -e "$f" ]; then sha256sum "$f"; else echo "$f absent"; fi
	done
}

# in_host SCRIPT: run SCRIPT (bash) in the namespace. It finds $D/kashim,
# $D/libkashim.so, $D/probe (sockprobe), $D/probe-setuid (setuid root),
# $D/empty.so (a library with nothing in it), $D/alloc-count.so and
# $D/static-peer;
# `conf TEXT` writes /etc/kashim.conf (root's, 0644).
in_host() {
	run --separate-stderr timeout 120 unshare --mount --propagation private bash -euc '
		D=$1 SCRIPT=$2
		mount -t tmpfs -o mode=755 kashim-host "$D"
		cp "$3" "$4" "$D/"
		cp "$5" "$D/probe"
		cp "$5" "$D/probe-setuid"
		cp "$6" "$D/empty.so"
		cp "$7" "$D/alloc-count.so"
		cp "$8" "$D/static-peer"
		chown root:root "$D"/*
		chmod 755 "$D"/*
		chmod 4755 "$D/probe-setuid"
		mkdir "$D/upper" "$D/work"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$D/upper,workdir=$D/work" /etc
		rm -f /etc/ld.so.preload /etc/kashim.conf
		conf() { printf "%s\n" "$1" >/etc/kashim.conf; chmod 644 /etc/kashim.conf; }
		as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
		eval "$SCRIPT"
	' host "$HOST_DIR" "$1" "$KASHIM" "$SHIM" "$SOCKPROBE" "$BUILD/bench-empty.so" \
		"$BUILD/alloc-count.so" "$BUILD/static-peer"
}

# The host's file kashim configures every program from, in these tests.
HOST_CONF='# host-wide keepalive
KASHIM_KEEPIDLE=41
KASHIM_KEEPINTVL=6

[sshd,probe-excluded]
KASHIM_KEEPALIVE=off'

@test "control: without --host on, a server started with env -i is not configured" {
	in_host "conf '$HOST_CONF'; env -i \$D/probe secure"
	assert_status 0
	assert_value kashim.mapped 0
	assert_value accepted.keepalive 0
}

@test "--host on: env -i, a daemon's child and a setuid program run by nobody take the file's settings" {
	in_host "conf '$HOST_CONF'
		\$D/kashim --host on >/dev/null
		env -i \$D/probe secure | sed 's/^/envi./'
		env -i setsid bash -c \"(\$D/probe secure | sed s/^/child./) & wait\" </dev/null
		as_nobody env KASHIM_KEEPIDLE=44 KASHIM_DEBUG=1 \$D/probe-setuid secure | sed 's/^/setuid./'
		env KASHIM_KEEPIDLE=55 \$D/probe secure | sed 's/^/env./'"
	assert_status 0
	assert_value envi.kashim.mapped 1
	assert_value envi.accepted.keepalive 1
	assert_value envi.accepted.idle 41
	assert_value envi.connected.idle 41
	assert_value envi.accepted.intvl 6
	assert_value child.accepted.idle 41
	assert_value child.connected.intvl 6
	assert_value setuid.at_secure 1
	assert_value setuid.accepted.idle 41
	assert_value setuid.connected.idle 41
	# the environment wins over the file, except in the setuid program
	assert_value env.accepted.idle 55
	assert_value env.accepted.intvl 6
	[ -z "$stderr" ] || flunk "something was said"
}

@test "a [program] section applies to that program only: it excludes one, not another" {
	in_host "conf '$HOST_CONF'
		\$D/kashim --host on >/dev/null
		cp \$D/probe \$D/probe-excluded
		env -i \$D/probe-excluded secure | sed 's/^/excluded./'
		env -i \$D/probe secure | sed 's/^/other./'"
	assert_status 0
	assert_value excluded.kashim.mapped 1
	assert_value excluded.accepted.keepalive 0
	assert_value excluded.connected.keepalive 0
	assert_value other.accepted.keepalive 1
	assert_value other.accepted.idle 41
}

@test "with --host on and the file, ls, date and a shell print nothing" {
	in_host "conf '$HOST_CONF'
		\$D/kashim --host on >/dev/null
		ls / >/dev/null
		date >/dev/null
		bash -c 'echo shell' >/dev/null
		env -i sh -c ':'
		grep -q libkashim /proc/self/maps && echo mapped=1"
	assert_status 0
	assert_value mapped 1
	[ -z "$stderr" ] || flunk "a program without TCP printed something"
}

@test "--host off restores /etc/ld.so.preload byte for byte, and removes a file kashim alone was in" {
	in_host "
		check() {
			before=\$(sha256sum /etc/ld.so.preload 2>/dev/null || echo absent)
			\$D/kashim --host on >/dev/null
			grep -qx \"\$D/libkashim.so\" /etc/ld.so.preload || echo \"\$1.on=missing\"
			\$D/kashim --host on | sed \"s/^/\$1.again=/\"
			[ \"\$(grep -c libkashim /etc/ld.so.preload)\" = 1 ] || echo \"\$1.once=no\"
			\$D/kashim --host off >/dev/null
			after=\$(sha256sum /etc/ld.so.preload 2>/dev/null || echo absent)
			[ \"\$before\" = \"\$after\" ] && echo \"\$1=same\" || echo \"\$1=changed\"
		}
		check absent
		printf '%s\n' \$D/empty.so >/etc/ld.so.preload; check newline
		printf '%s' \$D/empty.so >/etc/ld.so.preload; check unterminated
		printf '\n%s  \n\n' \$D/empty.so >/etc/ld.so.preload; check blanks
		printf '%s\n%s\n' \$D/libkashim.so \$D/empty.so >/etc/ld.so.preload
		\$D/kashim --host off >/dev/null
		[ \"\$(cat /etc/ld.so.preload)\" = \$D/empty.so ] && echo middle=removed
		ls -a /etc | grep -c 'ld.so.preload.kashim' | sed 's/^/leftovers=/' || true"
	assert_status 0
	assert_value absent same
	assert_value newline same
	assert_value unterminated same
	assert_value blanks same
	assert_value middle removed
	assert_value leftovers 0
	assert_output_has "absent.again=kashim: already on"
	assert_output_lacks ".on=missing"
	assert_output_lacks ".once=no"
}

@test "--host on refuses a missing library and one that does not load, leaving the file as it was" {
	in_host "
		mkdir \$D/alone \$D/broken
		cp \$D/kashim \$D/alone/ && cp \$D/kashim \$D/broken/
		echo 'not a library' >\$D/broken/libkashim.so
		printf '%s\n' \$D/empty.so >/etc/ld.so.preload
		before=\$(sha256sum /etc/ld.so.preload)
		status=0; \$D/alone/kashim --host on || status=\$?; echo missing.status=\$status
		status=0; \$D/broken/kashim --host on || status=\$?; echo broken.status=\$status
		[ \"\$(sha256sum /etc/ld.so.preload)\" = \"\$before\" ] && echo file=same"
	assert_value missing.status 125
	assert_value broken.status 125
	assert_value file same
	[[ $stderr == *"cannot find libkashim.so"* || $stderr == *"libkashim.so"*"not found"* ]] ||
		flunk "no word about the missing library"
	[[ $stderr == *"does not load"* ]] || flunk "no word about the broken library"
}

@test "--host needs root: 125 and one line for anyone else" {
	in_host "status=0; as_nobody \$D/kashim --host status || status=\$?; echo status=\$status"
	assert_value status 125
	[ "$stderr" = "kashim: --host status needs root" ] || flunk "not one line"
}

@test "--host status: on or off, the file in force, and what each program gets" {
	in_host "conf '$HOST_CONF'
		\$D/kashim --host status --programs nginx,sshd
		\$D/kashim --host on >/dev/null
		\$D/kashim --host status
		status=0; \$D/kashim --host status --programs '!sshd' >/dev/null || status=\$?
		echo exclusion.status=\$status"
	assert_status 0
	assert_output_has "host-wide preload: off"
	assert_output_has "host-wide preload: on (/etc/ld.so.preload names $HOST_DIR/libkashim.so)"
	assert_output_has "configuration file: /etc/kashim.conf, in force"
	assert_output_has "nginx: keepalive on idle=41 intvl=6"
	assert_output_has "sshd: keepalive off"
	assert_value exclusion.status 125
}

@test "a group-writable /etc/kashim.conf is ignored, said in one line" {
	in_host "conf '$HOST_CONF'
		chmod 664 /etc/kashim.conf
		\$D/kashim --host on >/dev/null 2>&1
		(exec -c \$D/probe secure)"
	assert_status 0
	assert_value accepted.keepalive 1
	assert_value accepted.idle "$(system_default keepalive_time)"
	[ "$(printf '%s\n' "$stderr" | grep -c .)" = 1 ] || flunk "not one line"
	[[ $stderr == *"/etc/kashim.conf is writable by its group or others; ignored"* ]] ||
		flunk "no word about the file"
}

@test "reading the file (sections, a bad line, a bad value) allocates nothing; a missing one costs one failed open" {
	in_host "conf '$HOST_CONF
KASHIM_IDLE=3
[probe]
KASHIM_KEEPCNT=0'
		LD_PRELOAD=\$D/alloc-count.so ALLOC_COUNT_FILE=\$D/without \$D/probe pair >/dev/null
		LD_PRELOAD=\"\$D/alloc-count.so \$D/libkashim.so\" ALLOC_COUNT_FILE=\$D/with \$D/probe pair
		sed 's/^/without./' \$D/without; sed 's/^/with./' \$D/with
		rm /etc/kashim.conf
		strace -f -o \$D/trace env -i LD_PRELOAD=\$D/libkashim.so \$D/probe unix >/dev/null
		grep -c kashim.conf \$D/trace | sed 's/^/mentions=/'
		grep kashim.conf \$D/trace | sed 's/^[0-9]* */call=/'"
	assert_status 0
	assert_value accepted.idle 41
	assert_value accepted.cnt "$(system_default keepalive_probes)"
	[ -n "$(value_of without.allocations)" ] || flunk "no count"
	assert_value with.allocations "$(value_of without.allocations)"
	[[ $stderr == *"/etc/kashim.conf:9: KASHIM_KEEPCNT=\"0\" is out of range"* ]] || flunk "no word about the value"
	[[ $stderr == *"/etc/kashim.conf:7: \"KASHIM_IDLE=3\" does not name"* ]] || flunk "no word about the line"
	assert_value mentions 1
	[[ $(value_of call) == *'"/etc/kashim.conf", O_RDONLY'*'= -1 ENOENT'* ]] || flunk "not one failed open"
}

@test "kashim COMMAND reads the file too: no note about timers it sets, and a static program supervised takes them" {
	local port
	port=$(free_port)
	in_host "conf '$HOST_CONF'
		env -i \$D/kashim \$D/probe pair 2>&1 | sed 's/^/launched./'
		rm /etc/kashim.conf
		env -i \$D/kashim \$D/probe pair 2>&1 | grep -c 'no timer set' | sed 's/^/control.notes=/'
		conf '$HOST_CONF'
		env -i \$D/kashim \$D/static-peer serve $port >/dev/null &
		for i in \$(seq 50); do [ -n \"\$(ss -tlnH '( sport = :$port )')\" ] && break; sleep 0.1; done
		\$D/static-peer connect $port >/dev/null &
		for i in \$(seq 50); do [ -n \"\$(ss -tnH state established '( sport = :$port )')\" ] && break; sleep 0.1; done
		ss -tnoH state established '( sport = :$port )' | grep -o 'keepalive,[0-9.]*' | sed 's/keepalive,/static.timer=/'
		kill %1 %2 2>/dev/null; wait"
	assert_value launched.accepted.idle 41
	assert_output_lacks "no timer set"
	assert_value control.notes 1
	local timer
	timer=$(value_of static.timer)
	[ -n "$timer" ] && [ "${timer%%.*}" -le 41 ] && [ "${timer%%.*}" -ge 35 ] ||
		flunk "the supervised static server's timer is '$timer', not about 41 s"
}
