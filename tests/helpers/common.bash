# Shared by every kashim bats file: paths, running under the shim, and
# assertions that print the command's output when they fail.

KASHIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# BUILD comes from the environment, so one suite tests several builds
# (make sanitize, make musl-test); a relative one is the repository's.
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$KASHIM_ROOT/$BUILD ;; esac
SHIM=$BUILD/libkashim.so
SOCKPROBE=$BUILD/sockprobe
CONFIG_CHECK=$BUILD/config-check
SIGCHECK=$BUILD/sigcheck
CONFIG_PROPERTY=$BUILD/config-property
STRESS=$BUILD/stress
STRESS_EARLY=$BUILD/libstress-early.so
EDGEPROBE=$BUILD/edgeprobe
EARLY_SIGNAL=$BUILD/libearly-signal.so

# What LD_PRELOAD must hold to load the shim (or another library of this
# build). A library built with -fsanitize=address needs the ASan runtime it
# was linked with loaded before anything else: RUNTIME_PRELOAD is then that
# runtime's path (as ldd names it) and a colon, and otherwise empty.
RUNTIME_PRELOAD=$(ldd "$SHIM" 2>/dev/null | awk '$1 ~ /^libasan\.so/ && $3 ~ /^\// { print $3 ":" }')
SHIM_PRELOAD=$RUNTIME_PRELOAD$SHIM

# Run a command with libkashim.so preloaded: under_shim [VAR=VALUE]... CMD...
under_shim() {
	env LD_PRELOAD="$SHIM_PRELOAD" "$@"
}

# Is the shim built against musl (make musl-test)? Its libc is "libc.so".
shim_is_musl() {
	objdump -p "$SHIM" | awk '$1 == "NEEDED" { print $2 }' | grep -qx 'libc\.so'
}

# skip_unless_loadable COMMAND [ARG]...: skip when the shim cannot be
# loaded into the system's program COMMAND. A musl-built shim cannot go
# into a glibc program at all; with an ASan build, COMMAND (a quick run
# that succeeds) must run with the ASan runtime preloaded, shim or not
# (curl deadlocks at start with it).
skip_unless_loadable() {
	if shim_is_musl; then
		skip "a musl-built libkashim.so cannot be loaded into glibc's $1"
	fi
	if [ -n "$RUNTIME_PRELOAD" ] &&
		! timeout 3 env LD_PRELOAD="${RUNTIME_PRELOAD%:}" ASAN_OPTIONS=detect_leaks=0 "$@" >/dev/null 2>&1; then
		skip "$1 does not run with the ASan runtime preloaded, with or without kashim"
	fi
}

# early_first_preload LIBRARY: LD_PRELOAD with LIBRARY placed so that its
# constructor runs before the shim's: glibc runs preloaded libraries'
# constructors last first, musl first first.
early_first_preload() {
	if shim_is_musl; then
		echo "$RUNTIME_PRELOAD$1:$SHIM"
	else
		echo "$SHIM_PRELOAD:$1"
	fi
}

# Fail the test with a reason, showing what the command printed.
flunk() {
	{
		echo "FAILED: $*"
		echo "--- output (status ${status:-?}):"
		printf '%s\n' "${output:-}"
		if [ -n "${stderr:-}" ]; then
			echo "--- stderr:"
			printf '%s\n' "$stderr"
		fi
	} >&2
	return 1
}

# The value of key=value line KEY in $output (empty when absent).
value_of() {
	printf '%s\n' "$output" | sed -n "s/^$1=//p" | head -n 1
}

# assert_value KEY EXPECTED: $output has the line KEY=EXPECTED.
assert_value() {
	local actual
	actual=$(value_of "$1")
	[ "$actual" = "$2" ] || flunk "expected $1=$2, got '$actual'"
}

assert_status() {
	[ "$status" -eq "$1" ] || flunk "expected exit status $1, got $status"
}

# assert_output_has TEXT: some line of $output contains TEXT.
assert_output_has() {
	printf '%s\n' "$output" | grep -qF -- "$1" || flunk "output lacks: $1"
}

assert_output_lacks() {
	! printf '%s\n' "$output" | grep -qF -- "$1" || flunk "output should not contain: $1"
}

# The kernel's default for a keepalive sysctl, e.g. system_default keepalive_time.
system_default() {
	cat "/proc/sys/net/ipv4/tcp_$1"
}

# The configuration tests run the shim with, and checks for it: every
# option, values no program here would pick (auto = 31 + 7 x 4 s).
CONFIG=(KASHIM_KEEPIDLE=31 KASHIM_KEEPINTVL=7 KASHIM_KEEPCNT=4 KASHIM_USER_TIMEOUT=auto)

# assert_configured SIDE: SIDE carries every option of CONFIG.
assert_configured() {
	assert_value "$1.keepalive" 1
	assert_value "$1.idle" 31
	assert_value "$1.intvl" 7
	assert_value "$1.cnt" 4
	assert_value "$1.user_timeout" 59000
}

# assert_untouched SIDE: no keepalive, the system's idle time, no user timeout.
assert_untouched() {
	assert_value "$1.keepalive" 0
	assert_value "$1.idle" "$(system_default keepalive_time)"
	assert_value "$1.user_timeout" 0
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# A free TCP port on loopback (the usual small race is acceptable here).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# listening PORT: something listens on loopback TCP PORT.
listening() {
	[ -n "$(ss -tlnH "( sport = :$1 )")" ]
}

# start_listener PORT [CMD...]: run CMD in the background (by default
# hold_server.py, which accepts and holds every connection and sets no
# socket option) and wait until PORT listens.
start_listener() {
	local port=$1
	shift
	[ "$#" -gt 0 ] || set -- python3 "$KASHIM_ROOT/tests/helpers/hold_server.py" "$port"
	start_background "$@"
	wait_until 15 listening "$port" ||
		flunk "nothing listens on $port; log: $(cat "$BATS_TEST_TMPDIR/background.log")"
}

# start_idle_client PORT [VAR=VALUE]...: bash connects to loopback PORT
# through /dev/tcp and says nothing for 20 s; under the shim when
# VAR=VALUE settings are given, without it otherwise.
start_idle_client() {
	local port=$1
	shift
	if [ "$#" -gt 0 ]; then
		start_background under_shim "$@" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; sleep 20"
	else
		start_background bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; sleep 20"
	fi
}

# start_background CMD...: run CMD in the background, killed by
# stop_background (call it from teardown). fd 3 is closed so bats does not
# wait for the child.
BACKGROUND_PIDS=()
start_background() {
	"$@" 3>&- </dev/null >>"$BATS_TEST_TMPDIR/background.log" 2>&1 &
	BACKGROUND_PIDS+=($!)
}

stop_background() {
	local pid
	for pid in "${BACKGROUND_PIDS[@]}"; do
		pkill -P "$pid" 2>/dev/null || true
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BACKGROUND_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	BACKGROUND_PIDS=()
}

# ss_keepalive_seconds FILTER: the keepalive timer's remaining whole seconds
# on the first established TCP socket matching the ss FILTER, as ss -tno
# shows it from outside the process ("timer:(keepalive,1min16sec,0)");
# empty when that socket has no keepalive timer or does not exist.
ss_keepalive_seconds() {
	ss -tnoH state established "$1" | sed -n 's/.*timer:(keepalive,\([^,]*\),.*/\1/p' | head -n 1 |
		awk '{ t = $0; s = 0
		       if (match(t, /[0-9]+min/)) { s += 60 * substr(t, RSTART, RLENGTH - 3); t = substr(t, RSTART + RLENGTH) }
		       if (match(t, /^[0-9]+(sec|\.)/)) { s += substr(t, 1, RLENGTH - (substr(t, RLENGTH, 1) == "." ? 1 : 3)) }
		       print s }'
}

# established FILTER: some established socket matches.
established() {
	[ -n "$(ss -tnH state established "$1")" ]
}

# assert_timer_near FILTER IDLE: a keepalive timer counting down from IDLE.
assert_timer_near() {
	local seconds
	wait_until 5 established "$1" || flunk "no established connection for $1"
	seconds=$(ss_keepalive_seconds "$1")
	output="$(ss -tnoH state established "$1")"
	[ -n "$seconds" ] || flunk "no keepalive timer on $1"
	[ "$seconds" -le "$2" ] && [ "$seconds" -ge $(($2 - 5)) ] ||
		flunk "keepalive timer at ${seconds}s, expected just under $2 s"
}
