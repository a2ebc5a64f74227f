#!/usr/bin/env bats
# The listen hook: a configured listener hands its options to every socket
# accepted from it, however the accept is made (libc, raw syscall,
# io_uring), and such an accept costs kashim no call at all.

bats_require_minimum_version 1.5.0
load helpers/common

URINGPROBE=$BUILD/uringprobe

# run_uring [ARGS]: uringprobe, skipped (with the reason) where the kernel
# has no io_uring to offer.
run_uring() {
	if shim_is_musl && [ ! -x "$URINGPROBE" ]; then
		skip "no uringprobe in a musl build: liburing is built for glibc only"
	fi
	run "$@"
	if [ "$status" -eq 77 ]; then
		skip "io_uring is not available here: $output"
	fi
	assert_status 0
}

@test "the listener itself carries every option after listen" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair
	assert_status 0
	assert_configured listener
	assert_configured accepted
	run "$SOCKPROBE" pair
	assert_untouched listener
}

@test "an io_uring accept (IORING_OP_ACCEPT) inherits every option from the listener" {
	run_uring under_shim "${CONFIG[@]}" "$URINGPROBE"
	assert_value accepted.via io_uring
	assert_configured accepted
}

@test "control: io_uring accept without the shim, or from a listener made by raw syscall" {
	run_uring "$URINGPROBE"
	assert_untouched accepted
	# under the shim, but listening out of its sight: nothing to inherit
	run_uring under_shim "${CONFIG[@]}" "$URINGPROBE" --raw-listen
	assert_untouched accepted
}

@test "a raw syscall(SYS_accept4) inherits every option from the listener" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --raw-accept
	assert_status 0
	assert_configured accepted
	# control: raw listen and raw accept, so kashim sees neither
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --raw-accept --raw-listen
	assert_status 0
	assert_untouched accepted
	assert_configured connected
}

@test "a listener made out of kashim's sight: accept configures the accepted socket itself" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 "$SOCKPROBE" pair --raw-listen
	assert_status 0
	assert_untouched listener
	assert_configured accepted
	[[ $stderr == *'accept fd='*'<-127.0.0.1:'*' keepalive idle=31 intvl=7 cnt=4 user_timeout=59000ms'* ]] ||
		flunk "no debug line for the accepted socket: $stderr"
}

# calls_after_accept [VAR=VALUE]... -- [PAIR ARGS]: how many setsockopt and
# getsockname calls strace saw after the accept, under the shim with
# CONFIG. sockprobe itself makes neither after its accept.
calls_after_accept() {
	local trace=$BATS_TEST_TMPDIR/trace extra=()
	while [ "$1" != "--" ]; do extra+=("$1"); shift; done
	shift
	strace -qq -o "$trace" -e trace=listen,accept,accept4,setsockopt,getsockname \
		env LD_PRELOAD="$SHIM_PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		"${CONFIG[@]}" "${extra[@]}" "$SOCKPROBE" pair "$@" >/dev/null
	grep -q '^accept' "$trace" || { cat "$trace"; return 1; }
	sed -n '/^accept/,$p' "$trace" | grep -cE '^(setsockopt|getsockname)' || true
}

@test "an accept from a configured listener makes no call at all (strace)" {
	run calls_after_accept --
	[ "$output" = 0 ] || flunk "calls after accept"
	run calls_after_accept -- --accept4 cloexec
	[ "$output" = 0 ] || flunk "calls after accept4"
	# not even with the features that cost calls elsewhere
	run calls_after_accept KASHIM_PORTS=1-65535 KASHIM_POLICY=respect -- --port "$(free_port)"
	[ "$output" = 0 ] || flunk "calls after accept with KASHIM_PORTS and respect"
	# control: the same trace does see the calls made on an unmarked listener's socket
	run calls_after_accept -- --raw-listen
	[ "$output" = 5 ] || flunk "expected 5 setsockopt calls after accept"
	run calls_after_accept KASHIM_PORTS=1-65535 -- --raw-listen
	[ "$output" = 6 ] || flunk "expected getsockname and 5 setsockopt calls after accept"
}

@test "a listener's fd reused through accept or socket() loses its mark; reached by dup2 it does not (documented)" {
	local how
	for how in accepted direct; do
		run under_shim "${CONFIG[@]}" "$SOCKPROBE" reuse "$how"
		assert_status 0
		[ "$(value_of first.fd)" = "$(value_of last.fd)" ] || flunk "$how: the fd number was not reused"
		[ "$how" = direct ] || [ "$(value_of accepted.fd)" = "$(value_of first.fd)" ] ||
			flunk "the accepted socket took another number"
		assert_configured accepted
	done
	# LIMITATIONS in libkashim(7): a listener that lands on a marked number
	# without socket() or accept() handing it out is taken for the old one
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" reuse dup2
	assert_status 0
	[ "$(value_of first.fd)" = "$(value_of last.fd)" ] || flunk "the fd number was not reused"
	assert_untouched accepted
}

@test "glibc's __connect alias is covered" {
	if shim_is_musl; then
		skip "musl has no __connect alias: only glibc programs call it"
	fi
	run bash -c "nm -D --undefined-only '$SOCKPROBE' | grep -w __connect"
	assert_status 0
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --dunder-connect
	assert_status 0
	assert_configured connected
	run "$SOCKPROBE" pair --dunder-connect
	assert_status 0
	assert_untouched connected
}

@test "KASHIM_KEEPALIVE=off: listen leaves the listener alone too" {
	run under_shim "${CONFIG[@]}" KASHIM_KEEPALIVE=off "$SOCKPROBE" pair
	assert_status 0
	assert_untouched listener
	assert_untouched accepted
}
