#!/usr/bin/env bats
# valgrind memcheck over the helpers under the shim (make memcheck, the
# normal build): no error, and no byte lost, or even still reachable at
# exit, from an allocation made by the shim. The shim allocates nothing
# itself; this holds it to that, including through what it calls in libc.

bats_require_minimum_version 1.5.0
load ../helpers/common

# memcheck CMD...: run CMD (a helper) under the shim in memcheck, one log a
# process in $LOGS; the status is 99 on any error or definite, indirect or
# possible leak.
memcheck() {
	LOGS=$BATS_TEST_TMPDIR/memcheck
	mkdir -p "$LOGS"
	run --separate-stderr timeout 120 env LD_PRELOAD="$SHIM_PRELOAD${EXTRA_PRELOAD:-}" "${SHIM_ENV[@]}" \
		valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=definite,indirect,possible --num-callers=30 \
		--suppressions="$KASHIM_ROOT/tests/hardening/memcheck.supp" \
		--log-file="$LOGS/log.%p" "$@"
}

# Exit status 0, no error in any log, and no leak record (of any kind,
# still reachable included) whose stack passes through the shim.
assert_memcheck_clean() {
	local logs
	logs=$(cat "$LOGS"/log.*)
	if [ "$status" -ne 0 ] || printf '%s\n' "$logs" | grep -q -E 'ERROR SUMMARY: [1-9]|libkashim\.so'; then
		output="$output
--- memcheck logs:
$logs"
		flunk "memcheck found errors, leaks or blocks from libkashim.so"
	fi
}

SHIM_ENV=(KASHIM_KEEPIDLE=47 KASHIM_KEEPINTVL=5 KASHIM_KEEPCNT=3 KASHIM_USER_TIMEOUT=auto KASHIM_DEBUG=1)

@test "control: memcheck in this setup fails on a lost block" {
	memcheck "$STRESS" control-leak
	assert_status 99
	grep -q '100 bytes in 1 blocks are definitely lost' "$LOGS"/log.* || { output=$(cat "$LOGS"/log.*); flunk "leak not reported"; }
}

@test "memcheck: a connection pair, IPv4 and IPv6, accept4, debug lines" {
	memcheck "$SOCKPROBE" pair
	assert_memcheck_clean
	assert_value accepted.idle 47
	memcheck "$SOCKPROBE" pair -6 --accept4 nonblock,cloexec
	assert_memcheck_clean
	assert_value accepted.idle 47
}

@test "memcheck: bad values warned about, a forked child, a wiped environment" {
	SHIM_ENV=(KASHIM_KEEPIDLE=47 KASHIM_KEEPCNT=200 KASHIM_KEEPINTVL=80abc KASHIM_USER_TIMEOUT=99999999999999999999 KASHIM_KEEPALIVE=perhaps)
	memcheck "$SOCKPROBE" fork
	assert_memcheck_clean
	assert_value accepted.idle 47
	[[ $stderr == *'KASHIM_KEEPCNT="200" is out of range'* ]] || flunk "no warning"
	memcheck "$SOCKPROBE" clearenv
	assert_memcheck_clean
	assert_value accepted.idle 47
}

@test "memcheck: threads and forks, with constructor threads racing init" {
	EXTRA_PRELOAD=:$STRESS_EARLY
	memcheck "$STRESS" 4 25 1 3 47
	assert_memcheck_clean
	assert_value early.configured 8
	assert_value pairs.configured 100
	assert_value children.configured 3
}

@test "memcheck: a signal handler's connect during accept" {
	memcheck "$SIGCHECK"
	assert_memcheck_clean
	assert_value handler.keepalive 1
	assert_value accepted.idle 47
}
