#!/usr/bin/env bats
# Static programs under kashim: LD_PRELOAD cannot reach them, so kashim
# stays as their parent and configures each listen and connect through
# seccomp user notification. Values are read from outside the process
# (kashim-inspect, ss), each against the same program without kashim.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

STATIC_PEER=$BUILD/static-peer
DENY=$KASHIM_ROOT/tests/helpers/deny_syscall.py

setup() {
	PORT=$(free_port)
	MARKER=$BATS_TEST_TMPDIR/started
	DAEMON_PID=
}

teardown() {
	[ -z "$DAEMON_PID" ] || kill "$DAEMON_PID" 2>/dev/null || true
	stop_background
}

# inspect_options PID STATE: "keepalive=B idle=I intvl=N cnt=C" of PID's
# first TCP socket in STATE, as kashim-inspect reads it from outside;
# fails when PID has no such socket.
inspect_options() {
	"$KASHIM_INSPECT" --json "$1" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["processes"]:
    for s in p["sockets"]:
        if s["state"] == sys.argv[1] and s["options"]:
            o = s["options"]
            print("keepalive=%d idle=%d intvl=%d cnt=%d" % (o["keepalive"], o["keepidle"], o["keepintvl"], o["keepcnt"]))
            sys.exit(0)
sys.exit(1)' "$2"
}

# The process kashim (the last background command) runs COMMAND in.
command_pid() {
	pgrep -P "${BACKGROUND_PIDS[-1]}"
}

listening() {
	[ -n "$(ss -tlnH "( sport = :$PORT )")" ]
}

# serve [KASHIM ARG...]: static-peer serve PORT behind them; waits for the
# listener, connects one client (without kashim) and waits for it.
serve() {
	start_background "$@" "$STATIC_PEER" serve "$PORT"
	wait_until 5 listening || flunk "the static server is not listening"
	start_background "$STATIC_PEER" connect "$PORT"
	wait_until 5 established "( sport = :$PORT )" || flunk "no connection"
	SERVER_PID=$(pgrep -f -n "^$STATIC_PEER serve $PORT\$")
}

@test "static-peer is a static executable (no ELF interpreter)" {
	run readelf -lW "$STATIC_PEER"
	assert_status 0
	assert_output_lacks "INTERP"
}

@test "a static server: listener and first accepted connection configured, read from outside" {
	serve "$KASHIM" --idle 71 --interval 7 --count 4 --
	assert_timer_near "( sport = :$PORT )" 71
	[ "$(pgrep -P "${BACKGROUND_PIDS[0]}")" = "$SERVER_PID" ] || flunk "the server is not kashim's child"
	run inspect_options "$SERVER_PID" LISTEN
	assert_status 0
	[ "$output" = "keepalive=1 idle=71 intvl=7 cnt=4" ] || flunk "listener"
	run inspect_options "$SERVER_PID" ESTABLISHED
	assert_status 0
	[ "$output" = "keepalive=1 idle=71 intvl=7 cnt=4" ] || flunk "first accepted connection"
	# the client ran without kashim
	[ -z "$(ss_keepalive_seconds "( dport = :$PORT )")" ] || flunk "the client has a timer"
}

@test "control: the same static server without kashim is unconfigured" {
	serve
	run inspect_options "$SERVER_PID" ESTABLISHED
	assert_status 0
	[ "$output" = "keepalive=0 idle=$(system_default keepalive_time) intvl=$(system_default keepalive_intvl) cnt=$(system_default keepalive_probes)" ] ||
		flunk "options without kashim"
}

@test "control: --mode=preload leaves a static server unconfigured (LD_PRELOAD cannot reach it)" {
	serve "$KASHIM" --mode=preload --idle 71 --
	run inspect_options "$SERVER_PID" ESTABLISHED
	assert_status 0
	assert_output_has "keepalive=0"
}

@test "a static client: its first connection configured; control without kashim" {
	start_background python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$PORT"
	wait_until 10 listening || flunk "hold_server.py is not listening"
	start_background "$KASHIM" --idle 72 --interval 8 --count 5 -- "$STATIC_PEER" connect "$PORT"
	wait_until 5 established "( dport = :$PORT )" || flunk "no connection"
	run inspect_options "$(command_pid)" ESTABLISHED
	assert_status 0
	[ "$output" = "keepalive=1 idle=72 intvl=8 cnt=5" ] || flunk "client connection"
	assert_timer_near "( dport = :$PORT )" 72
	stop_background

	start_background python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$PORT"
	wait_until 10 listening || flunk "hold_server.py is not listening"
	start_background "$STATIC_PEER" connect "$PORT"
	wait_until 5 established "( dport = :$PORT )" || flunk "no connection"
	run inspect_options "${BACKGROUND_PIDS[-1]}" ESTABLISHED
	assert_status 0
	assert_output_has "keepalive=0"
}

@test "a connection made by a second thread is configured" {
	start_background python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$PORT"
	wait_until 10 listening || flunk "hold_server.py is not listening"
	start_background "$KASHIM" --idle 73 -- "$STATIC_PEER" threads "$PORT"
	assert_timer_near "( dport = :$PORT )" 73
}

@test "a daemon that forks: kashim returns COMMAND's status, and serves the daemon until it exits" {
	start_background python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$PORT"
	wait_until 10 listening || flunk "hold_server.py is not listening"
	run --separate-stderr timeout 10 "$KASHIM" --debug --idle 74 -- "$STATIC_PEER" fork "$PORT"
	assert_status 0
	DAEMON_PID=$(value_of daemon)
	[ -n "$DAEMON_PID" ] || flunk "no daemon pid"
	assert_timer_near "( dport = :$PORT )" 74
	local stayed
	stayed=$(printf '%s\n' "$stderr" | sed -n 's/^kashim\[\([0-9]*\)[^]]*\]: COMMAND has exited; serving.*/\1/p')
	[ -n "$stayed" ] || flunk "no background supervisor announced"
	kill -0 "$stayed" || flunk "the background supervisor is gone while the daemon runs"
	kill "$DAEMON_PID"
	# gone (or a zombie of an init that does not reap) once the daemon is
	wait_until 5 bash -c "! kill -0 $stayed 2>/dev/null || grep -q '^State:.*Z' /proc/$stayed/status" ||
		flunk "the background supervisor outlived the daemon"
}

@test "configured once: a second listen leaves the program's own choice (nginx's pattern)" {
	start_background "$KASHIM" --debug --idle 75 --interval 7 --count 4 -- "$STATIC_PEER" relisten "$PORT"
	# "listening" comes after the second listen
	wait_until 5 grep -qx listening "$BATS_TEST_TMPDIR/background.log" || flunk "not listening"
	# from outside: the first listen was configured (idle 75 stays when the
	# program turns SO_KEEPALIVE off), the second one did not turn it back on
	run inspect_options "$(command_pid)" LISTEN
	assert_status 0
	[ "$output" = "keepalive=0 idle=75 intvl=7 cnt=4" ] || flunk "listener seen from outside"
	start_background "$STATIC_PEER" connect "$PORT"
	wait_until 5 grep -q accepted.keepalive "$BATS_TEST_TMPDIR/background.log" ||
		flunk "relisten did not report"
	output=$(cat "$BATS_TEST_TMPDIR/background.log")
	assert_value accepted.keepalive 0
	assert_output_has "listen fd=3 127.0.0.1:$PORT keepalive idle=75"
	assert_output_has "listen fd=3 configured at an earlier call: left as the program set it"
}

@test "KASHIM_PORTS and KASHIM_PROGRAMS apply to supervised programs as to preloaded ones" {
	start_background python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$PORT"
	wait_until 10 listening || flunk "hold_server.py is not listening"
	start_background env KASHIM_PORTS=$((PORT == 65535 ? 1 : PORT + 1)) \
		"$KASHIM" --idle 76 -- "$STATIC_PEER" connect "$PORT"
	wait_until 5 established "( dport = :$PORT )" || flunk "no connection"
	run inspect_options "$(command_pid)" ESTABLISHED
	assert_status 0
	assert_output_has "keepalive=0"
	start_background env KASHIM_PORTS=$PORT KASHIM_PROGRAMS=static-peer \
		"$KASHIM" --idle 76 -- "$STATIC_PEER" connect "$PORT"
	wait_until 5 bash -c "[ \$(ss -tnH state established '( dport = :$PORT )' | wc -l) -eq 2 ]" ||
		flunk "no second connection"
	run inspect_options "$(command_pid)" ESTABLISHED
	assert_status 0
	assert_output_has "keepalive=1 idle=76"
	start_background env KASHIM_PROGRAMS=!static-peer \
		"$KASHIM" --idle 76 -- "$STATIC_PEER" connect "$PORT"
	wait_until 5 bash -c "[ \$(ss -tnH state established '( dport = :$PORT )' | wc -l) -eq 3 ]" ||
		flunk "no third connection"
	run inspect_options "$(command_pid)" ESTABLISHED
	assert_status 0
	assert_output_has "keepalive=0"
}

@test "--mode=seccomp supervises a dynamic program too, without LD_PRELOAD" {
	run "$KASHIM" --mode=seccomp -- sh -c 'echo "LD_PRELOAD=${LD_PRELOAD-unset}"'
	assert_status 0
	assert_value LD_PRELOAD unset
	# sockprobe reads its own sockets; its listen is a raw syscall, out of
	# any preloaded library's reach, but not of the filter's
	run "$KASHIM" --mode=seccomp --idle 77 -- "$SOCKPROBE" pair --raw-listen
	assert_status 0
	assert_value listener.keepalive 1
	assert_value listener.idle 77
	assert_value connected.keepalive 1
	assert_value connected.idle 77
}

@test "exit status: COMMAND's own, and 127/126 when it cannot be run" {
	run "$KASHIM" -- "$STATIC_PEER" exit 7
	assert_status 7
	run -127 --separate-stderr "$KASHIM" --idle 60 --mode=seccomp -- kashim-no-such-command-$$
	assert_status 127
	[ "$stderr" = "kashim: cannot run 'kashim-no-such-command-$$': No such file or directory" ] ||
		flunk "message for a command not found"
	printf 'exit 0\n' >"$BATS_TEST_TMPDIR/not-executable"
	chmod 0644 "$BATS_TEST_TMPDIR/not-executable"
	run --separate-stderr "$KASHIM" --mode=seccomp -- "$BATS_TEST_TMPDIR/not-executable"
	assert_status 126
}

@test "signals: one sent to kashim reaches the program; its death by a signal comes back as one" {
	local log=$BATS_TEST_TMPDIR/wait.log
	"$KASHIM" -- "$STATIC_PEER" wait >"$log" 3>&- &
	local kashim=$!
	wait_until 5 grep -q pid= "$log" || flunk "the program did not start"
	kill -TERM "$kashim"
	local status=0
	wait "$kashim" || status=$?
	output=$(cat "$log")
	assert_output_has "got=15"
	[ "$status" -eq 115 ] || flunk "expected the program's exit status 115, got $status"
	# the pid differs, and the program is kashim's child
	assert_output_has "ppid=$kashim"
	assert_output_lacks "pid=$kashim "

	# SIGUSR2 kills the program (default action): kashim dies of it too
	run python3 -c '
import os, signal, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "--", sys.argv[2], "wait"], stdout=subprocess.PIPE)
p.stdout.readline()
os.kill(p.pid, signal.SIGUSR2)
print("returncode=%d" % p.wait())' "$KASHIM" "$STATIC_PEER"
	assert_status 0
	assert_value returncode -12
}

@test "a dynamic program still keeps its PID: kashim execs it" {
	run sh -c 'echo $$; exec "$1" --idle 60 -- sh -c "echo \$\$"' sh "$KASHIM"
	assert_status 0
	[ "$(printf '%s\n' "$output" | sort -u | wc -l)" -eq 1 ] || flunk "PID changed: not an exec"
}

@test "a kernel feature missing (simulated): one line, exit 125, COMMAND not started" {
	local call error
	for call_error in "seccomp ENOSYS" "seccomp EINVAL" "pidfd_open ENOSYS" \
		"pidfd_getfd ENOSYS" "pidfd_getfd EPERM" "process_vm_readv EPERM"; do
		read -r call error <<<"$call_error"
		run --separate-stderr python3 "$DENY" "$call" "$error" \
			"$KASHIM" --idle 60 -- "$STATIC_PEER" exit 0
		assert_status 125
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || flunk "$call $error: not one line"
		[[ "$stderr" == "kashim: cannot supervise '$STATIC_PEER': $call failed ("*")"*" (--run-unconfigured runs it without keepalive)" ]] ||
			flunk "$call $error: message"
	done
	# the COMMAND never ran
	run --separate-stderr python3 "$DENY" seccomp ENOSYS "$KASHIM" --mode=seccomp -- touch "$MARKER"
	assert_status 125
	[ ! -e "$MARKER" ] || flunk "COMMAND was started unconfigured"
	# control: the same filter on an unrelated call changes nothing
	run python3 "$DENY" process_vm_readv EPERM "$KASHIM" --mode=preload -- "$STATIC_PEER" exit 3
	assert_status 3
}

@test "--run-unconfigured runs COMMAND anyway, after one line" {
	run --separate-stderr python3 "$DENY" seccomp ENOSYS \
		"$KASHIM" --idle 60 --run-unconfigured -- "$STATIC_PEER" exit 4
	assert_status 4
	[ "$stderr" = "kashim: running '$STATIC_PEER' without keepalive: seccomp failed (Function not implemented); it needs Linux 5.9 or later" ] ||
		flunk "message"
}

@test "a setuid COMMAND is refused: no_new_privs would drop its privileges" {
	cp "$STATIC_PEER" "$BATS_TEST_TMPDIR/setuid-peer"
	chmod 4755 "$BATS_TEST_TMPDIR/setuid-peer"
	run --separate-stderr "$KASHIM" -- "$BATS_TEST_TMPDIR/setuid-peer" exit 0
	assert_status 125
	[ "$stderr" = "kashim: refusing to supervise '$BATS_TEST_TMPDIR/setuid-peer': it is setuid, setgid or has file capabilities, which no_new_privs would take away" ] ||
		flunk "message"
	chmod 2755 "$BATS_TEST_TMPDIR/setuid-peer"
	run "$KASHIM" -- "$BATS_TEST_TMPDIR/setuid-peer" exit 0
	assert_status 125
}

@test "--mode and --run-unconfigured: in --help, strictly checked" {
	run "$KASHIM" --help
	assert_status 0
	assert_output_has "--mode auto|preload|seccomp"
	assert_output_has "--run-unconfigured"
	run --separate-stderr "$KASHIM" --mode=static -- true
	assert_status 125
	[ "${stderr%%$'\n'*}" = "kashim: invalid --mode: 'static'; accepted: auto, preload, seccomp or cgroup" ] ||
		flunk "bad --mode"
	run --separate-stderr "$KASHIM" --mode
	assert_status 125
	run "$KASHIM" --mode seccomp -- "$STATIC_PEER" exit 9
	assert_status 9
}

@test "a static program run by a #! script is supervised; KASHIM_KEEPALIVE=0 supervises nothing" {
	printf '#!%s pid\n' "$STATIC_PEER" >"$BATS_TEST_TMPDIR/script"
	chmod +x "$BATS_TEST_TMPDIR/script"
	run --separate-stderr "$KASHIM" --debug -- "$BATS_TEST_TMPDIR/script"
	assert_status 0
	printf '%s\n' "$stderr" | grep -qF "supervising through seccomp" || flunk "not supervised"
	# the program is the supervising kashim's child: its parent is the PID kashim logs under
	local supervisor
	supervisor=$(printf '%s\n' "$stderr" | sed -n 's/^kashim\[\([0-9]*\)[^]]*\]: .*supervising through seccomp.*/\1/p' | head -n 1)
	[ -n "$supervisor" ] || flunk "no supervisor PID in the debug lines"
	assert_value ppid "$supervisor"
	# nothing to configure: kashim execs it, keeping the PID
	run sh -c 'echo "shell=$$"; KASHIM_KEEPALIVE=0 exec "$1" -- "$2" pid' sh "$KASHIM" "$STATIC_PEER"
	assert_status 0
	[ "$(value_of shell)" = "$(value_of pid)" ] || flunk "not exec'd"
	# supervised, it is kashim's child
	run sh -c 'echo "shell=$$"; exec "$1" -- "$2" pid' sh "$KASHIM" "$STATIC_PEER"
	assert_status 0
	[ "$(value_of shell)" = "$(value_of ppid)" ] || flunk "not kashim's child"
}

@test "differential: listen and connect return what the kernel returns, errno included" {
	local case cases without with
	cases=$(grep -o '"\(connect\|listen\)-[a-z0-9-]*"' "$KASHIM_ROOT/tests/helpers/sockprobe.c" | tr -d '"' | sort -u)
	[ -n "$cases" ] || flunk "no cases found in sockprobe.c"
	for case in $cases; do
		without=$("$SOCKPROBE" errno "$case" 2>&1)
		with=$("$KASHIM" --mode=seccomp --idle 30 -- "$SOCKPROBE" errno "$case" 2>&1)
		[ "$with" = "$without" ] || flunk "$case: '$with' supervised, '$without' without"
	done
	for case in connect listen; do
		run "$KASHIM" --mode=seccomp --idle 30 -- "$SOCKPROBE" errno-kept "$case"
		assert_status 0
		assert_output_has "ok=1 errno=kept keepalive=1"
	done
}
