#!/usr/bin/env bats
# Real, unmodified programs in the situations a wider run broke: nginx
# applying so_keepalive and listening again, servers started by socket
# activation (systemd-socket-activate, as a systemd .socket unit would),
# and inetd-style programs handed an already connected socket. Each is
# checked from outside (kashim-inspect, ss -tno) against its control: the
# same program without kashim.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/tools
load helpers/nginx

setup() {
	WORK=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/kashim-real.XXXXXX")
}

teardown() {
	stop_background
	rm -rf "$WORK"
}

listening_on() {
	[ -n "$(ss -tlnH "( sport = :$1 )")" ]
}

# hold_client PORT: an idle client, without the shim, open for 20 s.
hold_client() {
	start_background bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; sleep 20"
}

# accepted_options PORT PID...: "KEEPALIVE IDLE INTVL CNT" of the
# established socket on local port PORT among PIDs' sockets, as
# kashim-inspect reads them from outside.
accepted_options() {
	local port=$1
	shift
	"$KASHIM_INSPECT" "$@" |
		awk -v local=":$port" '$2 == "ESTABLISHED" && substr($3, length($3) - length(local) + 1) == local {
			print $5, $6, $7, $8; exit }'
}

# run_nginx [VAR=VALUE]...: nginx under those variables (none: no shim),
# with three listeners side by side, so_keepalive=off, so_keepalive=30m::10
# and a plain listen, and a client on each; sets $off, $own and $plain to
# what the worker's accepted sockets carry.
run_nginx() {
	OFF=$(free_port) OWN=$(free_port) PLAIN=$(free_port)
	write_nginx_conf "listen 127.0.0.1:$OFF so_keepalive=off; return 200 off;" \
		"listen 127.0.0.1:$OWN so_keepalive=30m::10; return 200 own;" \
		"listen 127.0.0.1:$PLAIN; return 200 plain;"
	if [ $# -gt 0 ]; then
		start_background env LD_PRELOAD="$SHIM" "$@" nginx -p "$WORK" -c "$WORK/nginx.conf" -e stderr
	else
		start_background nginx -p "$WORK" -c "$WORK/nginx.conf" -e stderr
	fi
	local master=${BACKGROUND_PIDS[-1]} port
	for port in $OFF $OWN $PLAIN; do
		wait_until 15 listening_on "$port" || flunk "nginx does not listen on $port"
		hold_client "$port"
	done
	wait_until 5 established "( sport = :$PLAIN )" || flunk "no connection"
	local pids
	pids=$(pgrep -P "$master" | tr '\n' ' ')
	off=$(accepted_options "$OFF" $pids)
	own=$(accepted_options "$OWN" $pids)
	plain=$(accepted_options "$PLAIN" $pids)
	output="off: $off; own: $own; plain: $plain"
}

@test "control: nginx's so_keepalive without kashim" {
	skip_unless_loadable nginx -v
	run_nginx
	[ "$off" = "off 7200s 75s 9" ] || flunk "so_keepalive=off"
	[ "$own" = "on 1800s 75s 10" ] || flunk "so_keepalive=30m::10"
	[ "$plain" = "off 7200s 75s 9" ] || flunk "plain listen"
}

@test "nginx's so_keepalive has the last word under either policy; a plain listen gets kashim's" {
	skip_unless_loadable nginx -v
	local policy
	for policy in override respect; do
		run_nginx KASHIM_KEEPIDLE=41 KASHIM_KEEPINTVL=7 KASHIM_KEEPCNT=4 KASHIM_POLICY=$policy
		# nginx listens, sets so_keepalive, and listens again: kashim's
		# values stay only where nginx set nothing
		[ "$off" = "off 41s 7s 4" ] || flunk "$policy: so_keepalive=off"
		[ "$own" = "on 1800s 7s 10" ] || flunk "$policy: so_keepalive=30m::10"
		[ "$plain" = "on 41s 7s 4" ] || flunk "$policy: plain listen"
		stop_background
	done
}

# activate [--accept] [--inetd] -- CMD...: systemd-socket-activate on a
# free loopback port ($PORT), which starts CMD when a connection comes;
# with SECOND_PORT set, on that port too.
activate() {
	local opts=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	command -v systemd-socket-activate >/dev/null || skip "no systemd-socket-activate (package systemd)"
	PORT=$(free_port)
	[ -z "${SECOND_PORT:-}" ] || opts+=(-l "127.0.0.1:$SECOND_PORT")
	start_background systemd-socket-activate "${opts[@]}" -l "127.0.0.1:$PORT" "$@"
	wait_until 10 listening_on "$PORT" || flunk "systemd-socket-activate does not listen"
}

# holder_is PORT COMM STATE: the process holding the established socket on
# local PORT is COMM in state STATE (e.g. sleep, S: past its exec and its
# libraries' constructors, blocked in its own sleep).
holder_is() {
	local pid
	pid=$(ss -tnpH state established "( sport = :$1 )" | grep -o 'pid=[0-9]*' | head -n 1)
	pid=${pid#pid=}
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] &&
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = "$3" ]
}

# timer_on PORT: the established socket on local PORT has a keepalive timer
# (kashim configures a queued connection when the server accepts it).
timer_on() {
	[ -n "$(ss_keepalive_seconds "( sport = :$1 )")" ]
}

# A server handed its listener as fd 3 that listens again, as node's
# listen({fd: 3}) does, and prints what it accepts.
SERVER_PY='
import socket, sys
s = socket.socket(fileno=3)
s.listen(16)
for i in range(int(sys.argv[1])):
    c, _ = s.accept()
    print("accepted%d=%d %d" % (i, c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
          c.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)), flush=True)
'

# activated_server [-E VAR=VALUE]...: the server above, started on demand
# by three connections queued before it listens, then one more after.
activated_server() {
	activate "$@" -- python3 -c "$SERVER_PY" 4
	local i
	for i in 1 2 3; do hold_client "$PORT"; done
	wait_until 10 grep -q accepted2= "$BATS_TEST_TMPDIR/background.log" || flunk "no accepts"
	hold_client "$PORT"
	wait_until 10 grep -q accepted3= "$BATS_TEST_TMPDIR/background.log" || flunk "no 4th accept"
	output=$(cat "$BATS_TEST_TMPDIR/background.log")
}

@test "socket activation: connections queued before the server's listen are configured" {
	activated_server
	local i
	for i in 0 1 2 3; do assert_value "accepted$i" "0 $(system_default keepalive_time)"; done
	stop_background
	: >"$BATS_TEST_TMPDIR/background.log"
	activated_server -E LD_PRELOAD="$SHIM" -E KASHIM_KEEPIDLE=31
	# the first three were queued before listen, the last came after
	for i in 0 1 2 3; do assert_value "accepted$i" "1 31"; done
}

@test "socket activation: node's listen({fd: 3}) configures the connection that started it" {
	activate -- node -e 'require("http").createServer(() => {}).listen({ fd: 3 })'
	hold_client "$PORT"
	wait_until 10 established "( sport = :$PORT )" || flunk "no connection"
	# witness: node has accepted it (the moment kashim would configure it)
	wait_until 10 bash -c "ss -tnpH state established '( sport = :$PORT )' | grep -q '\"node\"'" ||
		flunk "node did not accept the connection"
	[ -z "$(ss_keepalive_seconds "( sport = :$PORT )")" ] || flunk "control: a timer without kashim"
	stop_background
	activate -E LD_PRELOAD="$SHIM" -E KASHIM_KEEPIDLE=44 -- \
		node -e 'require("http").createServer(() => {}).listen({ fd: 3 })'
	hold_client "$PORT"
	wait_until 10 timer_on "$PORT" || flunk "no timer on the first connection"
	assert_timer_near "( sport = :$PORT )" 44
}

@test "inetd-style: a program handed a connected socket on stdin and stdout is configured at load" {
	# sleep never touches a socket: only kashim's load can give it a timer
	activate --accept --inetd -- sleep 20
	hold_client "$PORT"
	wait_until 10 established "( sport = :$PORT )" || flunk "no connection"
	# witness: the program is past its load, blocked in its own sleep
	wait_until 10 holder_is "$PORT" sleep S || flunk "the program did not start"
	[ -z "$(ss_keepalive_seconds "( sport = :$PORT )")" ] || flunk "control: a timer without kashim"
	stop_background
	activate --accept --inetd -E LD_PRELOAD="$SHIM" -E KASHIM_KEEPIDLE=42 -- sleep 20
	hold_client "$PORT"
	assert_timer_near "( sport = :$PORT )" 42
}

@test "inetd-style: systemd's Accept=yes socket on fd 3 (LISTEN_FDS) is configured at load" {
	activate --accept -E LD_PRELOAD="$SHIM" -E KASHIM_KEEPIDLE=43 -- sleep 20
	hold_client "$PORT"
	assert_timer_near "( sport = :$PORT )" 43
	stop_background
	# KASHIM_PORTS is matched against the local port: another port leaves
	# it. The witness, in the same run: a connection to the port it names
	# is configured, and the program left alone is past its load.
	SECOND_PORT=$(free_port)
	while [ "$SECOND_PORT" = "$PORT" ]; do SECOND_PORT=$(free_port); done
	activate --accept -E LD_PRELOAD="$SHIM" -E KASHIM_KEEPIDLE=43 -E KASHIM_PORTS="$SECOND_PORT" -- sleep 20
	hold_client "$PORT"
	wait_until 10 established "( sport = :$PORT )" || flunk "no connection"
	hold_client "$SECOND_PORT"
	wait_until 10 timer_on "$SECOND_PORT" || flunk "witness: the port KASHIM_PORTS names was not configured"
	assert_timer_near "( sport = :$SECOND_PORT )" 43
	wait_until 10 holder_is "$PORT" sleep S || flunk "the program left alone did not start"
	[ -z "$(ss_keepalive_seconds "( sport = :$PORT )")" ] || flunk "KASHIM_PORTS=$SECOND_PORT still configured port $PORT"
}
