#!/usr/bin/env bats
# Differential: the same call with and without the shim must return the same
# value and leave the same errno. The shim is configured, so it does work.

load helpers/common

bats_require_minimum_version 1.5.0

same_with_and_without() { # CASE
	run "$SOCKPROBE" errno "$1"
	[ "$status" -eq 0 ] || flunk "probe failed without the shim"
	local plain
	plain=$(printf '%s\n' "$output" | grep '^ret=')
	run under_shim KASHIM_KEEPIDLE=9 KASHIM_KEEPCNT=2 KASHIM_USER_TIMEOUT=3s "$SOCKPROBE" errno "$1"
	[ "$status" -eq 0 ] || flunk "probe failed under the shim"
	local shimmed
	shimmed=$(printf '%s\n' "$output" | grep '^ret=')
	[ -n "$plain" ] && [ "$plain" = "$shimmed" ] ||
		flunk "$1: without the shim '$plain', with it '$shimmed'"
	[ -z "${2:-}" ] || [ "$plain" = "$2" ] || flunk "$1: expected '$2', got '$plain'"
}

@test "accept on a file that is not a socket: ENOTSOCK" {
	same_with_and_without accept-notsock "ret=-1 errno=ENOTSOCK"
}

@test "accept on a bad fd: EBADF" {
	same_with_and_without accept-badfd "ret=-1 errno=EBADF"
}

@test "accept on a non-blocking listener with nothing pending: EAGAIN" {
	same_with_and_without accept-eagain "ret=-1 errno=EAGAIN"
	same_with_and_without accept4-eagain "ret=-1 errno=EAGAIN"
}

@test "accept4 with bad flags: EINVAL" {
	if shim_is_musl; then
		skip "musl's accept4 retries a refused call as a blocking accept(), shim or not"
	fi
	same_with_and_without accept4-badflags "ret=-1 errno=EINVAL"
}

@test "a refused connect: ECONNREFUSED" {
	same_with_and_without connect-refused "ret=-1 errno=ECONNREFUSED"
}

@test "a non-blocking connect: EINPROGRESS" {
	same_with_and_without connect-inprogress "ret=-1 errno=EINPROGRESS"
}

@test "connect on a connected socket: EISCONN" {
	same_with_and_without connect-eisconn "ret=-1 errno=EISCONN"
}

@test "connect with AF_UNSPEC: same result, socket left untouched" {
	same_with_and_without connect-unspec "ret=0 errno=0"
	run under_shim KASHIM_KEEPIDLE=9 "$SOCKPROBE" errno connect-unspec
	assert_value after.keepalive 0
}

@test "connect with a NULL address: same result, socket left untouched" {
	same_with_and_without connect-null
	run under_shim KASHIM_KEEPIDLE=9 "$SOCKPROBE" errno connect-null
	assert_value after.keepalive 0
}

@test "connect on a bad fd and on a non-socket: EBADF, ENOTSOCK" {
	same_with_and_without connect-badfd "ret=-1 errno=EBADF"
	same_with_and_without connect-notsock "ret=-1 errno=ENOTSOCK"
}

@test "a successful accept, accept4, connect or listen leaves the caller's errno alone" {
	local call
	for call in accept accept4 connect listen; do
		run "$SOCKPROBE" errno-kept "$call"
		[ "$output" = "ok=1 errno=kept keepalive=0" ] || flunk "$call without the shim"
		# the shim did its work (keepalive=1), and errno is still the caller's
		run under_shim KASHIM_KEEPIDLE=9 KASHIM_USER_TIMEOUT=auto "$SOCKPROBE" errno-kept "$call"
		[ "$output" = "ok=1 errno=kept keepalive=1" ] || flunk "$call under the shim"
	done
}

# errno_matrix CASE...: each case of `sockprobe errno-all` (errno set to a
# sentinel before the call) must print the same return value and errno
# with and without the shim; under the shim every case named in
# $CONFIGURED must show keepalive=1 (the shim did its work, so it had
# errno to lose), every other keepalive=0 or -1.
errno_matrix() {
	run --separate-stderr "$SOCKPROBE" errno-all "$@"
	assert_status 0
	local plain=$output
	run --separate-stderr under_shim KASHIM_KEEPIDLE=9 KASHIM_KEEPCNT=2 KASHIM_USER_TIMEOUT=3s \
		"$SOCKPROBE" errno-all "$@"
	assert_status 0
	local shimmed=$output line name
	[ "$(printf '%s\n' "$plain" | wc -l)" -eq $# ] || flunk "expected $# lines: $plain"
	[ "$(printf '%s\n' "$plain" | sed 's/ keepalive=.*//')" = \
		"$(printf '%s\n' "$shimmed" | sed 's/ keepalive=.*//')" ] ||
		flunk "$(printf 'without the shim:\n%s\nwith it:\n%s' "$plain" "$shimmed")"
	while read -r line; do
		name=${line%% *}
		if [[ " $CONFIGURED " == *" $name "* ]]; then
			[[ $line == *" keepalive=1" ]] || flunk "$name not configured: $line"
		else
			[[ $line != *" keepalive=1" ]] || flunk "$name configured: $line"
		fi
	done <<<"$shimmed"
}

@test "errno with a sentinel around every call, TCP, UDP, unix and a closed fd, success and failure" {
	CONFIGURED="listen-tcp listen-unbound accept-tcp accept-tcp-raw accept4-tcp-raw connect-tcp"
	# client Fast Open (bit 1 of net.ipv4.tcp_fastopen, the default) starts a connection
	if (($(sysctl -n net.ipv4.tcp_fastopen) & 1)); then
		CONFIGURED+=" sendto-tcp sendmsg-tcp"
	fi
	errno_matrix socket-tcp socket-udp socket-unix socket-bad \
		listen-tcp listen-unbound listen-unix listen-udp listen-closed \
		accept-tcp accept-tcp-raw accept4-tcp-raw accept-unix-raw accept4-unix-raw \
		accept-eagain accept-closed \
		connect-tcp connect-refused connect-udp connect-unix connect-closed \
		sendto-tcp sendto-udp sendto-unix sendto-closed sendmsg-tcp sendmsg-udp sendmsg-closed
	# the unix and UDP cases are where a failed setsockopt leaves an errno behind
	assert_output_has "listen-unix ret=0 errno=kept"
	assert_output_has "accept-unix-raw ret=0 errno=kept"
	assert_output_has "connect-udp ret=0 errno=kept"
	assert_output_has "sendto-udp ret=1 errno=kept"
}

@test "errno with a sentinel around every call on MPTCP, where kashim's TCP_USER_TIMEOUT fails" {
	if [ "$(sysctl -n net.mptcp.enabled 2>/dev/null)" != 1 ]; then
		skip "this kernel has no MPTCP enabled (net.mptcp.enabled)"
	fi
	CONFIGURED="listen-mptcp accept-mptcp accept-mptcp-raw connect-mptcp"
	if (($(sysctl -n net.ipv4.tcp_fastopen) & 1)); then
		CONFIGURED+=" sendto-mptcp"
	fi
	errno_matrix socket-mptcp listen-mptcp accept-mptcp accept-mptcp-raw connect-mptcp sendto-mptcp
	assert_output_has "listen-mptcp ret=0 errno=kept"
	assert_output_has "accept-mptcp-raw ret=0 errno=kept"
}
