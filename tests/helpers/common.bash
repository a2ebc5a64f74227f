# Shared by every kashim bats file: paths, running under the shim, and
# assertions that print the command's output when they fail.

KASHIM_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BUILD=${BUILD:-$KASHIM_ROOT/build}
SHIM=$BUILD/libkashim.so
SOCKPROBE=$BUILD/sockprobe
CONFIG_CHECK=$BUILD/config-check

# Run a command with libkashim.so preloaded: under_shim [VAR=VALUE]... CMD...
under_shim() {
	env LD_PRELOAD="$SHIM" "$@"
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

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}
