#!/usr/bin/env bats
# The cases a wider run under real programs and small adversarial programs
# broke, one small program each (tests/helpers/edgeprobe.c), each against
# its control: the same program without kashim. The same cases with the
# real programs themselves are in tests/realprograms.bats.

bats_require_minimum_version 1.5.0
load helpers/common

# plain CMD...: run CMD without the shim; $plain is what it printed.
plain() {
	run "$@"
	assert_status 0
	plain=$output
}

@test "an address the kernel cannot read: EFAULT as without kashim, in every configuration" {
	local case setting
	for case in bad partial sendto; do
		plain "$EDGEPROBE" efault "$case"
		[ "$plain" = "$(printf 'ret=-1 errno=EFAULT\nafter.keepalive=0')" ] ||
			flunk "control: $case without the shim"
		for setting in KASHIM_KEEPALIVE=on KASHIM_DEBUG=1 KASHIM_PORTS=1-65535 KASHIM_POLICY=respect \
			"KASHIM_DEBUG=1 KASHIM_PORTS=1-65535"; do
			# shellcheck disable=SC2086 # a setting may be two variables
			run --separate-stderr under_shim "${CONFIG[@]}" $setting "$EDGEPROBE" efault "$case"
			[ "$status" -eq 0 ] && [ "$output" = "$plain" ] ||
				flunk "$case with $setting (a crash is status 139)"
		done
	done
}

@test "connect still adds no call besides the options (strace)" {
	trace=$BATS_TEST_TMPDIR/trace
	run strace -f -qq -o "$trace" -e trace=%network env LD_PRELOAD="$SHIM_PRELOAD" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "${CONFIG[@]}" "$SOCKPROBE" pair --raw-listen
	assert_status 0
	assert_configured connected
	output=$(sed -n '/^[0-9]* *connect(/,$p' "$trace" | sed -n '1,/^[0-9]* *accept/p')
	# connect, then kashim's setsockopt calls (one a timer in CONFIG, then
	# SO_KEEPALIVE), then accept
	[ "$(printf '%s\n' "$output" | grep -c 'setsockopt(')" -eq $((${#CONFIG[@]} + 1)) ] ||
		flunk "expected $((${#CONFIG[@]} + 1)) setsockopt"
	[ "$(printf '%s\n' "$output" | grep -cvE 'setsockopt\(|^[0-9]* *(connect|accept)')" -eq 0 ] ||
		flunk "another call on the connect path"
}

@test "a second listen leaves the listener as the program set it, under both policies" {
	local policy
	plain "$EDGEPROBE" relisten off
	assert_value accepted.keepalive 0
	plain "$EDGEPROBE" relisten own
	assert_value accepted.keepalive 1
	assert_value accepted.idle 77
	for policy in override respect; do
		run under_shim "${CONFIG[@]}" KASHIM_POLICY=$policy "$EDGEPROBE" relisten off
		assert_status 0
		assert_value accepted.keepalive 0
		run under_shim "${CONFIG[@]}" KASHIM_POLICY=$policy "$EDGEPROBE" relisten own
		assert_status 0
		assert_value accepted.keepalive 1
		assert_value accepted.idle 77
		# the rest stays as kashim's first listen set it
		assert_value accepted.intvl 7
		run under_shim "${CONFIG[@]}" KASHIM_POLICY=$policy "$EDGEPROBE" shutdown-listen
		assert_status 0
		assert_value accepted.keepalive 0
	done
}

@test "the completion check of a non-blocking connect keeps the program's choice" {
	plain "$EDGEPROBE" reconnect
	assert_value connected.keepalive 0
	run under_shim "${CONFIG[@]}" "$EDGEPROBE" reconnect
	assert_status 0
	assert_output_has "first.ret=-1 first.errno=EINPROGRESS"
	# the program turned keepalive off after the first connect
	assert_value connected.keepalive 0
	# what kashim set at the first connect is still there
	assert_value connected.idle 31
}

@test "a new socket on a closed socket's fd number is configured" {
	plain "$EDGEPROBE" fdreuse
	assert_untouched second
	run under_shim "${CONFIG[@]}" "$EDGEPROBE" fdreuse
	assert_status 0
	[ "$(value_of first.fd)" = "$(value_of second.fd)" ] || flunk "the number was not reused"
	assert_configured second
}

@test "connections queued before listen, accepted by threads at once: each configured" {
	plain "$EDGEPROBE" backlog 4 50
	assert_value accepted 100
	assert_value configured 0
	run under_shim "${CONFIG[@]}" "$EDGEPROBE" backlog 4 50
	assert_status 0
	# the 50 queued before listen were cloned unconfigured, the 50 after were not
	assert_value configured 100
}

@test "a signal handler's connect while kashim initialises on its thread: no hang" {
	local i
	# control: the handler's connects run, and fail with EBADF, without the shim
	run --separate-stderr timeout 10 env LD_PRELOAD="$RUNTIME_PRELOAD$EARLY_SIGNAL" "$SOCKPROBE" pair
	assert_status 0
	output=$stderr
	assert_value early_signal.wrong 0
	[ "$(value_of early_signal.calls)" -gt 0 ] || flunk "the timer never fired"
	# most runs hung in pthread_once before the fix
	for i in $(seq 1 20); do
		run --separate-stderr timeout 5 env LD_PRELOAD="$(early_first_preload "$EARLY_SIGNAL")" \
			"${CONFIG[@]}" "$SOCKPROBE" pair
		[ "$status" -ne 124 ] || flunk "run $i hung"
		assert_status 0
		assert_configured accepted
		output=$stderr
		assert_value early_signal.wrong 0
	done
}

# run_mptcp [VAR=VALUE]...: edgeprobe mptcp under the shim, or skip.
run_mptcp() {
	if [ "$(sysctl -n net.mptcp.enabled 2>/dev/null)" != 1 ]; then
		skip "this kernel has no MPTCP enabled (net.mptcp.enabled)"
	fi
	run "$@" "$EDGEPROBE" mptcp
	[ "$status" -ne 77 ] || skip "$output"
	assert_status 0
	assert_value client.protocol 262
}

@test "MPTCP with only KASHIM_USER_TIMEOUT: every option the kernel accepts" {
	run_mptcp
	assert_value connected.keepalive 0
	assert_value accepted.keepalive 0
	# MPTCP refuses TCP_USER_TIMEOUT: keepalive goes on all the same
	run_mptcp under_shim KASHIM_USER_TIMEOUT=5000
	assert_value listener.keepalive 1
	assert_value connected.keepalive 1
	assert_value accepted.keepalive 1
	run_mptcp under_shim "${CONFIG[@]}" KASHIM_USER_TIMEOUT=5000
	local side
	for side in connected accepted; do
		assert_value "$side.keepalive" 1
		assert_value "$side.idle" 31
		assert_value "$side.intvl" 7
		assert_value "$side.cnt" 4
	done
}

@test "a TCP Fast Open client (sendto or sendmsg with MSG_FASTOPEN) is configured" {
	local call
	for call in sendto sendmsg; do
		run "$EDGEPROBE" fastopen "$call"
		[ "$status" -ne 77 ] || skip "$output"
		assert_output_has "ret=1 errno=0"
		assert_untouched connected
		run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 "$EDGEPROBE" fastopen "$call"
		assert_status 0
		assert_output_has "ret=1 errno=0"
		assert_configured connected
		[[ $stderr == *"$call fd="*"->127.0.0.1:"*" keepalive idle=31"* ]] || flunk "no debug line: $stderr"
	done
}

@test "an ordinary send costs no call: UDP sendto under the shim (strace)" {
	trace=$BATS_TEST_TMPDIR/trace
	run strace -f -qq -o "$trace" -e trace=%network env LD_PRELOAD="$SHIM_PRELOAD" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "${CONFIG[@]}" "$EDGEPROBE" udpcost 50
	assert_status 0
	[ "$(grep -c '^[0-9]* *sendto(' "$trace")" -eq 50 ] || flunk "expected 50 sendto"
	output=$(sed -n '/^[0-9]* *sendto(/,$p' "$trace")
	[ "$(printf '%s\n' "$output" | grep -cvE '^[0-9]* *(sendto|recvfrom)\(')" -eq 0 ] ||
		flunk "calls besides the program's own sendto and recvfrom"
}

@test "KASHIM_DEBUG speaks of TCP sockets only: no line for UDP or unix sockets" {
	# control: a TCP socket in the same settings is reported
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 KASHIM_PORTS=22 "$SOCKPROBE" pair
	assert_status 0
	[[ $stderr == *'left alone: port not in KASHIM_PORTS'* ]] || flunk "control: no line for TCP: $stderr"
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 KASHIM_PORTS=22 "$SOCKPROBE" udp
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -vc 'loaded:')" -eq 0 ] || flunk "UDP reported: $stderr"
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 KASHIM_POLICY=respect "$EDGEPROBE" unix-keepalive
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -vc 'loaded:')" -eq 0 ] || flunk "unix reported: $stderr"
}

# The system calls the shim adds to sockprobe pair with SETTING, by name.
# strace sets the environment itself (-E), so that only sockprobe, built
# with the shim's C library, runs under LD_PRELOAD.
added_calls() {
	local trace=$BATS_TEST_TMPDIR/trace vars=() var
	# (LeakSanitizer cannot run under ptrace: off for these runs of an ASan build)
	local asan=(-E ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0")
	for var in LD_PRELOAD="$SHIM_PRELOAD" "${CONFIG[@]}" $1; do
		vars+=(-E "$var")
	done
	strace -f -qq -o "$trace.plain" "${asan[@]}" "$SOCKPROBE" pair >/dev/null
	strace -f -qq -o "$trace.shim" "${asan[@]}" "${vars[@]}" "$SOCKPROBE" pair >/dev/null 2>&1
	comm -13 <(sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$trace.plain" | sort -u) \
		<(sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$trace.shim" | sort -u)
}

@test "every system call the shim adds is named in LIMITATIONS, for seccomp filters" {
	local setting call seccomp
	seccomp=$(sed -n '/^\.SH LIMITATIONS/,/^\.SH SEE ALSO/p' "$KASHIM_ROOT/man/libkashim.7" |
		sed -n '/seccomp/,/^\.IP/p')
	[ -n "$seccomp" ] || flunk "no seccomp item in LIMITATIONS"
	for setting in KASHIM_KEEPALIVE=on KASHIM_DEBUG=1 KASHIM_PORTS=1-65535 KASHIM_POLICY=respect \
		KASHIM_USER_TIMEOUT=auto KASHIM_PROGRAMS=sockprobe KASHIM_KEEPIDLE=bad; do
		for call in $(added_calls "$setting"); do
			case $call in
			# the dynamic loader's, mapping one more library: before any filter
			mmap | mprotect | newfstatat | fstat | pread64 | munmap) ;;
			*) printf '%s\n' "$seccomp" | grep -qw "$call" ||
				flunk "$setting: the shim calls $call, which LIMITATIONS does not name" ;;
			esac
		done
	done
}

@test "more than 16 listeners with connections queued at listen: configured once each" {
	# nginx's so_keepalive=off: listen, keepalive off, listen again
	plain "$EDGEPROBE" manylisten 20
	assert_value listener.keepalive 0
	assert_value queued.keepalive 0
	local count
	for count in 4 20 100; do
		run under_shim "${CONFIG[@]}" "$EDGEPROBE" manylisten "$count"
		assert_status 0
		# the connection queued before the first listen is configured ...
		assert_value queued.keepalive 1
		# ... and the program's later choice stands for the listener and what it accepts
		assert_value listener.keepalive 0
		assert_value later.keepalive 0
	done
}

@test "a known limitation: a library loaded with RTLD_DEEPBIND connects out of kashim's reach" {
	[ -z "$RUNTIME_PRELOAD" ] || skip "the sanitizers' runtime refuses RTLD_DEEPBIND"
	run under_shim "${CONFIG[@]}" "$EDGEPROBE" deepbind off "$BUILD/libdeep-connect.so"
	[ "$status" -ne 77 ] || skip "$output"
	assert_status 0
	assert_configured connected
	# RTLD_DEEPBIND binds the library's connect to libc's own (libkashim(7) LIMITATIONS)
	run under_shim "${CONFIG[@]}" "$EDGEPROBE" deepbind on "$BUILD/libdeep-connect.so"
	assert_status 0
	assert_untouched connected
}
