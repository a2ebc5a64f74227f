#!/usr/bin/env bats
# Bad values through the real shim: one warning, that option skipped, the
# rest applied, and the host program's output and exit status unchanged.

bats_require_minimum_version 1.5.0
load helpers/common

GOOD=(KASHIM_KEEPIDLE=31 KASHIM_KEEPINTVL=7 KASHIM_KEEPCNT=4)

# bad_value VAR VALUE PROBLEM OPTION SYSCTL: run a pair with VAR=VALUE on top
# of GOOD; OPTION must fall back to SYSCTL's value and the others apply.
bad_value() {
	local var=$1 value=$2 problem=$3 option=$4 sysctl=$5
	run --separate-stderr under_shim "${GOOD[@]}" "$var=$value" "$SOCKPROBE" pair
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "want exactly one line on stderr"
	printf '%s\n' "$stderr" | grep -qF "kashim[" || flunk "warning lacks the kashim[PID] prefix"
	printf '%s\n' "$stderr" | grep -qF "$var=\"$value\" $problem" || flunk "warning does not name $var, \"$value\" and '$problem'"
	printf '%s\n' "$stderr" | grep -qF "keeping the system default" || flunk "warning does not say what happens"
	local side expected
	for side in connected accepted; do
		assert_value "$side.keepalive" 1
		for key in idle intvl cnt; do
			case $key in idle) expected=31 ;; intvl) expected=7 ;; cnt) expected=4 ;; esac
			[ "$key" = "$option" ] && expected=$(system_default "$sysctl")
			assert_value "$side.$key" "$expected"
		done
	done
}

@test "empty KASHIM_KEEPIDLE: warned, skipped, the others apply" {
	bad_value KASHIM_KEEPIDLE "" "is empty" idle keepalive_time
}

@test "non-numeric KASHIM_KEEPIDLE" {
	bad_value KASHIM_KEEPIDLE abc "is not a number" idle keepalive_time
}

@test "trailing junk in KASHIM_KEEPINTVL" {
	bad_value KASHIM_KEEPINTVL 80abc 'has an unknown unit "abc"' intvl keepalive_intvl
}

@test "unknown unit in KASHIM_KEEPINTVL" {
	bad_value KASHIM_KEEPINTVL 5d 'has an unknown unit "d"' intvl keepalive_intvl
}

@test "out-of-range KASHIM_KEEPCNT" {
	bad_value KASHIM_KEEPCNT 200 "is out of range (1-127)" cnt keepalive_probes
}

@test "overflowing KASHIM_KEEPIDLE" {
	bad_value KASHIM_KEEPIDLE 184467440737095516160 "is out of range (1-32767 seconds)" idle keepalive_time
}

@test "a fraction of a second in KASHIM_KEEPIDLE" {
	bad_value KASHIM_KEEPIDLE 2.5 "is not a whole number of seconds" idle keepalive_time
}

@test "bad KASHIM_USER_TIMEOUT: warned, left unset, keepalive still applied" {
	run --separate-stderr under_shim "${GOOD[@]}" KASHIM_USER_TIMEOUT=soon "$SOCKPROBE" pair
	assert_status 0
	[[ $stderr == *'KASHIM_USER_TIMEOUT="soon" is not a number'*'leaving TCP_USER_TIMEOUT unset'* ]] || flunk "warning"
	assert_value accepted.user_timeout 0
	assert_value accepted.idle 31
}

@test "bad KASHIM_KEEPALIVE: warned, keepalive stays on" {
	run --separate-stderr under_shim "${GOOD[@]}" KASHIM_KEEPALIVE=perhaps "$SOCKPROBE" pair
	[[ $stderr == *'KASHIM_KEEPALIVE="perhaps" is not a switch'*'keeping keepalive on'* ]] || flunk "warning"
	assert_value accepted.keepalive 1
	assert_value accepted.idle 31
}

@test "the host program's output and exit status are unchanged by a bad value" {
	skip_unless_loadable sh -c true
	run --separate-stderr env sh -c 'echo out; echo err >&2; exit 7'
	local plain_out=$output plain_err=$stderr
	run --separate-stderr under_shim KASHIM_KEEPCNT=x sh -c 'echo out; echo err >&2; exit 7'
	assert_status 7
	[ "$output" = "$plain_out" ] || flunk "stdout changed"
	[ "$(printf '%s\n' "$stderr" | grep -v '^kashim\[')" = "$plain_err" ] || flunk "stderr changed beyond the warning"
}

@test "the warning is given once per process, not again in a forked child" {
	run --separate-stderr under_shim KASHIM_KEEPCNT=0 "$SOCKPROBE" fork
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c 'KASHIM_KEEPCNT')" -eq 1 ] || flunk "warned more than once"
	assert_value accepted.keepalive 1
}

@test "a good config prints nothing at all" {
	run --separate-stderr under_shim "${GOOD[@]}" KASHIM_USER_TIMEOUT=auto "$SOCKPROBE" pair
	assert_status 0
	[ -z "$stderr" ] || flunk "stderr should be empty"
}

@test "KASHIM_DEBUG prints the config at load and a line per configured socket" {
	run --separate-stderr under_shim "${GOOD[@]}" KASHIM_DEBUG=1 "$SOCKPROBE" pair
	assert_status 0
	[[ $stderr =~ kashim\[[0-9]+\ sockprobe\]:\ loaded:\ keepalive\ on\ idle=31\ intvl=7\ cnt=4 ]] || flunk "load line"
	[[ $stderr =~ kashim\[[0-9]+\ sockprobe\]:\ connect\ fd=[0-9]+\ -\>127\.0\.0\.1:[0-9]+\ keepalive\ idle=31 ]] || flunk "connect line"
	[[ $stderr =~ kashim\[[0-9]+\ sockprobe\]:\ listen\ fd=[0-9]+\ 127\.0\.0\.1:[0-9]+\ keepalive\ idle=31\ intvl=7\ cnt=4 ]] || flunk "listen line"
	# the listener was configured, so the accepted socket needed no call
	[[ $stderr =~ kashim\[[0-9]+\ sockprobe\]:\ accept\ fd=[0-9]+\ 127\.0\.0\.1:[0-9]+\<-127\.0\.0\.1:[0-9]+\ inherits\ listener\ fd=[0-9]+\'s\ options ]] || flunk "accept line"
	run --separate-stderr under_shim KASHIM_DEBUG=1 KASHIM_KEEPIDLE=5 "$SOCKPROBE" pair -6
	[[ $stderr == *'listen fd='*' [::1]:'*' keepalive idle=5'* ]] || flunk "IPv6 listen line"
	[[ $stderr == *'accept fd='*' [::1]:'*'<-[::1]:'*' inherits listener'* ]] || flunk "IPv6 accept line"
	run --separate-stderr under_shim KASHIM_DEBUG=1 KASHIM_KEEPIDLE=5 "$SOCKPROBE" unix
	[[ $stderr != *'accept fd'* && $stderr != *'connect fd'* && $stderr != *'listen fd'* ]] ||
		flunk "a unix socket was logged as configured"
}
