#!/usr/bin/env bats
# kashim --pid and --watch, and kashim-inspect --missing: processes that are
# already running, none of them preloaded. Every value is read back from
# outside the process: kashim-inspect (pidfd_getfd, getsockopt) and ss.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

PLAIN_SERVER=$BUILD/plain-server
PLAIN_SERVER_STATIC=$BUILD/plain-server-static
PLAIN_CLIENT_STATIC=$BUILD/plain-client-static

setup() {
	REPORT=$BATS_TEST_TMPDIR/report
	STOP=$BATS_TEST_TMPDIR/stop
}

teardown() {
	touch "$STOP"
	stop_background
	[ -z "${COPY_DIR:-}" ] || rm -rf "$COPY_DIR"
}

# start_plain_server [CMD...] SERVER [OWN_IDLE]: sets SERVER_PID and PORT.
start_plain_server() {
	local args=("$@")
	local n=${#args[@]} own=()
	# the REPORT argument goes right after the server binary
	if [[ "${args[n - 1]}" =~ ^[0-9]+$ ]]; then
		own=("${args[n - 1]}")
		unset 'args[n - 1]'
	fi
	start_background "${args[@]}" "$REPORT" "${own[@]}"
	wait_until 10 test -s "$REPORT" || flunk "the server did not report"
	SERVER_PID=$(sed -n 's/^pid=//p' "$REPORT")
	PORT=$(sed -n 's/^port=//p' "$REPORT")
}

# socket_count PID: how many sockets PID holds, read through each of its
# threads (a main thread that has exited lists no fd; the others share
# one table).
socket_count() {
	find /proc/"$1"/task/*/fd -lname 'socket:*' 2>/dev/null | sed 's|.*/||' | sort -u | wc -l
}

# has_sockets PID N: PID holds at least N sockets (for wait_until).
has_sockets() {
	[ "$(socket_count "$1")" -ge "$2" ]
}

# keepalive_timers FILTER: the keepalive timer of every established socket
# that matches the ss FILTER, in whole seconds, one a line.
keepalive_timers() {
	ss -tnoH state established "$1" | sed -n 's/.*timer:(keepalive,\([0-9]*\)sec,.*/\1/p'
}

# assert_fresh_timers FILTER N IDLE: N keepalive timers, none above IDLE,
# the newest within 5 s of it (older ones count down from when they were
# last active, as the kernel does when keepalive is turned on late).
assert_fresh_timers() {
	output=$(ss -tnoH state established "$1")
	local timers
	timers=$(keepalive_timers "$1")
	[ "$(grep -c . <<<"$timers")" -eq "$2" ] || flunk "expected $2 keepalive timers"
	sort -n <<<"$timers" | awk -v idle="$3" '$1 > idle { bad = 1 } END { exit bad || $1 < idle - 5 }' ||
		flunk "timers not counting down from $3 s"
}

# connect_clients N: N more connections to the server, held by a static
# client; waits until the server has accepted them. Sets CLIENT_PID.
connect_clients() {
	local before
	before=$(socket_count "$SERVER_PID")
	start_background "$PLAIN_CLIENT_STATIC" "$PORT" "$1" 0 "$STOP"
	CLIENT_PID=${BACKGROUND_PIDS[-1]}
	wait_until 10 has_sockets "$SERVER_PID" $((before + $1)) ||
		flunk "the server did not accept $1 connections"
}

# sockets PID: one line per TCP socket of PID, read from outside:
# "fd state keepalive idle intvl cnt".
sockets() {
	"$KASHIM_INSPECT" --json "$1" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["processes"][0]["sockets"]:
    o = s["options"]
    print(s["fd"], s["state"], int(o["keepalive"]), o["keepidle"], o["keepintvl"], o["keepcnt"])'
}

# assert_sockets PID N AWK_CONDITION: PID has N TCP sockets, each meeting
# the condition ($2 state, $3 keepalive, $4 idle, $5 intvl, $6 cnt).
assert_sockets() {
	output=$(sockets "$1")
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq "$2" ] || flunk "expected $2 TCP sockets"
	printf '%s\n' "$output" | awk "!($3) { bad = 1 } END { exit bad }" ||
		flunk "some socket fails: $3"
}

# retrofit_server NAME CONNECTIONS IDLE INTVL CNT: with $SERVER_PID (called
# NAME) holding CONNECTIONS connections and none with keepalive (the
# control), kashim --pid configures all of them and its listener, and a
# connection it accepts afterwards inherits the listener's options; the
# kernel runs the keepalive timer on every one.
retrofit_server() {
	local name=$1 n=$2 idle=$3 intvl=$4 cnt=$5
	local configured="\$3 == 1 && \$4 == $idle && \$5 == $intvl && \$6 == $cnt"
	assert_sockets "$SERVER_PID" $((n + 1)) '$3 == 0'
	run --separate-stderr "$KASHIM" --idle "$idle" --interval "$intvl" --count "$cnt" \
		--pid "$SERVER_PID"
	assert_status 0
	[ "$output" = "PID $SERVER_PID ($name): configured 1 listener and $n connections" ] ||
		flunk "report"
	[ -z "$stderr" ] || flunk "stderr"
	assert_sockets "$SERVER_PID" $((n + 1)) "$configured"
	# accepted from now on: the kernel copies the listener's options
	connect_clients 1
	assert_sockets "$SERVER_PID" $((n + 2)) "$configured"
	assert_fresh_timers "( sport = :$PORT )" $((n + 1)) "$idle"
}

@test "--pid: an unshimmed server's listener and connections get keepalive, and so does a connection accepted afterwards" {
	start_plain_server "$PLAIN_SERVER"
	connect_clients 3
	retrofit_server plain-server 3 41 7 4
}

@test "--pid: a statically linked server, which no preload reaches, the same way" {
	# static: no program interpreter (readelf, as tests/inspect.bats reads it)
	! readelf -lW "$PLAIN_SERVER_STATIC" | grep -q 'INTERP' || flunk "not static"
	# control: preloaded, the library cannot load, so nothing changes
	# (kashim's default, --mode=auto, would supervise it: tests/static.bats)
	start_plain_server "$KASHIM" --mode=preload --idle 41 "$PLAIN_SERVER_STATIC"
	connect_clients 2
	retrofit_server plain-server-st 2 42 8 3
}

@test "--watch on a static client that keeps connecting: each connection configured once; the watch ends when the client exits" {
	start_plain_server "$PLAIN_SERVER"
	start_background "$PLAIN_CLIENT_STATIC" "$PORT" 12 150 "$STOP"
	CLIENT_PID=${BACKGROUND_PIDS[-1]}
	wait_until 10 has_sockets "$CLIENT_PID" 1 || flunk "no connection"
	# control: the client's own connections have no keepalive
	output=$(sockets "$CLIENT_PID" | awk 'NR == 1')
	[[ "$output" == *" ESTABLISHED 0 "* ]] || flunk "the client's first connection"
	"$KASHIM" --idle 43 --debug --watch=50ms --pid "$CLIENT_PID" \
		>"$BATS_TEST_TMPDIR/watch.out" 2>"$BATS_TEST_TMPDIR/watch.err" 3>&- &
	local watch=$!
	BACKGROUND_PIDS+=("$watch")
	wait_until 15 has_sockets "$CLIENT_PID" 12 || flunk "the client stopped early"
	# the watch has configured the last connection (a pass after it)
	wait_until 10 bash -c '[ "$(grep -c ": configured$" "$1")" -ge 12 ]' sh "$BATS_TEST_TMPDIR/watch.err" ||
		flunk "the watch did not configure 12 connections: $(cat "$BATS_TEST_TMPDIR/watch.err")"
	assert_sockets "$CLIENT_PID" 12 '$2 == "ESTABLISHED" && $3 == 1 && $4 == 43'
	touch "$STOP"
	local waited=0
	while kill -0 "$watch" 2>/dev/null && [ "$waited" -lt 50 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	! kill -0 "$watch" 2>/dev/null || flunk "the watch did not end with the client"
	run wait "$watch"
	assert_status 0
	output=$(cat "$BATS_TEST_TMPDIR/watch.out")
	assert_output_has "PID $CLIENT_PID (plain-client-st): exited"
	# each socket was duplicated and configured exactly once, over every
	# pass the watch made until the client exited
	output=$(cat "$BATS_TEST_TMPDIR/watch.err")
	[ "$(grep -c ': configured$' <<<"$output")" -eq 12 ] || flunk "expected 12 configured lines"
	[ "$(grep ': configured$' <<<"$output" | awk '{ print $6 }' | sort -u | wc -l)" -eq 12 ] ||
		flunk "a descriptor configured twice"
}

# start_inetd_child: busybox httpd, whose child per connection has it on
# fds 0 and 1 (as inetd hands it over), with one connection that sends
# nothing, so the child waits for a request. Sets PORT and CHILD_PID.
start_inetd_child() {
	PORT=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	start_background busybox httpd -f -p "127.0.0.1:$PORT" -h "$BATS_TEST_TMPDIR/www"
	local httpd=${BACKGROUND_PIDS[-1]}
	wait_until 10 listening "$PORT" || flunk "busybox httpd does not listen"
	start_background "$PLAIN_CLIENT_STATIC" "$PORT" 1 0 "$STOP"
	wait_until 10 pgrep -P "$httpd" >/dev/null || flunk "busybox httpd made no child"
	CHILD_PID=$(pgrep -P "$httpd")
	wait_until 10 has_sockets "$CHILD_PID" 2 || flunk "the child holds no connection"
	[ "$(readlink "/proc/$CHILD_PID/fd/0")" = "$(readlink "/proc/$CHILD_PID/fd/1")" ] ||
		flunk "not one socket on fds 0 and 1"
}

# setsockopt_calls TRACE NAME: how many setsockopt calls with option NAME
# the strace output TRACE holds.
setsockopt_calls() {
	grep -c "setsockopt(.*$2" "$1" || true
}

@test "--pid and --watch on an inetd-style child (busybox httpd) holding one connection on fds 0 and 1: one connection, configured once" {
	start_inetd_child
	# control: busybox turns keepalive on itself, at the system's idle
	[ "$(ss_keepalive_seconds "( sport = :$PORT )")" -gt 600 ] ||
		flunk "busybox's own keepalive: $(ss -tnoH "( sport = :$PORT )")"
	run --separate-stderr strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=setsockopt \
		"$KASHIM" --idle 41 --interval 7 --count 4 --pid "$CHILD_PID"
	assert_status 0
	[ "$output" = "PID $CHILD_PID (busybox): configured 0 listeners and 1 connection" ] ||
		flunk "report"
	[ "$(setsockopt_calls "$BATS_TEST_TMPDIR/trace" SO_KEEPALIVE)" -eq 1 ] &&
		[ "$(setsockopt_calls "$BATS_TEST_TMPDIR/trace" TCP_KEEPIDLE)" -eq 1 ] ||
		flunk "not configured once: $(cat "$BATS_TEST_TMPDIR/trace")"
	# the kernel's timer now follows idle 41 (counted from the connection's
	# last activity, so not necessarily fresh on a loaded machine)
	output=$(keepalive_timers "( sport = :$PORT )")
	[ -n "$output" ] && [ "$output" -le 41 ] || flunk "no timer within 41 s"
	assert_sockets "$CHILD_PID" 2 '$3 == 1 && $4 == 41 && $5 == 7 && $6 == 4'
	# --watch: the same count in its first pass, and nothing more over
	# the twenty passes that follow
	run --separate-stderr strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=setsockopt \
		timeout 1 "$KASHIM" --idle 42 --watch=50ms --pid "$CHILD_PID"
	assert_status 124
	[ "$output" = "PID $CHILD_PID (busybox): configured 0 listeners and 1 connection" ] ||
		flunk "watch report"
	[ "$(setsockopt_calls "$BATS_TEST_TMPDIR/trace" SO_KEEPALIVE)" -eq 1 ] ||
		flunk "the watch did not configure once: $(cat "$BATS_TEST_TMPDIR/trace")"
	# fds 0 and 1, one socket: both read back with the watch's idle
	assert_sockets "$CHILD_PID" 2 '$3 == 1 && $4 == 42'
}

@test "--pid reaches a process in another network namespace (IPv4 and IPv6)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
	start_background unshare --net sh -c 'ip link set lo up && exec python3 "$1" "$2"' sh \
		"$REPORT_SERVER" "$REPORT"
	wait_until 10 test -s "$REPORT" || flunk "report_server.py did not report"
	SERVER_PID=$(sed -n 's/^pid=//p' "$REPORT")
	[ "$(readlink "/proc/$SERVER_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
		flunk "not in its own namespace"
	# control: the process itself saw no keepalive on its six sockets
	[ "$(grep -c 'keepalive=0$' "$REPORT")" -eq 6 ] || flunk "report"
	run --separate-stderr "$KASHIM" --idle 44 --pid "$SERVER_PID"
	assert_status 0
	[ "$output" = "PID $SERVER_PID (python3): configured 2 listeners and 4 connections" ] ||
		flunk "report"
	assert_sockets "$SERVER_PID" 6 '$3 == 1 && $4 == 44'
}

@test "KASHIM_POLICY=respect keeps the program's own keepalive; override (the default) replaces it" {
	start_plain_server "$PLAIN_SERVER" 77
	connect_clients 2
	# the program's own: keepalive on with idle 77 on what it accepted
	assert_sockets "$SERVER_PID" 3 '($2 == "LISTEN" && $3 == 0) || ($3 == 1 && $4 == 77)'
	run --separate-stderr env KASHIM_POLICY=respect "$KASHIM" --idle 41 --pid "$SERVER_PID"
	assert_status 0
	[ "$output" = "PID $SERVER_PID (plain-server): configured 1 listener and 0 connections; left alone: 2 with keepalive set by the program (KASHIM_POLICY=respect)" ] ||
		flunk "report"
	assert_sockets "$SERVER_PID" 3 '($2 == "LISTEN" && $4 == 41) || ($2 == "ESTABLISHED" && $4 == 77)'
	# control: without respect the program's 77 is replaced
	run --separate-stderr "$KASHIM" --idle 41 --pid "$SERVER_PID"
	assert_status 0
	assert_sockets "$SERVER_PID" 3 '$3 == 1 && $4 == 41'
}

@test "scope: KASHIM_SIDES, KASHIM_PORTS and KASHIM_PROGRAMS from kashim's environment, judged for the process" {
	start_plain_server "$PLAIN_SERVER"
	connect_clients 1
	run env KASHIM_SIDES=connect "$KASHIM" --idle 41 --pid "$SERVER_PID" --pid "$CLIENT_PID"
	assert_status 0
	assert_output_has "PID $SERVER_PID (plain-server): configured 0 listeners and 0 connections; left alone: 2 on a side not in KASHIM_SIDES"
	assert_output_has "PID $CLIENT_PID (plain-client-st): configured 0 listeners and 1 connection"
	assert_sockets "$SERVER_PID" 2 '$3 == 0'
	assert_sockets "$CLIENT_PID" 1 '$3 == 1 && $4 == 41'
	run env KASHIM_PORTS=1 "$KASHIM" --idle 42 --pid "$SERVER_PID"
	assert_status 0
	assert_output_has "left alone: 2 on ports not in KASHIM_PORTS"
	run env KASHIM_PROGRAMS='!plain-server' "$KASHIM" --idle 42 --pid "$SERVER_PID"
	assert_status 0
	[ "$output" = "PID $SERVER_PID (plain-server): left alone: KASHIM_PROGRAMS does not select it" ] ||
		flunk "programs"
	assert_sockets "$SERVER_PID" 2 '$3 == 0'
	# control: the port and program the scope names
	run env KASHIM_PORTS="$PORT" KASHIM_PROGRAMS=plain-server "$KASHIM" --idle 42 --pid "$SERVER_PID"
	assert_status 0
	assert_output_has "configured 1 listener and 1 connection"
	assert_sockets "$SERVER_PID" 2 '$3 == 1 && $4 == 42'
}

@test "--pid as user nobody on a root process: permission denied, said plainly, nothing changed" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to start a root process and switch to nobody"
	COPY_DIR=$(mktemp -d /tmp/kashim-pid.XXXXXX)
	chmod 0755 "$COPY_DIR"
	cp "$KASHIM" "$COPY_DIR/"
	chmod 0755 "$COPY_DIR/kashim"
	start_plain_server "$PLAIN_SERVER"
	connect_clients 1
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$COPY_DIR/kashim" --idle 41 --pid "$SERVER_PID"
	assert_status 1
	output=$stderr
	assert_output_has "kashim: PID $SERVER_PID (plain-server): permission denied"
	assert_output_has "Changing another process's sockets needs ptrace permission over it."
	assert_output_has "as root (sudo kashim --pid $SERVER_PID)"
	assert_output_has "CAP_SYS_PTRACE"
	assert_sockets "$SERVER_PID" 2 '$3 == 0'
	# control: root may
	run "$KASHIM" --idle 41 --pid "$SERVER_PID"
	assert_status 0
	assert_sockets "$SERVER_PID" 2 '$3 == 1 && $4 == 41'
}

@test "--pid of a process that does not exist: status 1 and a plain message; the other PIDs are still done" {
	run --separate-stderr "$KASHIM" --idle 41 --pid 2147483647
	assert_status 1
	[ "$stderr" = "kashim: PID 2147483647: no such process" ] || flunk "message"
	[ -z "$output" ] || flunk "stdout"
	start_plain_server "$PLAIN_SERVER"
	run --separate-stderr "$KASHIM" --idle 41 --pid 2147483647 --pid "$SERVER_PID"
	assert_status 1
	[ "$output" = "PID $SERVER_PID (plain-server): configured 1 listener and 0 connections" ] ||
		flunk "the existing PID"
	assert_sockets "$SERVER_PID" 1 '$3 == 1 && $4 == 41'
}

@test "--pid of a process that has exited (a zombie): status 1, said plainly; --watch ends at once" {
	start_background python3 -c '
import os, sys, time
child = os.fork()
if child == 0:
    os._exit(0)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("child=%d\n" % child)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)' "$REPORT"
	wait_until 10 test -s "$REPORT" || flunk "no report"
	local child
	child=$(sed -n 's/^child=//p' "$REPORT")
	wait_until 10 grep -q '^State:.*Z' "/proc/$child/status" || flunk "no zombie"
	run --separate-stderr "$KASHIM" --idle 41 --pid "$child"
	assert_status 1
	[ "$stderr" = "kashim: PID $child (python3): exited before kashim was done" ] || flunk "message"
	run --separate-stderr timeout 5 "$KASHIM" --idle 41 --watch --pid "$child"
	assert_status 0
	[ "$output" = "PID $child (python3): exited" ] || flunk "watch"
}

# start_main_exited_server: plain-server whose main thread has called
# pthread_exit, another thread accepting and holding its sockets; sets
# SERVER_PID and PORT.
start_main_exited_server() {
	start_plain_server "$PLAIN_SERVER" --main-exits
	wait_until 10 grep -q '^State:.*Z' "/proc/$SERVER_PID/status" ||
		flunk "the main thread did not exit"
}

@test "the main thread has exited (pthread_exit): --pid configures through a thread that runs; kashim-inspect and --missing read through it" {
	start_main_exited_server
	connect_clients 2
	# control: no keepalive timer on either connection, seen from outside
	[ -z "$(ss -tnoH state established "( sport = :$PORT )" | grep 'timer:(keepalive')" ] ||
		flunk "keepalive before kashim: $(ss -tnoH "( sport = :$PORT )")"
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "PID $SERVER_PID (plain-server): 3 TCP sockets without keepalive"
	assert_output_has "why: libkashim.so is not loaded in it"
	run --separate-stderr "$KASHIM" --idle 41 --interval 7 --count 4 --pid "$SERVER_PID"
	assert_status 0
	[ "$output" = "PID $SERVER_PID (plain-server): configured 1 listener and 2 connections" ] ||
		flunk "report"
	[ -z "$stderr" ] || flunk "stderr"
	# the listener too: a connection accepted afterwards inherits its options
	connect_clients 1
	assert_fresh_timers "( sport = :$PORT )" 3 41
	run --separate-stderr "$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 0
	assert_output_has "PID $SERVER_PID (plain-server): 4 TCP sockets"
	assert_sockets "$SERVER_PID" 4 '$3 == 1 && $4 == 41 && $5 == 7 && $6 == 4'
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 0
	[ -z "$output$stderr" ] || flunk "--missing after kashim --pid"
}

@test "the main thread has exited: --watch configures each new connection through a thread that runs, and ends when the process exits" {
	start_main_exited_server
	"$KASHIM" --idle 43 --debug --watch=50ms --pid "$SERVER_PID" \
		>"$BATS_TEST_TMPDIR/watch.out" 2>"$BATS_TEST_TMPDIR/watch.err" 3>&- &
	local watch=$!
	BACKGROUND_PIDS+=("$watch")
	connect_clients 2
	wait_until 10 bash -c '[ "$(grep -c ": configured$" "$1")" -ge 3 ]' sh "$BATS_TEST_TMPDIR/watch.err" ||
		flunk "the watch did not configure the listener and 2 connections: $(cat "$BATS_TEST_TMPDIR/watch.err")"
	assert_fresh_timers "( sport = :$PORT )" 2 43
	output=$(cat "$BATS_TEST_TMPDIR/watch.err")
	assert_output_has "kashim: PID $SERVER_PID (plain-server): its main thread has exited; reached through its thread "
	kill "$SERVER_PID"
	wait_until 5 bash -c '! kill -0 "$1" 2>/dev/null' sh "$watch" ||
		flunk "the watch did not end with the process"
	run wait "$watch"
	assert_status 0
	output=$(cat "$BATS_TEST_TMPDIR/watch.out")
	assert_output_has "PID $SERVER_PID (plain-server): exited"
}

@test "the main thread has exited, on a kernel without PIDFD_THREAD (before 6.9, simulated): --pid, kashim-inspect and --missing say so and fail; nothing changed" {
	local deny=("$KASHIM_ROOT/tests/helpers/deny_syscall.py" pidfd_open_thread EINVAL)
	local message="its main thread has exited, and another of its threads is reached only on Linux 6.9 or later (PIDFD_THREAD)"
	start_main_exited_server
	connect_clients 1
	run --separate-stderr python3 "${deny[@]}" "$KASHIM" --idle 41 --pid "$SERVER_PID"
	assert_status 1
	[ -z "$output" ] || flunk "stdout"
	[ "$stderr" = "kashim: PID $SERVER_PID (plain-server): reaching its sockets: $message" ] ||
		flunk "message: $stderr"
	[ -z "$(ss -tnoH state established "( sport = :$PORT )" | grep 'timer:(keepalive')" ] ||
		flunk "changed"
	run --separate-stderr python3 "${deny[@]}" "$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 1
	assert_output_has "PID $SERVER_PID (plain-server): 2 TCP sockets"
	[ "$stderr" = "kashim-inspect: PID $SERVER_PID (plain-server): duplicating its sockets (pidfd_getfd): $message" ] ||
		flunk "inspect's message: $stderr"
	run --separate-stderr python3 "${deny[@]}" "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 3
	[[ "$stderr" == *": $message" ]] ||
		flunk "--missing's message: $stderr"
	# control: the same refusal leaves a process whose main thread runs reachable
	start_plain_server "$PLAIN_SERVER"
	run --separate-stderr python3 "${deny[@]}" "$KASHIM" --idle 41 --pid "$SERVER_PID"
	assert_status 0
	[ "$output" = "PID $SERVER_PID (plain-server): configured 1 listener and 0 connections" ] ||
		flunk "control"
}

@test "--pid and kashim-inspect given a thread's ID: status 1, told to give the process ID, which works" {
	start_main_exited_server
	local tid
	tid=$(ls "/proc/$SERVER_PID/task" | grep -vx "$SERVER_PID")
	[ -n "$tid" ] || flunk "no thread"
	local told="PID $tid: not a process but one of its threads; give the process ID (Tgid in /proc/$tid/status)"
	run --separate-stderr "$KASHIM" --idle 41 --pid "$tid"
	assert_status 1
	[ "$stderr" = "kashim: $told" ] || flunk "kashim's message: $stderr"
	run --separate-stderr "$KASHIM_INSPECT" "$tid"
	assert_status 1
	[ "$stderr" = "kashim-inspect: $told" ] || flunk "kashim-inspect's message: $stderr"
	[ -z "$output" ] || flunk "a table for a thread"
	run --separate-stderr "$KASHIM_INSPECT" --missing "$tid"
	assert_status 3
	# control: the process ID
	run --separate-stderr "$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 0
	assert_output_has "PID $SERVER_PID (plain-server): 1 TCP socket"
}

@test "--pid usage errors exit 125 and change nothing" {
	start_plain_server "$PLAIN_SERVER"
	run -125 --separate-stderr "$KASHIM" --pid
	[ "${stderr%%$'\n'*}" = "kashim: option '--pid' requires an argument" ] || flunk "no argument"
	run -125 --separate-stderr "$KASHIM" --pid 12abc
	[ "${stderr%%$'\n'*}" = 'kashim: invalid --pid: "12abc" is not a process ID' ] || flunk "bad PID"
	run -125 --separate-stderr "$KASHIM" --pid "$SERVER_PID" true
	[ "${stderr%%$'\n'*}" = "kashim: --pid takes no COMMAND" ] || flunk "COMMAND"
	run -125 --separate-stderr "$KASHIM" --watch
	[ "${stderr%%$'\n'*}" = "kashim: --watch needs --pid" ] || flunk "--watch alone"
	run -125 --separate-stderr "$KASHIM" --watch=5ms --pid "$SERVER_PID"
	[ "${stderr%%$'\n'*}" = 'kashim: invalid --watch: "5ms" is not a duration from 10ms to 1h (2, 2s, 500ms, 1m)' ] ||
		flunk "--watch=5ms"
	# a bare INTERVAL counts seconds, as sleep(1)'s does: 0.005 is 5 ms, too
	# short; 5 is 5 s, taken (then the PID is what is wrong)
	run -125 --separate-stderr "$KASHIM" --watch=0.005 --pid "$SERVER_PID"
	[ "${stderr%%$'\n'*}" = 'kashim: invalid --watch: "0.005" is not a duration from 10ms to 1h (2, 2s, 500ms, 1m)' ] ||
		flunk "--watch=0.005"
	run -1 --separate-stderr "$KASHIM" --watch=5 --pid 2147483647
	[ "${stderr%%$'\n'*}" = "kashim: PID 2147483647: no such process" ] || flunk "--watch=5: $stderr"
	run -125 --separate-stderr "$KASHIM" --count 200 --pid "$SERVER_PID"
	run -125 --separate-stderr env KASHIM_PORTS=http "$KASHIM" --pid "$SERVER_PID"
	[[ "$stderr" == 'kashim: KASHIM_PORTS="http" '*'; nothing was changed' ]] || flunk "bad variable"
	assert_sockets "$SERVER_PID" 1 '$3 == 0'
	run -0 "$KASHIM" --help
	assert_output_has "--pid PID"
	assert_output_has "--watch[=INTERVAL]"
}

@test "kashim-inspect --missing: listed with why before (status 1), nothing after kashim --pid (status 0)" {
	start_plain_server "$PLAIN_SERVER"
	connect_clients 2
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "PID $SERVER_PID (plain-server): 3 TCP sockets without keepalive"
	assert_output_has "why: libkashim.so is not loaded in it"
	[ "$(grep -c ' off ' <<<"$output")" -eq 3 ] || flunk "3 rows with keepalive off"
	run "$KASHIM" --pid "$SERVER_PID"
	assert_status 0
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID" "$CLIENT_PID"
	assert_status 1 # the client still has none
	assert_output_lacks "PID $SERVER_PID "
	assert_output_has "PID $CLIENT_PID (plain-client-st): 2 TCP sockets without keepalive"
	assert_output_has "why: a static binary"
	run "$KASHIM" --pid "$CLIENT_PID"
	assert_status 0
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID" "$CLIENT_PID"
	assert_status 0
	[ -z "$output" ] || flunk "expected no output"
	run --separate-stderr "$KASHIM_INSPECT" --missing --json "$SERVER_PID"
	assert_status 0
	[ "$(python3 -c 'import json, sys; print(json.load(sys.stdin))' <<<"$output")" = "{'processes': []}" ] ||
		flunk "JSON"
	# a process that does not exist: the other status
	run --separate-stderr "$KASHIM_INSPECT" --missing 2147483647
	assert_status 3
}

@test "kashim-inspect --missing says why: static, Go, and the process's own KASHIM_* scope" {
	command -v objcopy >/dev/null || skip "objcopy (binutils) is missing"
	# a Go program is told by the section its toolchain writes
	cp "$PLAIN_SERVER_STATIC" "$BATS_TEST_TMPDIR/goserver"
	printf 'Go\0\0' >"$BATS_TEST_TMPDIR/note"
	objcopy --add-section .note.go.buildid="$BATS_TEST_TMPDIR/note" "$BATS_TEST_TMPDIR/goserver"
	start_plain_server "$BATS_TEST_TMPDIR/goserver"
	run "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "why: a Go program"
	assert_output_lacks "why: a static binary" # said once, the Go reason covers it
	stop_background
	rm -f "$REPORT"
	# under the shim, but its own environment leaves it out
	start_plain_server env KASHIM_PORTS=1 "$KASHIM" "$PLAIN_SERVER"
	run "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "why: its own KASHIM_PORTS=\"1\" leaves out port $PORT"
	stop_background
	rm -f "$REPORT"
	start_plain_server env KASHIM_SIDES=connect "$KASHIM" "$PLAIN_SERVER"
	run "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "why: its own KASHIM_SIDES=\"connect\" leaves out the accept side"
	stop_background
	rm -f "$REPORT"
	start_plain_server env KASHIM_PROGRAMS=nginx "$KASHIM" "$PLAIN_SERVER"
	run "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "why: its own KASHIM_PROGRAMS=\"nginx\" leaves it out"
	stop_background
	rm -f "$REPORT"
	# control: the same under the shim, in scope: nothing missing
	start_plain_server "$KASHIM" "$PLAIN_SERVER"
	connect_clients 1
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 0
	[ -z "$output" ] || flunk "expected nothing missing"
}

@test "kashim-inspect --missing --all finds the test process among all others; a shared socket appears once" {
	# a listener shared by a parent and its child after fork
	start_background python3 -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
child = os.fork()
if child == 0:
    time.sleep(600)
    sys.exit(0)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("pid=%d\nchild=%d\nport=%d\n" % (os.getpid(), child, s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)' "$REPORT"
	wait_until 10 test -s "$REPORT" || flunk "no report"
	local parent child port
	parent=$(sed -n 's/^pid=//p' "$REPORT")
	child=$(sed -n 's/^child=//p' "$REPORT")
	port=$(sed -n 's/^port=//p' "$REPORT")
	run --separate-stderr "$KASHIM_INSPECT" --missing --json "$parent" "$child"
	assert_status 1
	run python3 -c '
import json, sys
procs = json.load(sys.stdin)["processes"]
print(sum(1 for p in procs for s in p["sockets"] if s["local"]["port"] == int(sys.argv[1])))' "$port" <<<"$output"
	assert_status 0
	[ "$output" = 1 ] || flunk "the shared listener shown $output times"
	run --separate-stderr "$KASHIM_INSPECT" --missing --all --json
	assert_status 1
	[ -z "$stderr" ] || flunk "--all made noise"
	run python3 -c '
import json, sys
procs = json.load(sys.stdin)["processes"]
mine = [p for p in procs if p["pid"] in (int(sys.argv[1]), int(sys.argv[2]))]
rows = [s for p in mine for s in p["sockets"] if s["local"]["port"] == int(sys.argv[3])]
assert len(rows) == 1 and rows[0]["state"] == "LISTEN", rows
assert all(p["why"] for p in mine), mine
print(len(procs), "processes listed, the test listener once")' "$parent" "$child" "$port" <<<"$output"
	assert_status 0
	# control: once configured, --all no longer lists it
	run "$KASHIM" --pid "$parent"
	assert_status 0
	run --separate-stderr "$KASHIM_INSPECT" --missing --all --json
	# 1 when another process on the machine lacks keepalive, 0 otherwise
	[[ $status == [01] ]] || flunk "--missing --all: status $status"
	run python3 -c '
import json, sys
procs = json.load(sys.stdin)["processes"]
rows = [s for p in procs for s in p["sockets"] if s["local"]["port"] == int(sys.argv[1])]
assert rows == [], rows' "$port" <<<"$output"
	assert_status 0
}

@test "kashim-inspect --missing --max-idle: keepalive on with the system's 7200 s counts as missing, with the reason" {
	# the server turns keepalive on itself with 7200 s, as memcached, busybox
	# and haproxy do; its listener keeps it off
	start_plain_server "$PLAIN_SERVER" 7200
	connect_clients 2
	# control: without a threshold, keepalive on is enough
	run --separate-stderr "$KASHIM_INSPECT" --missing "$SERVER_PID"
	assert_status 1
	assert_output_has "PID $SERVER_PID (plain-server): 1 TCP socket without keepalive"
	assert_output_lacks "idle 7200 s"
	run --separate-stderr "$KASHIM_INSPECT" --missing --max-idle 5m "$SERVER_PID"
	assert_status 1
	assert_output_has "PID $SERVER_PID (plain-server): 3 TCP sockets without keepalive within 300 s"
	assert_output_has "why: keepalive on, idle 7200 s > 300 s"
	assert_output_has "why: libkashim.so is not loaded in it"
	[ "$(grep -c ' on  *7200s ' <<<"$output")" -eq 2 ] || flunk "2 rows on with 7200 s"
	# a threshold above the idle time: only the listener again
	run --separate-stderr "$KASHIM_INSPECT" --missing --max-idle 2h "$SERVER_PID"
	assert_output_has "1 TCP socket without keepalive within 7200 s"
	# configured with a short idle time by kashim --pid: nothing missing
	run "$KASHIM" --idle 60 --pid "$SERVER_PID"
	run --separate-stderr "$KASHIM_INSPECT" --missing --max-idle 5m "$SERVER_PID"
	assert_status 0
	[ -z "$output" ] || flunk "expected nothing missing"
}

@test "kashim-inspect --missing usage: --all needs --missing and takes no PID" {
	run -2 --separate-stderr "$KASHIM_INSPECT" --all
	[ "${stderr%%$'\n'*}" = "kashim-inspect: --all needs --missing" ] || flunk "--all alone"
	run -2 --separate-stderr "$KASHIM_INSPECT" --missing --all 1
	[ "${stderr%%$'\n'*}" = "kashim-inspect: --all takes no PID" ] || flunk "--all with PID"
	run -2 --separate-stderr "$KASHIM_INSPECT" --missing
	[ "${stderr%%$'\n'*}" = "kashim-inspect: missing PID" ] || flunk "no PID"
}
