#!/usr/bin/env bats
# Seen from outside the process: ss -tno shows the kernel's keepalive timer
# on connections of real, unmodified programs run under the shim.

load helpers/common

setup() {
	PORT=$(free_port)
}

teardown() {
	stop_background
}

@test "python3 -m http.server under the shim: accepted connections get the timer" {
	skip_unless_loadable python3 -c pass
	start_listener "$PORT" under_shim KASHIM_KEEPIDLE=77 python3 -m http.server --bind 127.0.0.1 "$PORT"
	# a client that connects and says nothing keeps the request open
	start_idle_client "$PORT"
	assert_timer_near "( sport = :$PORT )" 77
	# the client ran without the shim: no timer on its side
	[ -z "$(ss_keepalive_seconds "( dport = :$PORT )")" ] || flunk "client side has a timer without the shim"
}

@test "control: python3 -m http.server without the shim has no keepalive timer" {
	start_listener "$PORT" python3 -m http.server --bind 127.0.0.1 "$PORT"
	start_idle_client "$PORT"
	wait_until 5 established "( sport = :$PORT )" || flunk "no connection"
	run ss -tnoH state established "( sport = :$PORT )"
	assert_output_lacks "keepalive"
}

@test "curl as a client: the shim's idle replaces curl's own 60 s" {
	skip_unless_loadable curl -s file:///dev/null
	start_listener "$PORT"
	start_background under_shim KASHIM_KEEPIDLE=90 curl -s --max-time 20 "http://127.0.0.1:$PORT/"
	assert_timer_near "( dport = :$PORT )" 90
}

@test "socat as a client" {
	skip_unless_loadable socat -V
	start_listener "$PORT"
	start_background bash -c "sleep 20 | env LD_PRELOAD='$SHIM_PRELOAD' KASHIM_KEEPIDLE=91 socat - TCP:127.0.0.1:$PORT"
	assert_timer_near "( dport = :$PORT )" 91
}

@test "ncat as a client" {
	skip_unless_loadable ncat --version
	start_listener "$PORT"
	start_background bash -c "sleep 20 | env LD_PRELOAD='$SHIM_PRELOAD' KASHIM_KEEPIDLE=92 ncat 127.0.0.1 $PORT"
	assert_timer_near "( dport = :$PORT )" 92
}

@test "bash's /dev/tcp as a client" {
	skip_unless_loadable bash -c true
	start_listener "$PORT"
	start_idle_client "$PORT" KASHIM_KEEPIDLE=93
	assert_timer_near "( dport = :$PORT )" 93
}

@test "control: bash's /dev/tcp without the shim has no keepalive timer" {
	start_listener "$PORT"
	start_idle_client "$PORT"
	wait_until 5 established "( dport = :$PORT )" || flunk "no connection"
	[ -z "$(ss_keepalive_seconds "( dport = :$PORT )")" ] || flunk "a timer without the shim"
}
