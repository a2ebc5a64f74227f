#!/usr/bin/env bats
# The parser on its own: every accepted form and every kind of bad value.

load helpers/common

accepts() { # VAR VALUE EXPECTED
	run "$CONFIG_CHECK" "$1" "$2"
	[ "$status" -eq 0 ] || flunk "$1=$2 should be accepted"
	assert_value value "$3"
}

rejects() { # VAR VALUE PROBLEM
	run "$CONFIG_CHECK" "$1" "$2"
	[ "$status" -eq 1 ] || flunk "$1=$2 should be rejected"
	assert_output_has "$1=\"$2\" $3"
}

@test "durations in seconds: bare and with units" {
	accepts KASHIM_KEEPIDLE 45 45
	accepts KASHIM_KEEPIDLE 45s 45
	accepts KASHIM_KEEPIDLE 10m 600
	accepts KASHIM_KEEPIDLE 2h 7200
	accepts KASHIM_KEEPIDLE 1.5m 90
	accepts KASHIM_KEEPIDLE 2000ms 2
	accepts KASHIM_KEEPIDLE 32767 32767
	accepts KASHIM_KEEPINTVL 1 1
	accepts KASHIM_KEEPINTVL 9h 32400
}

@test "durations in seconds: every kind of bad value is rejected with a reason" {
	rejects KASHIM_KEEPIDLE "" "is empty"
	rejects KASHIM_KEEPIDLE abc "is not a number"
	rejects KASHIM_KEEPIDLE 80abc 'has an unknown unit "abc"'
	rejects KASHIM_KEEPIDLE 10d 'has an unknown unit "d"'
	rejects KASHIM_KEEPIDLE 10S 'has an unknown unit "S"'
	rejects KASHIM_KEEPIDLE 0 "is out of range (1-32767 seconds)"
	rejects KASHIM_KEEPIDLE 32768 "is out of range (1-32767 seconds)"
	rejects KASHIM_KEEPIDLE 10h "is out of range (1-32767 seconds)"
	rejects KASHIM_KEEPIDLE 99999999999999999999999 "is out of range"
	rejects KASHIM_KEEPIDLE 1.5 "is not a whole number of seconds"
	rejects KASHIM_KEEPIDLE 500ms "is not a whole number of seconds"
	rejects KASHIM_KEEPIDLE -5 "is not a number"
	rejects KASHIM_KEEPIDLE +5 "is not a number"
	rejects KASHIM_KEEPIDLE " 5" "is not a number"
	rejects KASHIM_KEEPIDLE "5 " 'has an unknown unit " "'
	rejects KASHIM_KEEPIDLE 5. "is not a number"
	rejects KASHIM_KEEPINTVL 0x10 'has an unknown unit "x10"'
}

@test "a rejected form says what is accepted" {
	run "$CONFIG_CHECK" KASHIM_KEEPIDLE abc
	assert_output_has "accepted: whole seconds 1-32767, bare or with a unit (45, 45s, 10m, 2h)"
}

@test "KASHIM_KEEPCNT: integers 1-127 only" {
	accepts KASHIM_KEEPCNT 1 1
	accepts KASHIM_KEEPCNT 127 127
	accepts KASHIM_KEEPCNT 007 7
	rejects KASHIM_KEEPCNT 0 "is out of range (1-127)"
	rejects KASHIM_KEEPCNT 200 "is out of range (1-127)"
	rejects KASHIM_KEEPCNT 18446744073709551617 "is out of range (1-127)"
	rejects KASHIM_KEEPCNT 5s 'has trailing characters "s"'
	rejects KASHIM_KEEPCNT 2.0 'has trailing characters ".0"'
	rejects KASHIM_KEEPCNT many "is not a number"
	rejects KASHIM_KEEPCNT "" "is empty"
}

@test "KASHIM_USER_TIMEOUT: milliseconds with units, or auto" {
	accepts KASHIM_USER_TIMEOUT 0 0
	accepts KASHIM_USER_TIMEOUT 500 500
	accepts KASHIM_USER_TIMEOUT 500ms 500
	accepts KASHIM_USER_TIMEOUT 30s 30000
	accepts KASHIM_USER_TIMEOUT 2m 120000
	accepts KASHIM_USER_TIMEOUT 1.5s 1500
	accepts KASHIM_USER_TIMEOUT 2147483647 2147483647
	accepts KASHIM_USER_TIMEOUT auto -2
	rejects KASHIM_USER_TIMEOUT 2147483648 "is out of range (0-2147483647 ms)"
	rejects KASHIM_USER_TIMEOUT 1000h "is out of range (0-2147483647 ms)"
	rejects KASHIM_USER_TIMEOUT 0.5ms "is a fraction of a millisecond"
	rejects KASHIM_USER_TIMEOUT automatic "is not a number"
}

@test "switches: KASHIM_KEEPALIVE and KASHIM_DEBUG" {
	for word in 1 on yes true ON True; do accepts KASHIM_KEEPALIVE "$word" 1; done
	for word in 0 off no false OFF; do accepts KASHIM_KEEPALIVE "$word" 0; done
	accepts KASHIM_DEBUG 1 1
	rejects KASHIM_KEEPALIVE maybe "is not a switch; accepted: 1, on, yes, true, 0, off, no or false"
	rejects KASHIM_DEBUG 2 "is not a switch"
}

@test "control characters in a value are escaped, so a warning stays one line" {
	run "$CONFIG_CHECK" KASHIM_KEEPIDLE $'4\n5\x1b'
	[ "$status" -eq 1 ] || flunk "should be rejected"
	[ "${#lines[@]}" -eq 1 ] || flunk "message is not one line"
	assert_output_has 'KASHIM_KEEPIDLE="4\x0a5\x1b"'
}

@test "a very long value is cut short in the message" {
	long=$(printf '9%.0s' $(seq 1 5000))
	run "$CONFIG_CHECK" KASHIM_KEEPIDLE "$long"
	[ "$status" -eq 1 ] || flunk "should be rejected"
	[ "${#output}" -lt 300 ] || flunk "message is ${#output} characters long"
	assert_output_has '..." is out of range'
}

@test "auto = idle + intvl x cnt, taking the system's value for unset timers" {
	run env KASHIM_KEEPIDLE=10 KASHIM_KEEPINTVL=2 KASHIM_KEEPCNT=3 KASHIM_USER_TIMEOUT=auto "$CONFIG_CHECK" --env
	assert_value user_timeout 16000
	run env KASHIM_KEEPIDLE=10 KASHIM_USER_TIMEOUT=auto "$CONFIG_CHECK" --env
	expected=$(( (10 + $(system_default keepalive_intvl) * $(system_default keepalive_probes)) * 1000 ))
	assert_value user_timeout "$expected"
}

@test "auto clamps to the largest timeout the kernel takes" {
	run env KASHIM_KEEPIDLE=9h KASHIM_KEEPINTVL=9h KASHIM_KEEPCNT=127 KASHIM_USER_TIMEOUT=auto "$CONFIG_CHECK" --env
	assert_value user_timeout 2147483647
}
