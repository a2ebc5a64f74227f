#!/usr/bin/env bats
# Differential: the same call with and without the shim must return the same
# value and leave the same errno. The shim is configured, so it does work.

load helpers/common

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
