#!/usr/bin/env bats
# kashim-inspect against live processes: what it shows must be what
# getsockopt reports inside the process (report_server.py prints that).

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

setup() {
	REPORT=$BATS_TEST_TMPDIR/report
}

teardown() {
	stop_background
}

# inspect_json PID: kashim-inspect --json PID into $BATS_TEST_TMPDIR/inspect.json.
inspect_json() {
	run --separate-stderr "$KASHIM_INSPECT" --json "$1"
	assert_status 0
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/inspect.json"
}

# assert_matches_inside: the JSON agrees with the process's own report.
assert_matches_inside() {
	run python3 "$INSPECT_MATCHES" "$REPORT" "$BATS_TEST_TMPDIR/inspect.json"
	assert_status 0
}

# table_row FD: the table row of socket FD, in $output.
table_row() {
	printf '%s\n' "$table" | awk -v fd="$1" '$1 == fd'
}

# assert_table_matches_report: every socket the process reported has one
# row in $table, whose KEEPALIVE (on or off), IDLE, INTVL, CNT and
# USER_TIMEOUT are what getsockopt read inside, and whose TIMER is a
# keepalive timer exactly when keepalive is on and the socket connected.
assert_table_matches_report() {
	local fd row expected count=0
	for fd in $(report_fds "$REPORT"); do
		row=$(table_row "$fd")
		[ -n "$row" ] || flunk "no row for fd $fd in: $table"
		expected="$([ "$(report_value "$REPORT" "$fd" keepalive)" = 1 ] && echo on || echo off)"
		expected+=" $(report_value "$REPORT" "$fd" keepidle)s"
		expected+=" $(report_value "$REPORT" "$fd" keepintvl)s"
		expected+=" $(report_value "$REPORT" "$fd" keepcnt)"
		expected+=" $(report_value "$REPORT" "$fd" user_timeout)ms"
		[ "$(awk '{ print $5, $6, $7, $8, $9 }' <<<"$row")" = "$expected" ] ||
			flunk "fd $fd: row '$row', getsockopt inside: $expected"
		if [[ $expected == on* && $row == *" ESTABLISHED "* ]]; then
			[[ $row =~ \ keepalive\ [0-9.]+s$ ]] || flunk "fd $fd: no keepalive timer: $row"
		else
			[[ $row =~ \ -$ ]] || flunk "fd $fd: a timer without keepalive: $row"
		fi
		count=$((count + 1))
	done
	[ "$count" -eq 6 ] || flunk "compared $count rows, expected 6"
}

@test "a python3 server under the shim: the values getsockopt reports inside, and the timer" {
	start_report_server "$REPORT" "$KASHIM" --idle 41 --interval 7 --count 4 --user-timeout auto
	inspect_json "$SERVER_PID"
	assert_matches_inside
	# the connected and accepted ends (IPv4 and IPv6) carry the shim's values
	run python3 - "$BATS_TEST_TMPDIR/inspect.json" <<-'PY'
		import json, sys
		sockets = json.load(open(sys.argv[1]))["processes"][0]["sockets"]
		for s in sockets:
		    o, t = s["options"], s["timer"]
		    print(s["fd"], s["family"], s["state"], s["local"]["address"], o["keepalive"],
		          o["keepidle"], o["keepintvl"], o["keepcnt"], o["user_timeout"],
		          t["kind"], t["seconds"])
	PY
	assert_status 0
	[ "$(printf '%s\n' "$output" | grep -c ' ESTABLISHED ')" -eq 4 ] || flunk "expected 4 connections"
	[ "$(printf '%s\n' "$output" | grep -c ' LISTEN ')" -eq 2 ] || flunk "expected 2 listeners"
	printf '%s\n' "$output" | grep -q ' ipv6 ESTABLISHED ::1 ' || flunk "no IPv6 connection"
	printf '%s\n' "$output" | awk '$3 == "ESTABLISHED" {
		if ($5 != "True" || $6 != 41 || $7 != 7 || $8 != 4 || $9 != 69000 ||
		    $10 != "keepalive" || $11 > 41 || $11 < 36) bad = 1 }
		$3 == "LISTEN" { # configured by the listen hook; a listener has no timer
			if ($5 != "True" || $6 != 41 || $9 != 69000 || $10 != "none") bad = 1 }
		END { exit bad }' || flunk "unexpected values"
}

@test "the same server without the shim: keepalive off, system defaults, no timer" {
	start_report_server "$REPORT"
	inspect_json "$SERVER_PID"
	assert_matches_inside
	run python3 - "$BATS_TEST_TMPDIR/inspect.json" "$(system_default keepalive_time)" <<-'PY'
		import json, sys
		sockets = json.load(open(sys.argv[1]))["processes"][0]["sockets"]
		for s in sockets:
		    assert s["options"]["keepalive"] is False, s
		    assert s["options"]["keepidle"] == int(sys.argv[2]), s
		    assert s["options"]["user_timeout"] == 0, s
		    assert s["timer"]["kind"] == "none", s
		print(len(sockets), "sockets without keepalive")
	PY
	assert_status 0
}

@test "a program's own settings are shown, not the environment's" {
	# KASHIM_* in the environment without the library: nothing applies them
	OWN_IDLE=77 start_report_server "$REPORT" env KASHIM_KEEPIDLE=41
	inspect_json "$SERVER_PID"
	assert_matches_inside
	run python3 - "$BATS_TEST_TMPDIR/inspect.json" <<-'PY'
		import json, sys
		sockets = json.load(open(sys.argv[1]))["processes"][0]["sockets"]
		on = [s for s in sockets if s["options"]["keepalive"]]
		assert len(on) == 1 and on[0]["options"]["keepidle"] == 77, on
		assert on[0]["timer"]["kind"] == "keepalive" and 72 <= on[0]["timer"]["seconds"] <= 77, on
		print("fd", on[0]["fd"], "keepalive 77 by the program itself")
	PY
	assert_status 0
}

@test "the table: one aligned row per socket with the same values" {
	start_report_server "$REPORT" "$KASHIM" --idle 41 --interval 7 --count 4 --user-timeout 9s
	run --separate-stderr "$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 0
	table=$output
	assert_output_has "PID $SERVER_PID (python3): 6 TCP sockets"
	# every line has its columns at the header's offsets
	printf '%s\n' "$output" | sed -n '2p' | grep -q '^FD  *STATE  *LOCAL  *REMOTE  *KEEPALIVE  *IDLE  *INTVL  *CNT  *USER_TIMEOUT  *TIMER$' ||
		flunk "no header"
	run awk 'NR == 2 { at = index($0, "TIMER") } NR > 2 && substr($0, at - 2, 2) != "  " { bad = 1 } END { exit bad }' <<<"$table"
	assert_status 0
	assert_table_matches_report
	for fd in $(report_fds "$REPORT"); do
		[ "$(report_value "$REPORT" "$fd" keepalive)" = 1 ] || flunk "fd $fd not configured"
		output=$(table_row "$fd")
		if [[ "$output" == *" LISTEN "* ]]; then # the listen hook's; no timer on a listener
			[[ "$output" =~ \ on\ +41s\ +7s\ +4\ +9000ms\ +-$ ]] || flunk "row of listener fd $fd"
			continue
		fi
		[[ "$output" =~ ESTABLISHED\ .*\ on\ +41s\ +7s\ +4\ +9000ms\ +keepalive\ (3[6-9]|4[01])\.[0-9][0-9]s$ ]] ||
			flunk "row of fd $fd"
	done
}

@test "the table in both states: off rows and the program's own on row, as read inside" {
	# no shim: keepalive off everywhere but the socket the program set itself
	OWN_IDLE=77 start_report_server "$REPORT"
	run --separate-stderr "$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 0
	table=$output
	assert_table_matches_report
	[ "$(awk '$5 == "off"' <<<"$table" | wc -l)" -eq 5 ] || flunk "expected 5 rows off: $table"
	[ "$(awk '$5 == "on" && $6 == "77s"' <<<"$table" | wc -l)" -eq 1 ] || flunk "expected 1 row on: $table"
}

@test "several PIDs; one that does not exist is reported and makes the status 1" {
	start_report_server "$REPORT" "$KASHIM" --idle 41
	run --separate-stderr "$KASHIM_INSPECT" "$SERVER_PID" 2147483647 $$
	assert_status 1
	assert_output_has "PID $SERVER_PID (python3): 6 TCP sockets"
	assert_output_has "PID $$ ("
	[ "$stderr" = "kashim-inspect: PID 2147483647: no such process" ] || flunk "message for no process"
	run --separate-stderr "$KASHIM_INSPECT" --json "$SERVER_PID" 2147483647
	assert_status 1
	run python3 -c 'import json, sys; d = json.load(sys.stdin); print([p["error"] for p in d["processes"]])' <<<"$output"
	[ "$output" = "[None, 'No such file or directory']" ] || flunk "errors in JSON"
}

@test "--json is valid JSON (python3 -m json.tool), also with no sockets and odd names" {
	start_report_server "$REPORT" "$KASHIM" --idle 41
	# a process named by the file it ran: a quote, a backslash, a control byte, Latin-1
	local odd
	odd=$BATS_TEST_TMPDIR/$(printf 'o"d\\\001\351')
	ln -s "$(command -v sleep)" "$odd"
	start_background "$odd" 30
	run bash -c "'$KASHIM_INSPECT' --json '$SERVER_PID' '${BACKGROUND_PIDS[-1]}' | python3 -m json.tool"
	assert_status 0
	assert_output_has '"keepidle": 41'
	assert_output_has '"command": "o\"d\\\u0001\u00e9"'
	assert_output_has '"sockets": []'
	# and the table does not send the control byte to the terminal
	run "$KASHIM_INSPECT" "${BACKGROUND_PIDS[-1]}"
	assert_output_has "(o\"d\\??): no TCP sockets"
}

@test "usage errors exit 2; --help and --version exit 0" {
	run -2 --separate-stderr "$KASHIM_INSPECT"
	[ "${stderr%%$'\n'*}" = "kashim-inspect: missing PID" ] || flunk "missing PID"
	run -2 --separate-stderr "$KASHIM_INSPECT" 12abc
	[ "${stderr%%$'\n'*}" = "kashim-inspect: '12abc' is not a process ID" ] || flunk "bad PID"
	run -2 "$KASHIM_INSPECT" 0
	run -2 "$KASHIM_INSPECT" -- -5
	run -2 "$KASHIM_INSPECT" 99999999999999999999
	run -2 --separate-stderr "$KASHIM_INSPECT" --table 1
	[ "${stderr%%$'\n'*}" = "kashim-inspect: unrecognized option '--table'" ] || flunk "bad option"
	run -0 "$KASHIM_INSPECT" --help
	assert_output_has "Usage: kashim-inspect [--json] [--output FILE] PID..."
	run -0 "$KASHIM_INSPECT" --version
}

# A copy of kashim-inspect that any user can run, wherever the tree is.
world_readable_copy() {
	COPY_DIR=$(mktemp -d /tmp/kashim-inspect.XXXXXX)
	chmod 0755 "$COPY_DIR"
	cp "$KASHIM_INSPECT" "$COPY_DIR/"
	chmod 0755 "$COPY_DIR/kashim-inspect"
}

@test "permission denied: user nobody inspecting a root process is told plainly what would grant it" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to start a root process and switch to nobody"
	world_readable_copy
	start_report_server "$REPORT" "$KASHIM" --idle 41
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$COPY_DIR/kashim-inspect" "$SERVER_PID"
	rm -rf "$COPY_DIR"
	assert_status 1
	output=$stderr
	assert_output_has "kashim-inspect: PID $SERVER_PID (python3): permission denied"
	assert_output_has "needs ptrace permission"
	assert_output_has "as root (sudo kashim-inspect $SERVER_PID)"
	assert_output_has "CAP_SYS_PTRACE"
	assert_output_has "as the process's own user"
	# control: root itself reads the same process
	run "$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 0
}

@test "options denied but /proc readable (as under ptrace_scope 1): sockets and timers shown, options '?'" {
	# pidfd_getfd refused with EPERM by a seccomp filter on kashim-inspect alone
	start_report_server "$REPORT" "$KASHIM" --idle 41
	run --separate-stderr python3 "$KASHIM_ROOT/tests/helpers/deny_pidfd_getfd.py" \
		"$KASHIM_INSPECT" "$SERVER_PID"
	assert_status 1
	table=$output
	assert_output_has "PID $SERVER_PID (python3): 6 TCP sockets"
	for fd in $(report_fds "$REPORT"); do
		output=$(table_row "$fd")
		[[ "$output" =~ \ \?\ +\?\ +\?\ +\?\ +\?\ + ]] || flunk "options of fd $fd not shown as unknown"
		# listeners carry keepalive too (the listen hook), but never a timer
		if [ "$(report_value "$REPORT" "$fd" keepalive)" = 1 ] && [[ "$output" != *" LISTEN "* ]]; then
			[[ "$output" =~ keepalive\ (3[6-9]|4[01])\.[0-9][0-9]s$ ]] || flunk "no timer on fd $fd"
		fi
	done
	output=$stderr
	assert_output_has "PID $SERVER_PID (python3): permission denied duplicating its sockets (pidfd_getfd)"
	assert_output_has "needs ptrace permission"
	run --separate-stderr python3 "$KASHIM_ROOT/tests/helpers/deny_pidfd_getfd.py" \
		"$KASHIM_INSPECT" --json "$SERVER_PID"
	assert_status 1
	run python3 -c '
import json, sys
sockets = json.load(sys.stdin)["processes"][0]["sockets"]
assert len(sockets) == 6 and all(s["options"] is None for s in sockets), sockets
assert {s["options_error"] for s in sockets} == {"Operation not permitted"}, sockets
print(sorted(s["timer"]["kind"] for s in sockets))' <<<"$output"
	assert_status 0
	[ "$output" = "['keepalive', 'keepalive', 'keepalive', 'keepalive', 'none', 'none']" ] ||
		flunk "timers"
}

@test "an unprivileged user inspects its own process without any privilege" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to user nobody"
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
	[ "$scope" -eq 0 ] || skip "kernel.yama.ptrace_scope=$scope forbids it outside a process's ancestors"
	world_readable_copy
	# the whole kit where nobody can reach it, wherever the tree is
	chmod 0777 "$COPY_DIR"
	cp "$KASHIM" "$SHIM" "$REPORT_SERVER" "$COPY_DIR/"
	REPORT=$COPY_DIR/report
	start_background setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$COPY_DIR/kashim" --idle 42 python3 "$COPY_DIR/report_server.py" "$REPORT"
	wait_until 10 test -s "$REPORT" || flunk "no report"
	SERVER_PID=$(sed -n 's/^pid=//p' "$REPORT")
	[ "$(stat -c %u "/proc/$SERVER_PID")" = "$(id -u nobody)" ] || flunk "server not running as nobody"
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$COPY_DIR/kashim-inspect" --json "$SERVER_PID"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/inspect.json"
	cp "$REPORT" "$BATS_TEST_TMPDIR/report.copy"
	stop_background
	rm -rf "$COPY_DIR"
	assert_status 0
	assert_output_has '"keepidle": 42'
	REPORT=$BATS_TEST_TMPDIR/report.copy
	assert_matches_inside
}

@test "kashim-inspect built with musl reads the same values" {
	command -v musl-gcc >/dev/null || flunk "musl-gcc is missing (package musl-tools)"
	local build=$BATS_TEST_TMPDIR/musl
	run make -s -C "$KASHIM_ROOT" BUILD="$build" CC=musl-gcc "$build/kashim-inspect" "$build/kashim"
	assert_status 0
	# the program interpreter names the C library it was linked with
	run readelf -l "$build/kashim-inspect"
	assert_output_has 'Requesting program interpreter: /lib/ld-musl'
	run -125 --separate-stderr "$build/kashim" --count 128 true
	[ "${stderr%%$'\n'*}" = 'kashim: invalid --count: KASHIM_KEEPCNT="128" is out of range (1-127)' ] ||
		flunk "musl kashim's message"
	start_report_server "$REPORT" "$KASHIM" --idle 43
	KASHIM_INSPECT=$build/kashim-inspect inspect_json "$SERVER_PID"
	assert_matches_inside
}
