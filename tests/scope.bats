#!/usr/bin/env bats
# Choosing what gets keepalive: KASHIM_SIDES, KASHIM_PROGRAMS, KASHIM_PORTS
# and KASHIM_POLICY, read back with getsockopt and seen with ss.

bats_require_minimum_version 1.5.0
load helpers/common

# A program's own choice, as sockprobe --*-keepalive 50 makes it.
assert_own() {
	assert_value "$1.keepalive" 1
	assert_value "$1.idle" 50
	# what the program left at the system's default is kashim's to fill in
	assert_value "$1.intvl" 7
	assert_value "$1.cnt" 4
	assert_value "$1.user_timeout" $(((50 + 7 * 4) * 1000))
}

teardown() {
	stop_background
}

# --- KASHIM_SIDES ---------------------------------------------------------

@test "KASHIM_SIDES=accept: listener and accepted sockets only" {
	run under_shim "${CONFIG[@]}" KASHIM_SIDES=accept "$SOCKPROBE" pair
	assert_status 0
	assert_configured listener
	assert_configured accepted
	assert_untouched connected
	# also when accept has to configure the socket itself
	run under_shim "${CONFIG[@]}" KASHIM_SIDES=accept "$SOCKPROBE" pair --raw-listen
	assert_configured accepted
	assert_untouched connected
}

@test "KASHIM_SIDES=connect: connected sockets only; the listener is left alone" {
	run under_shim "${CONFIG[@]}" KASHIM_SIDES=connect "$SOCKPROBE" pair
	assert_status 0
	assert_untouched listener
	assert_untouched accepted
	assert_configured connected
	run under_shim "${CONFIG[@]}" KASHIM_SIDES=connect "$SOCKPROBE" pair --raw-listen
	assert_untouched accepted
	assert_configured connected
}

@test "KASHIM_SIDES=accept,connect is the default: both" {
	run under_shim "${CONFIG[@]}" KASHIM_SIDES=connect,accept "$SOCKPROBE" pair
	assert_configured accepted
	assert_configured connected
}

@test "a bad KASHIM_SIDES warns once and keeps both sides" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_SIDES=server "$SOCKPROBE" pair
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "want one line on stderr"
	[[ $stderr == *'KASHIM_SIDES="server" names an unknown side "server"; accepted: accept, connect or accept,connect; keeping both sides'* ]] ||
		flunk "warning"
	assert_configured accepted
	assert_configured connected
}

# --- KASHIM_PROGRAMS ------------------------------------------------------

@test "KASHIM_PROGRAMS naming the program: configured as usual" {
	run under_shim "${CONFIG[@]}" KASHIM_PROGRAMS=nginx,sockprobe "$SOCKPROBE" pair
	assert_configured listener
	assert_configured accepted
	assert_configured connected
	run under_shim "${CONFIG[@]}" KASHIM_PROGRAMS='!curl' "$SOCKPROBE" pair
	assert_configured accepted
	assert_configured connected
}

@test "KASHIM_PROGRAMS not naming it, or excluding it: every call passes straight through" {
	for list in nginx,redis-server '!sockprobe' 'sockprobe,!sockprobe'; do
		run under_shim "${CONFIG[@]}" KASHIM_PROGRAMS="$list" "$SOCKPROBE" pair
		assert_status 0
		assert_untouched listener
		assert_untouched accepted
		assert_untouched connected
		# also what the listen hook would have covered
		run under_shim "${CONFIG[@]}" KASHIM_PROGRAMS="$list" "$SOCKPROBE" pair --raw-accept
		assert_untouched accepted
	done
}

@test "KASHIM_PROGRAMS matches argv[0] as started too" {
	skip_unless_loadable bash -c true
	run env LD_PRELOAD="$SHIM_PRELOAD" "${CONFIG[@]}" KASHIM_PROGRAMS=legacy-app \
		bash -c 'exec -a legacy-app "$0" pair' "$SOCKPROBE"
	assert_status 0
	assert_configured accepted
	assert_configured connected
}

@test "an unselected program says so once with KASHIM_DEBUG, and nothing else" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 KASHIM_PROGRAMS='!sockprobe' "$SOCKPROBE" fork
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "want exactly one line on stderr"
	[[ $stderr =~ ^kashim\[[0-9]+\ sockprobe\]:\ program\ \"sockprobe\"\ \(argv\[0\]\ \"sockprobe\"\)\ is\ not\ selected\ by\ KASHIM_PROGRAMS:\ every\ call\ passes\ straight\ through$ ]] ||
		flunk "debug line"
	assert_untouched accepted
	# and without KASHIM_DEBUG, not a word
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_PROGRAMS='!sockprobe' "$SOCKPROBE" pair
	[ -z "$stderr" ] || flunk "stderr should be empty"
}

@test "a container-wide preload with KASHIM_PROGRAMS: the server gets keepalive, curl keeps its own" {
	skip_unless_loadable python3 -c pass
	skip_unless_loadable curl -s file:///dev/null
	PORT=$(free_port)
	# python3 runs as python3.X on Debian; the list names it by argv[0]
	start_listener "$PORT" env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_KEEPIDLE=94 KASHIM_PROGRAMS='!curl' \
		python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$PORT"
	start_background env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_KEEPIDLE=94 KASHIM_PROGRAMS='!curl' \
		curl -s --max-time 20 "http://127.0.0.1:$PORT/"
	assert_timer_near "( sport = :$PORT )" 94
	# curl was excluded: its own 60 s stands
	assert_timer_near "( dport = :$PORT )" 60
}

# --- KASHIM_PORTS ---------------------------------------------------------

@test "KASHIM_PORTS: the listening port selects listener and accepted, the remote port selects connected" {
	local port
	port=$(free_port)
	for ports in "$port" "22,$((port - 1))-$((port + 1)),65535" "$port-$port"; do
		run under_shim "${CONFIG[@]}" KASHIM_PORTS="$ports" "$SOCKPROBE" pair --port "$port"
		assert_status 0
		assert_configured listener
		assert_configured accepted
		assert_configured connected # its local port is an ephemeral one: the remote port counted
	done
}

@test "KASHIM_PORTS not listing the port: nothing configured on either side" {
	local port
	port=$(free_port)
	run under_shim "${CONFIG[@]}" KASHIM_PORTS="1-$((port - 1)),$((port + 1))-65535" "$SOCKPROBE" pair --port "$port"
	assert_status 0
	assert_untouched listener
	assert_untouched accepted
	assert_untouched connected
	# the same when the accepted socket is judged by its own local port
	run under_shim "${CONFIG[@]}" KASHIM_PORTS="1-$((port - 1)),$((port + 1))-65535" "$SOCKPROBE" pair --port "$port" --raw-listen
	assert_untouched accepted
	run under_shim "${CONFIG[@]}" KASHIM_PORTS="$port" "$SOCKPROBE" pair --port "$port" --raw-listen
	assert_configured accepted
}

@test "KASHIM_PORTS over IPv6, and a listener that listen() binds itself" {
	local port
	port=$(free_port)
	run under_shim "${CONFIG[@]}" KASHIM_PORTS="$port" "$SOCKPROBE" pair -6 --port "$port"
	assert_configured listener
	assert_configured accepted
	assert_configured connected
	# unbound until listen picks a port: judged just after listen
	run under_shim "${CONFIG[@]}" KASHIM_PORTS=1-65535 "$SOCKPROBE" pair --autobind
	assert_configured listener
	assert_configured accepted
	run under_shim "${CONFIG[@]}" KASHIM_PORTS=1 "$SOCKPROBE" pair --autobind
	assert_untouched listener
	assert_untouched accepted
}

@test "KASHIM_PORTS with KASHIM_DEBUG: the left-alone sockets are named" {
	local port
	port=$(free_port)
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 KASHIM_PORTS=1 "$SOCKPROBE" pair --port "$port"
	[[ $stderr == *"loaded: keepalive on idle=31 intvl=7 cnt=4 user_timeout=59000ms ports=1"* ]] || flunk "load line"
	[[ $stderr == *"listen fd="*" 127.0.0.1:$port left alone: port not in KASHIM_PORTS"* ]] || flunk "listen line"
	[[ $stderr == *"connect fd="*" ->127.0.0.1:$port left alone: port not in KASHIM_PORTS"* ]] || flunk "connect line"
}

# --- KASHIM_POLICY --------------------------------------------------------

@test "KASHIM_POLICY=respect: a listener the program set keepalive on keeps its values" {
	run under_shim "${CONFIG[@]}" KASHIM_POLICY=respect "$SOCKPROBE" pair --listener-keepalive 50
	assert_status 0
	assert_own listener
	assert_own accepted
	assert_configured connected # the client side set nothing itself
	# the same through accept's own check, when the listen hook did not see the listener
	run under_shim "${CONFIG[@]}" KASHIM_POLICY=respect "$SOCKPROBE" pair --listener-keepalive 50 --raw-listen
	assert_own accepted
}

@test "KASHIM_POLICY=override (the default): kashim's values replace the program's" {
	for policy in override ""; do
		run under_shim "${CONFIG[@]}" ${policy:+KASHIM_POLICY=$policy} "$SOCKPROBE" pair --listener-keepalive 50 --connect-keepalive 50
		assert_status 0
		assert_configured listener
		assert_configured accepted
		assert_configured connected
	done
	run under_shim "${CONFIG[@]}" "$SOCKPROBE" pair --listener-keepalive 50 --raw-listen
	assert_configured accepted
}

@test "KASHIM_POLICY=respect on connect: the program's own keepalive stands" {
	run under_shim "${CONFIG[@]}" KASHIM_POLICY=respect "$SOCKPROBE" pair --connect-keepalive 50
	assert_status 0
	assert_own connected
	assert_configured accepted
	# control: sockets the program left alone are still configured under respect
	run under_shim "${CONFIG[@]}" KASHIM_POLICY=respect "$SOCKPROBE" pair
	assert_configured connected
	assert_configured listener
}

@test "KASHIM_POLICY=respect: curl's own 60 s before connect stands" {
	skip_unless_loadable curl -s file:///dev/null
	PORT=$(free_port)
	start_listener "$PORT"
	start_background env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_KEEPIDLE=95 KASHIM_POLICY=respect \
		curl -s --max-time 20 "http://127.0.0.1:$PORT/"
	assert_timer_near "( dport = :$PORT )" 60
}

@test "KASHIM_POLICY=respect per value: the timer a program set stays, the rest are filled in" {
	plain_probe=$("$EDGEPROBE" respect)
	output=$plain_probe
	assert_value own_idle.keepalive 0
	assert_value own_idle.idle 100
	assert_value bare.idle "$(system_default keepalive_time)"
	run under_shim "${CONFIG[@]}" KASHIM_POLICY=respect "$EDGEPROBE" respect
	assert_status 0
	# socat's keepidle=100, set while SO_KEEPALIVE was still off
	assert_value own_idle.keepalive 1
	assert_value own_idle.idle 100
	assert_value own_idle.intvl 7
	assert_value own_idle.cnt 4
	assert_value own_idle.user_timeout $(((100 + 7 * 4) * 1000))
	# haproxy's bare option tcpka: keepalive on, every timer the system's
	assert_configured bare
	# control: override replaces the program's 100
	run under_shim "${CONFIG[@]}" "$EDGEPROBE" respect
	assert_configured own_idle
}

@test "KASHIM_POLICY=respect: real socat's keepidle=100 stands, and keepalive goes on" {
	skip_unless_loadable socat -V
	PORT=$(free_port)
	start_listener "$PORT"
	start_background env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_KEEPIDLE=41 KASHIM_POLICY=respect \
		socat -u "TCP:127.0.0.1:$PORT,keepidle=100" STDOUT
	assert_timer_near "( dport = :$PORT )" 100
	stop_background
	# control: override replaces it
	start_listener "$PORT"
	start_background env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_KEEPIDLE=41 \
		socat -u "TCP:127.0.0.1:$PORT,keepidle=100" STDOUT
	assert_timer_near "( dport = :$PORT )" 41
}

@test "a bad KASHIM_POLICY warns once and keeps override" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_POLICY=polite "$SOCKPROBE" pair --listener-keepalive 50
	[[ $stderr == *'KASHIM_POLICY="polite" is not a policy; accepted: override or respect; keeping override'* ]] || flunk "warning"
	assert_configured accepted
}

@test "bad KASHIM_PORTS and KASHIM_PROGRAMS warn and keep every port, every program" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_PORTS=http KASHIM_PROGRAMS=/usr/bin/x "$SOCKPROBE" pair
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 2 ] || flunk "want two lines on stderr"
	[[ $stderr == *'KASHIM_PORTS="http" has an item that is not a port "http"'*'; keeping every port'* ]] || flunk "ports warning"
	[[ $stderr == *'KASHIM_PROGRAMS="/usr/bin/x" names a path, not a program'*'; keeping every program'* ]] || flunk "programs warning"
	assert_configured accepted
	assert_configured connected
}
