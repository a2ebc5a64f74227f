#!/usr/bin/env bats
# The seccomp supervisor as a parent (kashim -- STATIC_PROGRAM): job
# control and stop signals, calls interrupted by signals, the caller's
# standard streams, and a program whose main thread has ended. Each
# against the same program without kashim.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

STATIC_PEER=$BUILD/static-peer
DENY=$KASHIM_ROOT/tests/helpers/deny_syscall.py
STREAM_END=$KASHIM_ROOT/tests/helpers/stream_end.py

setup() {
	PORT=$(free_port)
}

teardown() {
	stop_background
}

# The process kashim (the last background command) runs COMMAND in.
command_pid() {
	pgrep -P "${BACKGROUND_PIDS[-1]}"
}

@test "main thread ended (pthread_exit): a later thread's connection is configured; control without kashim" {
	start_listener "$PORT"
	start_background "$STATIC_PEER" leader-exit "$PORT"
	wait_until 5 established "( dport = :$PORT )" || flunk "control: no connection"
	output=$(ss -tnoH state established "( dport = :$PORT )")
	[ -z "$(ss_keepalive_seconds "( dport = :$PORT )")" ] || flunk "control: a keepalive timer without kashim"
	stop_background

	start_listener "$PORT"
	start_background "$KASHIM" --idle 61 -- "$STATIC_PEER" leader-exit "$PORT"
	assert_timer_near "( dport = :$PORT )" 61
	# the program's first thread had ended before it connected
	output=$(cat "/proc/$(command_pid)/stat")
	[[ "$output" == *") Z "* ]] || flunk "the main thread is still there"
}

@test "main thread ended, on a kernel without PIDFD_THREAD (simulated): one line says so, even without --debug" {
	start_listener "$PORT"
	run --separate-stderr timeout 5 python3 "$DENY" pidfd_open_thread EINVAL \
		"$KASHIM" --idle 61 -- "$STATIC_PEER" leader-exit "$PORT"
	[[ "$stderr" == *"cannot reach the sockets of pid "*" (pidfd_getfd: its first thread has ended, and before Linux 6.9 (PIDFD_THREAD) no other thread can be reached): its connections go without keepalive"* ]] ||
		flunk "no plain line: $stderr"
	# control: threads on such a kernel are reached while the first lives
	run --separate-stderr timeout 3 python3 "$DENY" pidfd_open_thread EINVAL \
		"$KASHIM" --idle 61 -- "$STATIC_PEER" threads "$PORT"
	[ -z "$stderr" ] || flunk "a line for a live first thread: $stderr"
}

@test "a reader of the program's stdout sees EOF when the program closes it, not when kashim exits" {
	run python3 "$STREAM_END" pipe "$STATIC_PEER" hangup 3
	assert_value line bye
	[ "$(value_of end_ms)" -lt 1000 ] || flunk "control: EOF late"
	run python3 "$STREAM_END" pipe "$KASHIM" --idle 60 -- "$STATIC_PEER" hangup 3
	assert_status 0
	assert_value line bye
	assert_value status 0
	[ "$(value_of end_ms)" -lt 1000 ] || flunk "EOF only when kashim exited"
}

@test "an inetd-style socket on fds 0 and 1: its peer gets the FIN when the program closes them" {
	run python3 "$STREAM_END" socket "$STATIC_PEER" hangup 3
	assert_value line bye
	[ "$(value_of end_ms)" -lt 1000 ] || flunk "control: FIN late"
	run python3 "$STREAM_END" socket "$KASHIM" --idle 60 -- "$STATIC_PEER" hangup 3
	assert_status 0
	assert_value line bye
	assert_value status 0
	[ "$(value_of end_ms)" -lt 1000 ] || flunk "FIN only when kashim exited"
}

@test "kashim holds none of the caller's fds 0, 1, 2 (with --debug, fd 2 for its lines)" {
	local fd
	start_listener "$PORT"
	start_background "$KASHIM" --idle 61 -- "$STATIC_PEER" threads "$PORT"
	wait_until 5 grep -q connected "$BATS_TEST_TMPDIR/background.log" || flunk "not connected"
	for fd in 0 1 2; do
		[ "$(readlink "/proc/${BACKGROUND_PIDS[-1]}/fd/$fd")" = /dev/null ] ||
			flunk "kashim holds fd $fd: $(readlink "/proc/${BACKGROUND_PIDS[-1]}/fd/$fd")"
	done
	# control: the program's own are the caller's
	[ "$(readlink "/proc/$(command_pid)/fd/1")" = "$BATS_TEST_TMPDIR/background.log" ] ||
		flunk "the program's stdout"
	stop_background

	start_listener "$PORT"
	start_background "$KASHIM" --debug --idle 61 -- "$STATIC_PEER" threads "$PORT"
	wait_until 5 grep -q connected "$BATS_TEST_TMPDIR/background.log" || flunk "not connected"
	[ "$(readlink "/proc/${BACKGROUND_PIDS[-1]}/fd/1")" = /dev/null ] || flunk "--debug: fd 1 held"
	[ "$(readlink "/proc/${BACKGROUND_PIDS[-1]}/fd/2")" = "$BATS_TEST_TMPDIR/background.log" ] ||
		flunk "--debug: fd 2 not kept"
	output=$(cat "$BATS_TEST_TMPDIR/background.log")
	assert_output_has ": connect fd=3 ->127.0.0.1:$PORT keepalive idle=61"
}
