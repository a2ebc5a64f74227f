#!/usr/bin/env bats
# The kashim wrapper: env(1)'s conventions, the library's own validation,
# LD_PRELOAD composition, and its effect on real sockets.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

setup() {
	MARKER=$BATS_TEST_TMPDIR/started
}

# refused ARG...: kashim ARG... exits 125 without starting its command
# (which would create $MARKER); its stderr is in $stderr.
refused() {
	run --separate-stderr "$KASHIM" "$@" -- touch "$MARKER"
	assert_status 125
	[ ! -e "$MARKER" ] || flunk "COMMAND was started despite the error"
}

@test "--help goes to stdout with exit 0 and names every option and variable" {
	run --separate-stderr "$KASHIM" --help
	assert_status 0
	[ -z "$stderr" ] || flunk "--help wrote to stderr"
	for word in --keepalive --idle --interval --count --user-timeout --debug --sides \
		--policy --ports --programs --help --version KASHIM_KEEPALIVE KASHIM_KEEPIDLE \
		KASHIM_KEEPINTVL KASHIM_KEEPCNT KASHIM_USER_TIMEOUT KASHIM_DEBUG KASHIM_SIDES \
		KASHIM_POLICY KASHIM_PORTS KASHIM_PROGRAMS \
		"Usage: kashim [OPTION]... [--] COMMAND [ARG]..." 125 126 127; do
		assert_output_has "$word"
	done
	run "$KASHIM" --version
	assert_status 0
	[[ "$output" =~ ^kashim\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || flunk "bad --version"
}

@test "every bad value: exit 125, the library parser's own message, COMMAND not started" {
	local option var value expected
	while read -r option var value; do
		[ "$value" = "''" ] && value=""
		run "$CONFIG_CHECK" "$var" "$value"
		[ "$status" -eq 1 ] || flunk "config-check accepted $var=$value"
		expected=$output
		refused "--$option" "$value"
		[ "$stderr" = "kashim: invalid --$option: $expected
Try 'kashim --help' for more information." ] || flunk "--$option '$value': expected '$expected'"
		# the --option=value spelling goes through the same check
		refused "--$option=$value"
		printf '%s\n' "$stderr" | grep -qF -- "$expected" || flunk "--$option=$value not checked"
	done <<-'LIST'
		idle KASHIM_KEEPIDLE abc
		idle KASHIM_KEEPIDLE 0
		idle KASHIM_KEEPIDLE 32768
		idle KASHIM_KEEPIDLE 1.5
		idle KASHIM_KEEPIDLE 10d
		idle KASHIM_KEEPIDLE -5
		idle KASHIM_KEEPIDLE ''
		interval KASHIM_KEEPINTVL 80abc
		interval KASHIM_KEEPINTVL 500ms
		count KASHIM_KEEPCNT 0
		count KASHIM_KEEPCNT 128
		count KASHIM_KEEPCNT 5s
		user-timeout KASHIM_USER_TIMEOUT 2147483648ms
		user-timeout KASHIM_USER_TIMEOUT automatic
		user-timeout KASHIM_USER_TIMEOUT 0.5ms
		keepalive KASHIM_KEEPALIVE maybe
		sides KASHIM_SIDES both
		policy KASHIM_POLICY polite
		ports KASHIM_PORTS 0
		ports KASHIM_PORTS ssh
		programs KASHIM_PROGRAMS /usr/sbin/nginx
	LIST
}

@test "usage errors: exit 125 with a clear message, COMMAND not started" {
	refused --bogus
	[ "${stderr%%$'\n'*}" = "kashim: unrecognized option '--bogus'" ] || flunk "unknown option"
	refused -i 5
	printf '%s\n' "$stderr" | grep -qF "unrecognized option '-i'" || flunk "short option"
	refused --idl 5 # no abbreviations
	printf '%s\n' "$stderr" | grep -qF "unrecognized option '--idl'" || flunk "abbreviation"
	refused --debug=1
	printf '%s\n' "$stderr" | grep -qF "option '--debug' doesn't allow an argument" || flunk "--debug=1"

	run --separate-stderr "$KASHIM" --idle
	assert_status 125
	printf '%s\n' "$stderr" | grep -qF "option '--idle' requires an argument" || flunk "missing argument"
	run --separate-stderr "$KASHIM" --idle 30
	assert_status 125
	printf '%s\n' "$stderr" | grep -qF "kashim: missing COMMAND" || flunk "missing COMMAND"
	run --separate-stderr "$KASHIM"
	assert_status 125
}

@test "COMMAND not found exits 127; not executable exits 126" {
	run -127 --separate-stderr "$KASHIM" --idle 30 kashim-no-such-command-$$
	assert_status 127
	[ "$stderr" = "kashim: cannot run 'kashim-no-such-command-$$': No such file or directory" ] ||
		flunk "message for a command not found"
	run -127 "$KASHIM" "$BATS_TEST_TMPDIR/missing/program"
	assert_status 127

	printf '#!/bin/sh\ntouch "%s"\n' "$MARKER" >"$BATS_TEST_TMPDIR/script"
	chmod 0644 "$BATS_TEST_TMPDIR/script"
	run --separate-stderr "$KASHIM" --idle 30 "$BATS_TEST_TMPDIR/script"
	assert_status 126
	[ "$stderr" = "kashim: cannot run '$BATS_TEST_TMPDIR/script': Permission denied" ] ||
		flunk "message for a command that cannot run"
	run "$KASHIM" "$BATS_TEST_TMPDIR"
	assert_status 126
	[ ! -e "$MARKER" ] || flunk "the script ran"
}

@test "kashim execs: COMMAND's status, its signal and kashim's own PID" {
	run "$KASHIM" -- sh -c 'exit 42'
	assert_status 42
	run "$KASHIM" --idle 30 sh -c 'exit 0'
	assert_status 0
	run "$KASHIM" sh -c 'kill -TERM $$'
	assert_status 143
	# the same process before and after the exec
	run --separate-stderr sh -c 'echo $$; exec "$1" sh -c "echo \$\$"' sh "$KASHIM"
	assert_status 0
	[ "$(printf '%s\n' "$output" | sort -u | wc -l)" -eq 1 ] || flunk "PID changed: not an exec"
	# arguments reach COMMAND untouched, options after COMMAND included
	run --separate-stderr "$KASHIM" printf '%s|' a '' '--idle' 'b c'
	[ "$output" = "a||--idle|b c|" ] || flunk "arguments changed"
}

@test "each option takes effect on real sockets; control: none without kashim" {
	run "$KASHIM" --idle 41 --interval 7 --count 4 --user-timeout 9s -- "$SOCKPROBE" pair
	assert_status 0
	for side in accepted connected; do
		assert_value $side.keepalive 1
		assert_value $side.idle 41
		assert_value $side.intvl 7
		assert_value $side.cnt 4
		assert_value $side.user_timeout 9000
	done
	run "$SOCKPROBE" pair
	assert_value accepted.keepalive 0
	assert_value accepted.idle "$(system_default keepalive_time)"
	assert_value accepted.user_timeout 0
}

@test "durations with units, and --user-timeout auto from the options" {
	run "$KASHIM" --idle 1.5m --interval 2000ms --count 3 --user-timeout auto "$SOCKPROBE" pair
	assert_value accepted.idle 90
	assert_value accepted.intvl 2
	assert_value accepted.user_timeout $(((90 + 2 * 3) * 1000))
	run "$KASHIM" --idle 41 --user-timeout auto "$SOCKPROBE" pair
	assert_value accepted.intvl "$(system_default keepalive_intvl)"
	assert_value accepted.user_timeout \
		$(((41 + $(system_default keepalive_intvl) * $(system_default keepalive_probes)) * 1000))
}

@test "options override the environment; variables not given pass through" {
	run env KASHIM_KEEPIDLE=100 KASHIM_KEEPCNT=6 "$KASHIM" --idle 41 "$SOCKPROBE" pair
	assert_value accepted.idle 41
	assert_value accepted.cnt 6
}

@test "--debug: the library logs from the same process, after kashim's own line" {
	run --separate-stderr "$KASHIM" --debug --idle 41 "$SOCKPROBE" pair
	assert_status 0
	output=$stderr
	assert_output_has "LD_PRELOAD=$(realpath "$SHIM")"
	assert_output_has "loaded: keepalive on idle=41"
	assert_output_has "accept fd="
	[ "$(printf '%s\n' "$stderr" | sed -n 's/^kashim\[\([0-9]*\) [^]]*\]: .*/\1/p' | sort -u | wc -l)" -eq 1 ] ||
		flunk "lines from more than one PID"
}

@test "LD_PRELOAD: added when unset or empty, first, keeping what was there" {
	local lib
	lib=$(realpath "$SHIM")
	run --separate-stderr env -u LD_PRELOAD "$KASHIM" printenv LD_PRELOAD
	[ "$output" = "$lib" ] || flunk "unset: expected $lib"
	run --separate-stderr env LD_PRELOAD= "$KASHIM" printenv LD_PRELOAD
	[ "$output" = "$lib" ] || flunk "empty: expected $lib"
	run --separate-stderr env LD_PRELOAD="libm.so.6 libdl.so.2" "$KASHIM" printenv LD_PRELOAD
	[ "$output" = "$lib:libm.so.6 libdl.so.2" ] || flunk "existing entries not kept"
	# the shim still works with other libraries preloaded beside it
	run env LD_PRELOAD="libm.so.6 libdl.so.2" "$KASHIM" --idle 41 "$SOCKPROBE" pair
	assert_value accepted.idle 41
}

@test "LD_PRELOAD: no duplicate when the library is already there, however spelled" {
	local lib twisted
	lib=$(realpath "$SHIM")
	for existing in "$lib" "libm.so.6:$lib" "$lib libm.so.6" libkashim.so; do
		# (a bare libkashim.so is not in the loader's path here: stderr says so)
		run --separate-stderr env LD_PRELOAD="$existing" "$KASHIM" printenv LD_PRELOAD
		[ "$output" = "$existing" ] || flunk "LD_PRELOAD='$existing' was changed"
	done
	# the same file by another path: a symlink, and a path with ..
	ln -s "$lib" "$BATS_TEST_TMPDIR/alias.so"
	twisted="$BUILD/../$(basename "$BUILD")/libkashim.so"
	for existing in "$BATS_TEST_TMPDIR/alias.so" "$twisted"; do
		run env LD_PRELOAD="$existing" "$KASHIM" --idle 41 "$SOCKPROBE" pair
		assert_value accepted.idle 41
		run --separate-stderr env LD_PRELOAD="$existing" "$KASHIM" printenv LD_PRELOAD
		[ "$output" = "$existing" ] || flunk "LD_PRELOAD='$existing' was changed"
	done
}

@test "the library is found from kashim's real location, even through a symlink" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	ln -s "$KASHIM" "$BATS_TEST_TMPDIR/bin/kashim"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" kashim --idle 41 "$SOCKPROBE" pair
	assert_status 0
	assert_value accepted.idle 41
}

@test "no library beside kashim or in ../lib: exit 125 saying where it looked" {
	mkdir -p "$BATS_TEST_TMPDIR/alone/bin"
	cp "$KASHIM" "$BATS_TEST_TMPDIR/alone/bin/kashim"
	run --separate-stderr "$BATS_TEST_TMPDIR/alone/bin/kashim" touch "$MARKER"
	assert_status 125
	[ ! -e "$MARKER" ] || flunk "COMMAND was started"
	output=$stderr
	assert_output_has "cannot find libkashim.so: looked for $BATS_TEST_TMPDIR/alone/bin/libkashim.so and $BATS_TEST_TMPDIR/alone/bin/../lib/libkashim.so"
}

@test "a library path LD_PRELOAD cannot hold (a space) is refused with 125" {
	mkdir -p "$BATS_TEST_TMPDIR/with space"
	cp "$KASHIM" "$SHIM" "$BATS_TEST_TMPDIR/with space/"
	run --separate-stderr "$BATS_TEST_TMPDIR/with space/kashim" touch "$MARKER"
	assert_status 125
	[ ! -e "$MARKER" ] || flunk "COMMAND was started"
	output=$stderr
	assert_output_has "LD_PRELOAD cannot hold a path with a space or a colon"
}

@test "--user-timeout takes no bare number: 30 would be 30 ms where --idle 30 is 30 s" {
	for value in 30 1000 1.5; do
		refused --user-timeout "$value"
		[ "${stderr%%$'\n'*}" = "kashim: invalid --user-timeout: \"$value\" has no unit; write ${value}s for seconds or ${value}ms for milliseconds" ] ||
			flunk "--user-timeout $value"
	done
	# with a unit, 0 (the kernel's default) and auto it runs
	for value in 30s 500ms 0 auto; do
		run --separate-stderr "$KASHIM" --idle 41 --user-timeout "$value" "$SOCKPROBE" pair
		assert_status 0
	done
	assert_value accepted.user_timeout $(((41 + $(system_default keepalive_intvl) * $(system_default keepalive_probes)) * 1000))
	run "$KASHIM" --user-timeout 30s "$SOCKPROBE" pair
	assert_value accepted.user_timeout 30000
	# the variable alone still takes bare milliseconds, as the kernel does
	run env KASHIM_USER_TIMEOUT=3000 "$KASHIM" "$SOCKPROBE" pair
	assert_value accepted.user_timeout 3000
}

@test "no timer set at all: kashim says once that the system's idle time applies" {
	local note="kashim: no timer set (--idle, --interval, --count, --user-timeout): the system's idle time applies, $(system_default keepalive_time) s before the first probe (net.ipv4.tcp_keepalive_time)"
	run --separate-stderr env -u KASHIM_KEEPIDLE -u KASHIM_KEEPINTVL -u KASHIM_KEEPCNT \
		-u KASHIM_USER_TIMEOUT "$KASHIM" "$SOCKPROBE" pair
	assert_status 0
	[ "$stderr" = "$note" ] || flunk "want exactly the note on stderr, got: $stderr"
	assert_value accepted.keepalive 1
	assert_value accepted.idle "$(system_default keepalive_time)"
	# any timer, from an option or from the environment, and nothing is said
	for setting in "--idle 41" "--interval 9" "--count 3" "--user-timeout 20s"; do
		run --separate-stderr "$KASHIM" $setting "$SOCKPROBE" pair
		[ -z "$stderr" ] || flunk "$setting: stderr should be empty"
	done
	run --separate-stderr env KASHIM_KEEPCNT=3 "$KASHIM" "$SOCKPROBE" pair
	[ -z "$stderr" ] || flunk "KASHIM_KEEPCNT: stderr should be empty"
	# nor with keepalive off: no timer applies at all
	run --separate-stderr "$KASHIM" --keepalive off "$SOCKPROBE" pair
	[ -z "$stderr" ] || flunk "--keepalive off: stderr should be empty"
	assert_value accepted.keepalive 0
}

@test "every variable is an option: --sides, --ports, --programs, --policy, --keepalive" {
	local port
	port=$(free_port)
	run "$KASHIM" --idle 41 --sides connect "$SOCKPROBE" pair
	assert_value connected.idle 41
	assert_value accepted.keepalive 0
	run "$KASHIM" --idle 41 --ports "$port" "$SOCKPROBE" pair --port "$port"
	assert_value accepted.idle 41
	run "$KASHIM" --idle 41 --ports=1 "$SOCKPROBE" pair --port "$port"
	assert_value accepted.keepalive 0
	assert_value connected.keepalive 0
	run "$KASHIM" --idle 41 --programs sockprobe "$SOCKPROBE" pair
	assert_value accepted.idle 41
	run "$KASHIM" --idle 41 --programs '!sockprobe' "$SOCKPROBE" pair
	assert_value accepted.keepalive 0
	run "$KASHIM" --idle 41 --policy respect "$SOCKPROBE" pair --connect-keepalive 50
	assert_value connected.idle 50
	assert_value accepted.idle 41
	run "$KASHIM" --idle 41 --keepalive off "$SOCKPROBE" pair
	assert_value accepted.keepalive 0
	# each sets its variable for COMMAND
	run --separate-stderr "$KASHIM" --keepalive on --sides accept --policy respect --ports 22,80 \
		--programs nginx --debug -- env
	for setting in KASHIM_KEEPALIVE=on KASHIM_SIDES=accept KASHIM_POLICY=respect \
		KASHIM_PORTS=22,80 KASHIM_PROGRAMS=nginx KASHIM_DEBUG=1; do
		printf '%s\n' "$output" | grep -qx -- "$setting" || flunk "$setting not set"
	done
}

@test "kashim's own messages escape bytes outside printable ASCII too" {
	refused $'--idle\x1b[2J' 5
	[ "${stderr%%$'\n'*}" = "kashim: unrecognized option '--idle\\x1b[2J'" ] || flunk "option"
	refused --idle $'\xc2\x9b5'
	[[ ${stderr%%$'\n'*} == 'kashim: invalid --idle: KASHIM_KEEPIDLE="\xc2\x9b5" is not a number'* ]] || flunk "value"
	run -127 --separate-stderr "$KASHIM" --idle 5 $'no-such\x85command'
	[ "$stderr" = "kashim: cannot run 'no-such\\x85command': No such file or directory" ] || flunk "command"
}

@test "a Go program under plain kashim: one line says the preload misses it, and what reaches it" {
	command -v gron >/dev/null || skip "gron (Debian's Go JSON tool) is not installed"
	local go_line='is a Go program: the preload does not reach its sockets'
	run --separate-stderr "$KASHIM" --idle 41 gron --version
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c "$go_line")" -eq 1 ] || flunk "want the Go line once"
	[[ $stderr == *"kashim: $(command -v gron) $go_line"*'15 s'*'--mode=seccomp'*'--pid PID --watch'* ]] ||
		flunk "the line names Go's 15 s and the options that reach it"
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "want nothing else"
	# the mode is not changed: the same process, preloaded
	run --separate-stderr "$KASHIM" --idle 41 gron --version
	[[ $output == *gron* ]] || flunk "gron's own output"
	# control: a program that is not Go hears nothing of it
	run --separate-stderr "$KASHIM" --idle 41 "$SOCKPROBE" pair
	assert_status 0
	[[ $stderr != *'Go program'* ]] || flunk "a C program was called a Go program"
	# nor does the operator who chose the preload
	run --separate-stderr "$KASHIM" --idle 41 --mode=preload gron --version
	[[ $stderr != *'Go program'* ]] || flunk "--mode=preload was told"
}
