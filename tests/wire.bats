#!/usr/bin/env bats
# On the wire, between two private network namespaces joined by a veth
# pair: keepalive probes from an unmodified server (legacy_server, which
# never calls setsockopt) under the shim, and a client that vanishes (its
# namespace drops every packet) found dead in idle + intvl x cnt seconds.
# The effects checked are packets captured by tcpdump, the kernel's
# TcpExtTCPKeepAlive counter, ss, and the error the server's blocked read()
# returns, each against the same server without the shim.
# Servers that are compared run side by side, so each test waits once.

load helpers/common
load helpers/netns

LEGACY=$BUILD/legacy_server

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces (uid $(id -u))"
	netns_create "$$-$BATS_TEST_NUMBER-$RANDOM" 2>"$BATS_TEST_TMPDIR/netns.log" ||
		skip "cannot create network namespaces here: $(cat "$BATS_TEST_TMPDIR/netns.log")"
}

teardown() {
	netns_destroy
	stop_background
}

# serve NAME PORT [--reply] [VAR=VALUE]...: legacy_server on PORT in the
# server's namespace, under the shim with the KASHIM_* VAR=VALUEs, or
# without the shim when none are given; its lines go to NAME.log.
serve() {
	local name=$1 port=$2 reply=() preload=()
	shift 2
	if [ "${1:-}" = --reply ]; then
		reply=(--reply)
		shift
	fi
	[ "$#" -eq 0 ] || preload=("LD_PRELOAD=$SHIM")
	netns_server env "${preload[@]}" "$@" "$LEGACY" "${reply[@]}" "$NETNS_SERVER_ADDR" "$port" \
		3>&- </dev/null >"$BATS_TEST_TMPDIR/$name.log" 2>&1 &
	BACKGROUND_PIDS+=($!)
}

# connect_and_vanish PORT...: a client connects to each PORT, sends one
# line and at once drops every packet. VANISHED is the time it did so.
connect_and_vanish() {
	netns_wait_listening 5 "$@" || flunk "servers not listening on $*"
	echo hello | netns_client "$@" 3>&- >"$BATS_TEST_TMPDIR/client.log" 2>&1 &
	BACKGROUND_PIDS+=($!)
	wait_until 5 grep -q '^vanished' "$BATS_TEST_TMPDIR/client.log" ||
		flunk "the client did not vanish: $(cat "$BATS_TEST_TMPDIR/client.log")"
	VANISHED=$(date +%s.%N)
}

# sleep_until_after SECONDS: sleep until SECONDS after VANISHED.
sleep_until_after() {
	sleep "$(awk -v t="$VANISHED" -v s="$1" -v now="$(date +%s.%N)" \
		'BEGIN { d = t + s - now; printf "%.2f", (d > 0 ? d : 0) }')"
}

# outcome NAME: how NAME's blocked read ended, or nothing while it blocks.
outcome() {
	grep -E 'read (failed|returned)' "$BATS_TEST_TMPDIR/$1.log" || true
}

# wait_outcome NAME SECONDS: wait up to SECONDS for NAME's read to end.
wait_outcome() {
	wait_until "$2" grep -qE 'read (failed|returned)' "$BATS_TEST_TMPDIR/$1.log" || true
}

# assert_timed_out NAME LOW HIGH: NAME's read failed with ETIMEDOUT after
# LOW to HIGH seconds; DETECTED is that time.
assert_timed_out() {
	output=$(cat "$BATS_TEST_TMPDIR/$1.log")
	DETECTED=$(outcome "$1" | sed -n 's/.*read failed: ETIMEDOUT .* after \([0-9.]*\) s$/\1/p')
	[ -n "$DETECTED" ] || flunk "$1: no ETIMEDOUT"
	awk -v d="$DETECTED" -v l="$2" -v h="$3" 'BEGIN { exit !(d >= l && d <= h) }' ||
		flunk "$1: ETIMEDOUT after $DETECTED s, expected $2-$3 s"
	echo "# $1: ETIMEDOUT after $DETECTED s" >&3
}

# assert_still_waiting NAME PORT: NAME's read has not ended and ss still
# sees its connection established.
assert_still_waiting() {
	output="$(cat "$BATS_TEST_TMPDIR/$1.log")"
	[ -z "$(outcome "$1")" ] || flunk "$1's read ended"
	output="$(netns_server ss -tnoH state established "( sport = :$2 )")"
	[ -n "$output" ] || flunk "$1: no established connection on port $2"
}

keepalive_counter() {
	netns_server nstat -asz TcpExtTCPKeepAlive | awk '$1 == "TcpExtTCPKeepAlive" { print $2 }'
}

# wire PORT: the capture, one classified packet a line (see probes.awk).
wire() {
	awk -v server="$NETNS_SERVER_ADDR.$1" -f "$KASHIM_ROOT/tests/helpers/probes.awk" \
		"$BATS_TEST_TMPDIR/wire"
}

# read_between PORT: reads the kernel's probe counter (before), the
# capture of PORT (output: probes, answers) and the counter again (after).
# True when the capture shows 3 probes or more, each answered, and no
# probe was sent between the reads: before <= probes <= after.
read_between() {
	before=$(keepalive_counter)
	output=$(wire "$1")
	after=$(keepalive_counter)
	probes=$(printf '%s\n' "$output" | grep -c ' probe ') || true
	answers=$(printf '%s\n' "$output" | grep -c ' answer ') || true
	[ "$probes" -ge 3 ] && [ "$answers" -eq "$probes" ] &&
		[ "$before" -le "$probes" ] && [ "$probes" -le "$after" ]
}

@test "probes leave every KASHIM_KEEPINTVL seconds, seen on the wire and by the kernel's counter" {
	netns_server tcpdump -i "$NETNS_SERVER_IF" -nn -tt -l --immediate-mode tcp 3>&- </dev/null \
		>"$BATS_TEST_TMPDIR/wire" 2>"$BATS_TEST_TMPDIR/tcpdump.log" &
	BACKGROUND_PIDS+=($!)
	wait_until 5 grep -q "listening on" "$BATS_TEST_TMPDIR/tcpdump.log" || flunk "tcpdump did not start"
	serve kashim 7000 KASHIM_KEEPIDLE=1 KASHIM_KEEPINTVL=1 KASHIM_KEEPCNT=10
	serve control 7001
	netns_wait_listening 5 7000 7001 || flunk "servers not listening"
	# a client that stays, and answers every probe
	netns_client 7000 7001 3>&- </dev/null >"$BATS_TEST_TMPDIR/client.log" 2>&1 &
	BACKGROUND_PIDS+=($!)
	wait_until 5 grep -q '^connected' "$BATS_TEST_TMPDIR/client.log" || flunk "no connection"
	# probes come about every second: poll until 3 or more are on the wire,
	# each answered, read between two probes (the kernel's counter read
	# before and after the capture brackets what the capture shows)
	local before after probes answers
	wait_until 8 read_between 7000 ||
		flunk "$probes probes, $answers answers on the wire; TcpExtTCPKeepAlive went $before..$after"
	# the first probe after KASHIM_KEEPIDLE, each next one KASHIM_KEEPINTVL later
	run awk '$2 == "connect" && !start { start = $1 }
		$2 == "probe" { gap = $1 - (last ? last : start); last = $1
			printf "%.3f ", gap; if (gap < 0.5 || gap > 1.5) bad = 1 }
		END { print ""; exit bad }' <<<"$output"
	echo "# probe intervals (s): $output" >&3
	assert_status 0
	output=$(wire 7001)
	! grep -qE ' (probe|answer) ' <<<"$output" || flunk "probes without the shim"
}

@test "a vanished client: ETIMEDOUT after idle + intvl x cnt with the shim, no error without it" {
	serve kashim 7000 KASHIM_KEEPIDLE=1 KASHIM_KEEPINTVL=1 KASHIM_KEEPCNT=3
	serve control 7001
	connect_and_vanish 7000 7001
	wait_outcome kashim 8
	assert_timed_out kashim 3.5 5.5
	# it gave up after exactly KASHIM_KEEPCNT unanswered probes
	output=$(keepalive_counter)
	[ "$output" -eq 3 ] || flunk "TcpExtTCPKeepAlive is $output, expected 3 probes"
	sleep_until_after 5.5
	assert_still_waiting control 7001
}

@test "unacknowledged data: keepalive alone still waits; KASHIM_USER_TIMEOUT=auto fails in time" {
	serve alone 7000 --reply KASHIM_KEEPIDLE=1 KASHIM_KEEPINTVL=1 KASHIM_KEEPCNT=3
	serve auto 7001 --reply KASHIM_KEEPIDLE=1 KASHIM_KEEPINTVL=1 KASHIM_KEEPCNT=3 \
		KASHIM_USER_TIMEOUT=auto
	connect_and_vanish 7000 7001
	# each server answers half a second after the line; its clock restarts then
	wait_until 3 grep -q '^legacy_server: wrote' "$BATS_TEST_TMPDIR/alone.log" ||
		flunk "no reply written: $(cat "$BATS_TEST_TMPDIR/alone.log")"
	wait_outcome auto 8
	assert_timed_out auto 3.5 5.5
	sleep_until_after 6
	assert_still_waiting alone 7000
	# its reply is still unacknowledged and being retransmitted ...
	[ "$(awk '{ print $2 }' <<<"$output")" -gt 0 ] || flunk "nothing in the send queue"
	assert_output_has "timer:(on,"
	# ... and the kernel sent no keepalive probe meanwhile
	output=$(keepalive_counter)
	[ "$output" -eq 0 ] || flunk "TcpExtTCPKeepAlive is $output, expected no probes"
}

@test "KASHIM_KEEPCNT governs the count: 3 and 6 probes take about 3 s apart" {
	serve three 7000 KASHIM_KEEPIDLE=1 KASHIM_KEEPINTVL=1 KASHIM_KEEPCNT=3
	serve six 7001 KASHIM_KEEPIDLE=1 KASHIM_KEEPINTVL=1 KASHIM_KEEPCNT=6
	connect_and_vanish 7000 7001
	wait_outcome six 11
	assert_timed_out three 3.5 5.5
	local three=$DETECTED
	assert_timed_out six 6.5 8.5
	run awk -v a="$three" -v b="$DETECTED" 'BEGIN { d = b - a; print d; exit !(d >= 2.5 && d <= 3.5) }'
	echo "# KASHIM_KEEPCNT 6 minus 3: $output s" >&3
	assert_status 0
}
