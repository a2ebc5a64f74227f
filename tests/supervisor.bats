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
	local pid
	[ -z "${TMUX_NAME:-}" ] || tmux -L "$TMUX_NAME" kill-server 2>/dev/null || true
	# a kashim left stopped would never end
	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill -CONT "$pid" 2>/dev/null || true
	done
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

# stream_ends_in_time KIND WHAT: the program's standard streams are a
# pipe or a socket (KIND); its peer sees the end (WHAT, EOF or FIN) within
# a second of the program closing them, under kashim as without it (the
# control), not only when kashim exits 3 s later.
stream_ends_in_time() {
	local kind=$1 what=$2
	run python3 "$STREAM_END" "$kind" "$STATIC_PEER" hangup 3
	assert_value line bye
	[ "$(value_of end_ms)" -lt 1000 ] || flunk "control: $what late"
	run python3 "$STREAM_END" "$kind" "$KASHIM" --idle 60 -- "$STATIC_PEER" hangup 3
	assert_status 0
	assert_value line bye
	assert_value status 0
	[ "$(value_of end_ms)" -lt 1000 ] || flunk "$what only when kashim exited"
}

@test "a reader of the program's stdout sees EOF when the program closes it, not when kashim exits" {
	stream_ends_in_time pipe EOF
}

@test "an inetd-style socket on fds 0 and 1: its peer gets the FIN when the program closes them" {
	stream_ends_in_time socket FIN
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

# eintr_total: connect_eintr + listen_eintr of static-peer eintr's output.
eintr_total() {
	echo $(($(value_of connect_eintr) + $(value_of listen_eintr)))
}

@test "EINTR under a 1 kHz signal without SA_RESTART: bounded, and below a kernel without WAIT_KILLABLE_RECV (simulated)" {
	local count=4000 with without
	# control: the kernel alone never interrupts a listen or a non-blocking connect
	run "$STATIC_PEER" eintr "$count"
	assert_status 0
	assert_value connect_eintr 0
	assert_value listen_eintr 0
	[ "$(value_of ticks)" -ge 100 ] || flunk "control: too few signals"
	# before Linux 5.19 (no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
	run python3 "$DENY" seccomp_killable EINVAL "$KASHIM" --idle 60 -- "$STATIC_PEER" eintr "$count"
	assert_status 0
	without=$(eintr_total)
	run "$KASHIM" --idle 60 -- "$STATIC_PEER" eintr "$count"
	assert_status 0
	[ "$(value_of ticks)" -ge 100 ] || flunk "too few signals"
	with=$(eintr_total)
	echo "# EINTR in $((2 * count)) calls: $with, $without without WAIT_KILLABLE_RECV" >&3
	# about 1% here (the window before kashim receives a call), 2-3% before
	[ "$with" -le $((2 * count * 2 / 100)) ] || flunk "EINTR in $with of $((2 * count)) calls (over 2%)"
	[ $((4 * with)) -lt $((3 * without)) ] ||
		flunk "EINTR in $with calls, $without without WAIT_KILLABLE_RECV: not narrowed"
}

# last_connect LOG: the last connect=N static-peer reconnect printed to LOG.
last_connect() {
	sed -n 's/^connect=//p' "$1" | tail -n 1
}

# connects_past LOG N: it has connected again since connect=N.
connects_past() {
	[ "$(last_connect "$1")" -gt "$2" ]
}

@test "kill -STOP, then kill -CONT of the program's own PID: it keeps connecting; control without kashim" {
	local sig how log target before
	for sig in STOP TSTP; do
		for how in control kashim; do
			PORT=$(free_port)
			start_listener "$PORT"
			log=$BATS_TEST_TMPDIR/$how-$sig.log
			if [ "$how" = control ]; then
				"$STATIC_PEER" reconnect "$PORT" >"$log" 2>&1 3>&- </dev/null &
				BACKGROUND_PIDS+=($!)
				target=$!
			else
				"$KASHIM" --idle 61 -- "$STATIC_PEER" reconnect "$PORT" >"$log" 2>&1 3>&- </dev/null &
				BACKGROUND_PIDS+=($!)
				wait_until 5 command_pid >/dev/null || flunk "no program"
				target=$(command_pid)
			fi
			wait_until 5 grep -q connect= "$log" || flunk "$how: not connecting"
			kill -"$sig" "$target"
			sleep 0.5
			before=$(last_connect "$log")
			if [ "$sig" = STOP ]; then
				sleep 0.3
				[ "$(last_connect "$log")" = "$before" ] || flunk "$how: SIGSTOP did not stop it"
			fi
			kill -CONT "$target"
			wait_until 3 connects_past "$log" "$before" ||
				flunk "$how $sig: no connect since connect=$before after kill -CONT (kashim: $(ps -o stat= -p "${BACKGROUND_PIDS[-1]}"))"
			[[ "$(ps -o stat= -p "${BACKGROUND_PIDS[-1]}")" != T* ]] || flunk "$how $sig: left stopped"
			stop_background
		done
	done
}

# In a tmux session's interactive bash: tmux_keys KEY..., tmux_screen.
tmux_keys() {
	tmux -L "$TMUX_NAME" send-keys -t job "$@"
}

tmux_screen() {
	tmux -L "$TMUX_NAME" capture-pane -p -t job -S -50
}

# job_control SHELL PREFIX...: in an interactive SHELL, run PREFIX
# static-peer reconnect, stop it with Ctrl-Z, bg, fg, Ctrl-Z, fg; prints
# how the shell reported the stop ("stopped=Stopped (signal)"), checking
# at each step that the program goes on (or not).
job_control() {
	local log=$BATS_TEST_TMPDIR/job.log shell=$1 before
	shift
	TMUX_NAME=kashim-test-$$-$BATS_TEST_NUMBER
	rm -f "$log"
	tmux -L "$TMUX_NAME" -f /dev/null new-session -d -s job -x 200 -y 50 "env PS1='$ ' $shell"
	tmux_keys "$* $STATIC_PEER reconnect $PORT >$log" Enter
	wait_until 5 grep -q connect= "$log" || flunk "not connecting: $(tmux_screen)"
	tmux_keys C-z
	wait_until 5 bash -c "tmux -L '$TMUX_NAME' capture-pane -p -t job | grep -q 'Stopped'" ||
		flunk "no job stopped: $(tmux_screen)"
	echo "stopped=$(tmux_screen | grep -o 'Stopped\( (signal)\|(SIG[A-Z]*)\)\{0,1\}' | head -n 1)"
	before=$(last_connect "$log")
	sleep 0.3
	[ "$(last_connect "$log")" = "$before" ] || flunk "still connecting once stopped"
	tmux_keys bg Enter
	wait_until 3 connects_past "$log" "$before" || flunk "not going on after bg: $(tmux_screen)"
	tmux_keys fg Enter
	sleep 0.3
	tmux_keys C-z
	sleep 0.5
	before=$(last_connect "$log")
	sleep 0.3
	[ "$(last_connect "$log")" = "$before" ] || flunk "still connecting once stopped again"
	tmux_keys fg Enter
	wait_until 3 connects_past "$log" "$before" || flunk "not going on after fg: $(tmux_screen)"
	tmux_keys C-c
	tmux_keys "exit" Enter
	wait_until 5 bash -c "! tmux -L '$TMUX_NAME' has-session 2>/dev/null" || flunk "the shell did not end"
}

@test "job control in an interactive shell (tmux): Ctrl-Z reports SIGTSTP, as without kashim; bg and fg go on" {
	command -v tmux >/dev/null || skip "no tmux"
	start_listener "$PORT"
	# dash says "Stopped (signal)" for SIGSTOP, bash --posix "Stopped(SIGSTOP)"
	run job_control "dash -i"
	assert_status 0
	assert_value stopped Stopped
	run job_control "dash -i" "$KASHIM" --idle 61 --
	assert_status 0
	assert_value stopped Stopped
	run job_control "bash --posix --norc --noprofile -i"
	assert_status 0
	assert_value stopped "Stopped(SIGTSTP)"
	run job_control "bash --posix --norc --noprofile -i" "$KASHIM" --idle 61 --
	assert_status 0
	assert_value stopped "Stopped(SIGTSTP)"
}
