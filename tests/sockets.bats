#!/usr/bin/env bats
# Options read back with getsockopt from real sockets made under the shim.

load helpers/common

@test "control: without the shim no socket has keepalive" {
	run "$SOCKPROBE" pair
	assert_status 0
	assert_untouched connected
	assert_untouched accepted
}

@test "IPv4: accepted and connected sockets carry every option" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair
	assert_status 0
	assert_configured connected
	assert_configured accepted
	assert_value accept.family 2
	assert_value accept.addrlen 16
}

@test "IPv6: accepted and connected sockets carry every option" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair -6
	assert_status 0
	assert_configured connected
	assert_configured accepted
	assert_value accept.family 10
	assert_value accept.addrlen 28
}

@test "v4-mapped IPv6: both ends configured" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair -m
	assert_status 0
	assert_configured connected
	assert_configured accepted
}

@test "accept4 keeps SOCK_NONBLOCK and SOCK_CLOEXEC, and configures" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --accept4 nonblock,cloexec
	assert_configured accepted
	assert_value accepted.nonblock 1
	assert_value accepted.cloexec 1
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --accept4 none
	assert_configured accepted
	assert_value accepted.nonblock 0
	assert_value accepted.cloexec 0
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair -6 --accept4 cloexec
	assert_configured accepted
	assert_value accepted.nonblock 0
	assert_value accepted.cloexec 1
}

@test "non-blocking connect: EINPROGRESS reaches the caller and options are set" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --nonblock-connect
	assert_status 0
	assert_value connect.ret -1
	assert_value connect.errno 115 # EINPROGRESS
	assert_configured connected
}

@test "KASHIM_USER_TIMEOUT sets TCP_USER_TIMEOUT on both ends" {
	run under_shim KASHIM_USER_TIMEOUT=2500ms "$SOCKPROBE" pair
	assert_value connected.user_timeout 2500
	assert_value accepted.user_timeout 2500
	assert_value accepted.keepalive 1
	run under_shim KASHIM_KEEPIDLE=3 KASHIM_KEEPINTVL=2 KASHIM_KEEPCNT=4 KASHIM_USER_TIMEOUT=auto "$SOCKPROBE" pair
	assert_value connected.user_timeout 11000
	assert_value accepted.user_timeout 11000
}

@test "no timer configured: SO_KEEPALIVE alone, timers left at the system's" {
	run under_shim "$SOCKPROBE" pair
	assert_value connected.keepalive 1
	assert_value accepted.keepalive 1
	assert_value accepted.idle "$(system_default keepalive_time)"
	assert_value accepted.intvl "$(system_default keepalive_intvl)"
	assert_value accepted.cnt "$(system_default keepalive_probes)"
}

@test "unix stream sockets, connected and accepted, are never touched" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" unix
	assert_status 0
	assert_value connect.ret 0
	assert_value unix.connected.keepalive 0
	assert_value unix.accepted.keepalive 0
}

@test "a connected UDP socket is never touched" {
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" udp
	assert_status 0
	assert_value connect.ret 0
	assert_value udp.keepalive 0
}

@test "KASHIM_KEEPALIVE=off leaves every socket untouched" {
	run under_shim "${CONFIG[@]}" KASHIM_KEEPALIVE=off "$SOCKPROBE" pair
	assert_status 0
	assert_untouched connected
	assert_untouched accepted
}
