#!/usr/bin/env bats
# The parser on its own: every accepted form and every kind of bad value.

bats_require_minimum_version 1.5.0
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

@test "KASHIM_SIDES: accept, connect or both, nothing else" {
	accepts KASHIM_SIDES accept accept
	accepts KASHIM_SIDES connect connect
	accepts KASHIM_SIDES accept,connect accept,connect
	accepts KASHIM_SIDES connect,accept accept,connect
	rejects KASHIM_SIDES both 'names an unknown side "both"; accepted: accept, connect or accept,connect'
	rejects KASHIM_SIDES Accept 'names an unknown side "Accept"'
	rejects KASHIM_SIDES accept, "has an empty item"
	rejects KASHIM_SIDES "accept, connect" 'names an unknown side " connect"'
	rejects KASHIM_SIDES "" "is empty"
}

@test "KASHIM_POLICY: override or respect" {
	accepts KASHIM_POLICY override override
	accepts KASHIM_POLICY respect respect
	rejects KASHIM_POLICY Respect "is not a policy; accepted: override or respect"
	rejects KASHIM_POLICY keep "is not a policy"
}

@test "KASHIM_PORTS: ports and ranges; the value is the set of ports" {
	accepts KASHIM_PORTS 22 22
	accepts KASHIM_PORTS 22,5432,8000-8100 22,5432,8000-8100
	accepts KASHIM_PORTS 8000-8100,8050 8000-8100
	accepts KASHIM_PORTS 1-65535 1-65535
	accepts KASHIM_PORTS 80-80 80
	rejects KASHIM_PORTS 0 'has a port out of range (1-65535) "0"'
	rejects KASHIM_PORTS 22,65536 'has a port out of range (1-65535) "65536"'
	rejects KASHIM_PORTS 99999999999999999999999 "has a port out of range (1-65535)"
	rejects KASHIM_PORTS 9-5 'has a range that runs backwards "9-5"'
	rejects KASHIM_PORTS 22,,80 "has an empty item"
	rejects KASHIM_PORTS 22, "has an empty item"
	rejects KASHIM_PORTS 22- 'has an item that is not a port "22-"'
	rejects KASHIM_PORTS -5 'has an item that is not a port "-5"'
	rejects KASHIM_PORTS "22, 80" 'has an item that is not a port " 80"'
	rejects KASHIM_PORTS ssh 'has an item that is not a port "ssh"'
	rejects KASHIM_PORTS 1-2-3 'has an item that is not a port "1-2-3"'
	run "$CONFIG_CHECK" KASHIM_PORTS x
	assert_output_has "accepted: ports 1-65535 and ranges, comma-separated (22,5432,8000-8100)"
}

@test "KASHIM_PORTS is stored as the set it names" {
	run env KASHIM_PORTS=8050,22,8000-8100,443,444 "$CONFIG_CHECK" --env
	assert_value ports 22,443-444,8000-8100
	run env -u KASHIM_PORTS "$CONFIG_CHECK" --env
	assert_value ports all
	run env KASHIM_PORTS=65535,1 "$CONFIG_CHECK" --env
	assert_value ports 1,65535
}

@test "KASHIM_PROGRAMS: names, not paths; the value is the list as given, judged apart" {
	accepts KASHIM_PROGRAMS nginx nginx
	accepts KASHIM_PROGRAMS 'nginx,redis-server,!curl' 'nginx,redis-server,!curl'
	accepts KASHIM_PROGRAMS 'nginx,config-check' 'nginx,config-check'
	accepts KASHIM_PROGRAMS '!curl' '!curl'
	run env -u KASHIM_PROGRAMS "$CONFIG_CHECK" --env
	assert_value programs all
	rejects KASHIM_PROGRAMS /usr/sbin/nginx 'names a path, not a program "/usr/sbin/nginx"'
	rejects KASHIM_PROGRAMS '!' "has an empty name after '!'"
	rejects KASHIM_PROGRAMS nginx,,curl "has an empty item"
	run "$CONFIG_CHECK" KASHIM_PROGRAMS "$(printf 'x%.0s' $(seq 256))"
	assert_status 1
	assert_output_has '..." has a name longer than 255 bytes'
	run "$CONFIG_CHECK" KASHIM_PROGRAMS a/b
	assert_output_has "accepted: program names, not paths, comma-separated; !name excludes"
}

@test "KASHIM_PROGRAMS selects by the executable's name or argv[0]; ! excludes and wins" {
	selected() { # LIST [ARGV0] -> $output from config-check run as ARGV0
		run env KASHIM_PROGRAMS="$1" bash -c 'exec -a "$0" "$1" --env' "${2:-config-check}" "$CONFIG_CHECK"
	}
	selected config-check;           assert_value selected 1
	selected nginx,config-check;     assert_value selected 1
	selected nginx;                  assert_value selected 0
	selected '!nginx';               assert_value selected 1
	selected '!config-check';        assert_value selected 0
	selected 'config-check,!config-check'; assert_value selected 0
	# argv[0] as started (its basename) also names the program
	selected other other;            assert_value selected 1
	assert_value exe config-check
	selected other /opt/bin/other;   assert_value selected 1
	selected '!other' other;         assert_value selected 0
	selected conf other;             assert_value selected 0
	run env -u KASHIM_PROGRAMS "$CONFIG_CHECK" --env
	assert_value selected 1
}

@test "the scope's defaults: both sides, override, every port, every program" {
	run env -u KASHIM_SIDES -u KASHIM_POLICY -u KASHIM_PORTS -u KASHIM_PROGRAMS "$CONFIG_CHECK" --env
	assert_value sides accept,connect
	assert_value policy override
	assert_value ports all
	assert_value selected 1
}

@test "a bad scope value warns once and keeps that option's default, the others apply" {
	run --separate-stderr env KASHIM_SIDES=both KASHIM_PORTS=0 KASHIM_POLICY=respect KASHIM_PROGRAMS=/bin/x "$CONFIG_CHECK" --env
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 3 ] || flunk "want three warnings: $stderr"
	assert_value sides accept,connect
	assert_value ports all
	assert_value policy respect
	assert_value selected 1
}

@test "KASHIM_USER_TIMEOUT from 1 to 999 ms: accepted, with a note that it counts milliseconds" {
	run "$CONFIG_CHECK" KASHIM_USER_TIMEOUT 30
	assert_status 0
	assert_value value 30
	assert_value note 'KASHIM_USER_TIMEOUT="30" is 30 ms, under a second: it counts milliseconds (write 30s for seconds); using it as given'
	run "$CONFIG_CHECK" KASHIM_USER_TIMEOUT 0.5s
	assert_value note 'KASHIM_USER_TIMEOUT="0.5s" is 500 ms, under a second: it counts milliseconds (write 500s for seconds); using it as given'
	for value in 0 1000 1s auto; do
		run "$CONFIG_CHECK" KASHIM_USER_TIMEOUT "$value"
		assert_status 0
		assert_output_lacks "note="
	done
}
