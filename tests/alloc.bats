#!/usr/bin/env bats
# The shim never touches the heap: a counting malloc (alloc-count.so),
# preloaded first, sees the same number of allocations with and without
# libkashim.so beside it, over the whole life of a process that makes many
# configured connections. A control proves the counter sees allocations
# made inside a preloaded library's wrapper.

load helpers/common

ALLOC_COUNT=$BUILD/alloc-count.so
ALLOC_CONNECT=$BUILD/alloc-connect.so
# common.bash's CONFIG (31/7/4, auto, which reads /proc), plus every other
# setting that has its own code path: program names (/proc/self/exe), ports,
# policy.
ALLOC_CONFIG=("${CONFIG[@]}" 'KASHIM_PROGRAMS=sockprobe,!curl'
	KASHIM_PORTS=1-65535 KASHIM_POLICY=respect)

# run_counted [LIBRARY]... -- [VAR=VALUE]... COMMAND...: run COMMAND with
# alloc-count.so and then each LIBRARY preloaded; $count is the number of
# allocations the process made, read from the file the counter writes at exit.
run_counted() {
	local preload=$ALLOC_COUNT file=$BATS_TEST_TMPDIR/count
	while [ "$1" != "--" ]; do
		preload="$preload $1"
		shift
	done
	shift
	rm -f "$file"
	run env LD_PRELOAD="$preload" ALLOC_COUNT_FILE="$file" "$@"
	count=$(sed -n 's/^allocations=//p' "$file" 2>/dev/null)
	[ -n "$count" ] || flunk "the counter wrote no count"
}

@test "control: the counter sees the one allocation per connect of a preloaded wrapper" {
	run_counted -- "$SOCKPROBE" threads 2 100 0
	assert_status 0
	baseline=$count
	run_counted "$ALLOC_CONNECT" -- "$SOCKPROBE" threads 2 100 0
	assert_status 0
	assert_value connections 200
	[ "$count" -eq $((baseline + 200)) ] ||
		flunk "expected $((baseline + 200)) allocations, counted $count"
}

@test "control: the counter sees the program's own allocations (stdio's buffer)" {
	run_counted -- "$SOCKPROBE" pair
	assert_status 0
	[ "$count" -ge 1 ] || flunk "counted $count allocations, expected at least 1"
}

@test "one connection, with debug lines and warnings: the shim allocates nothing" {
	# a bad value, an unknown name and another library's name: every warning
	local mistakes=(KASHIM_KEEPALIVE=bogus KASHIM_IDLE=1 KEEPIDLE=1)
	run_counted -- "${ALLOC_CONFIG[@]}" KASHIM_DEBUG=1 "${mistakes[@]}" "$SOCKPROBE" pair
	assert_status 0
	baseline=$count
	run_counted "$SHIM" -- "${ALLOC_CONFIG[@]}" KASHIM_DEBUG=1 "${mistakes[@]}" "$SOCKPROBE" pair
	assert_status 0
	# the shim did its work: both ends configured, logged, warned
	assert_value connected.idle 31
	assert_value accepted.cnt 4
	assert_output_has "KASHIM_KEEPALIVE=\"bogus\""
	assert_output_has "did you mean KASHIM_KEEPIDLE?"
	assert_output_has "KEEPIDLE is libkeepalive's variable"
	assert_output_has "accept fd="
	[ "$count" -eq "$baseline" ] ||
		flunk "the shim allocated: $count allocations with it, $baseline without"
}

@test "4 threads x 250 connections: the shim allocates nothing" {
	run_counted -- "$SOCKPROBE" threads 4 250 31
	assert_status 0
	baseline=$count
	run_counted "$SHIM" -- "${ALLOC_CONFIG[@]}" "$SOCKPROBE" threads 4 250 31
	assert_status 0
	assert_value configured 1000
	[ "$count" -eq "$baseline" ] ||
		flunk "the shim allocated: $count allocations with it, $baseline without"
}

@test "unix sockets and failing calls: the shim allocates nothing" {
	local mode
	for mode in unix "errno accept-notsock" "errno connect-refused"; do
		# shellcheck disable=SC2086 # mode is a command and its argument
		run_counted -- "$SOCKPROBE" $mode
		baseline=$count
		# shellcheck disable=SC2086
		run_counted "$SHIM" -- "${ALLOC_CONFIG[@]}" "$SOCKPROBE" $mode
		[ "$count" -eq "$baseline" ] ||
			flunk "$mode: $count allocations with the shim, $baseline without"
	done
}

@test "a program KASHIM_PROGRAMS leaves out, with debug: the shim allocates nothing" {
	run_counted -- "$SOCKPROBE" pair
	baseline=$count
	run_counted "$SHIM" -- "${CONFIG[@]}" 'KASHIM_PROGRAMS=!sockprobe' KASHIM_DEBUG=1 "$SOCKPROBE" pair
	assert_status 0
	assert_output_has "not selected"
	assert_value accepted.keepalive 0
	[ "$count" -eq "$baseline" ] ||
		flunk "the shim allocated: $count allocations with it, $baseline without"
}
