#!/usr/bin/env bats
# Bad values through the real shim: one warning, that option skipped, the
# rest applied, and the host program's output and exit status unchanged.

bats_require_minimum_version 1.5.0
load helpers/common

# bad_value VAR VALUE PROBLEM OPTION SYSCTL: run a pair with VAR=VALUE on top
# of CONFIG; OPTION must fall back to SYSCTL's value and the others apply.
bad_value() {
	local var=$1 value=$2 problem=$3 option=$4 sysctl=$5
	run --separate-stderr under_shim "${CONFIG[@]}" "$var=$value" "$SOCKPROBE" pair
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
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_USER_TIMEOUT=soon "$SOCKPROBE" pair
	assert_status 0
	[[ $stderr == *'KASHIM_USER_TIMEOUT="soon" is not a number'*'leaving TCP_USER_TIMEOUT unset'* ]] || flunk "warning"
	assert_value accepted.user_timeout 0
	assert_value accepted.idle 31
}

@test "bad KASHIM_KEEPALIVE: warned, keepalive stays on" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPALIVE=perhaps "$SOCKPROBE" pair
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
	run --separate-stderr under_shim "${CONFIG[@]}" "$SOCKPROBE" pair
	assert_status 0
	[ -z "$stderr" ] || flunk "stderr should be empty"
}

@test "KASHIM_DEBUG prints the config at load and a line per configured socket" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_DEBUG=1 "$SOCKPROBE" pair
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

# --- names kashim does not read, and values worth a word ------------------

@test "an unknown KASHIM_ name: one warning naming it and the nearest variable" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_IDLE=30 "$SOCKPROBE" pair
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "want exactly one line on stderr"
	[[ $stderr =~ ^kashim\[[0-9]+\ sockprobe\]:\ KASHIM_IDLE\ is\ not\ a\ kashim\ variable\ and\ is\ not\ read\;\ did\ you\ mean\ KASHIM_KEEPIDLE\?$ ]] ||
		flunk "warning"
	assert_configured accepted
	# the nearest name, case aside, for a few slips
	local typo nearest
	while read -r typo nearest; do
		run --separate-stderr under_shim "$typo=1" "$SOCKPROBE" pair
		[[ $stderr == *"$typo is not a kashim variable and is not read; did you mean $nearest?" ]] ||
			flunk "$typo: expected $nearest"
	done <<-'LIST'
		KASHIM_keepidle KASHIM_KEEPIDLE
		KASHIM_KEEPINTERVAL KASHIM_KEEPINTVL
		KASHIM_KEEPCOUNT KASHIM_KEEPCNT
		KASHIM_USERTIMEOUT KASHIM_USER_TIMEOUT
		KASHIM_PORT KASHIM_PORTS
		KASHIM_PROGRAM KASHIM_PROGRAMS
		KASHIM_SIDE KASHIM_SIDES
		KASHIM_DEBUGG KASHIM_DEBUG
	LIST
}

@test "other keepalive libraries' variables: said not to be read, with kashim's own name" {
	local name library instead
	while read -r name library instead; do
		run --separate-stderr under_shim "$name=30" "$SOCKPROBE" pair
		assert_status 0
		[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "$name: want one line on stderr"
		[[ $stderr == *"]: $name is $library's variable and is not read by kashim; set $instead instead" ]] ||
			flunk "$name: warning"
		# and it is indeed not read: the system's idle time stands
		assert_value accepted.idle "$(system_default keepalive_time)"
	done <<-'LIST'
		KEEPALIVE libkeepalive KASHIM_KEEPALIVE
		KEEPIDLE libkeepalive KASHIM_KEEPIDLE
		KEEPINTVL libkeepalive KASHIM_KEEPINTVL
		KEEPCNT libkeepalive KASHIM_KEEPCNT
		DD_TCP_KEEPALIVE_TIME libdontdie KASHIM_KEEPIDLE
		DD_TCP_KEEPALIVE_INTVL libdontdie KASHIM_KEEPINTVL
		DD_TCP_KEEPALIVE_PROBES libdontdie KASHIM_KEEPCNT
		DD_DEBUG libdontdie KASHIM_DEBUG
	LIST
	# control: names that only look alike are not warned about
	run --separate-stderr under_shim KEEPIDLE_X=1 DD_OTHER=1 KASHIMX=1 "$SOCKPROBE" pair
	[ -z "$stderr" ] || flunk "stderr should be empty"
}

@test "the names are checked once at start, not again in a forked child" {
	run --separate-stderr under_shim KASHIM_IDLE=30 KEEPCNT=3 "$SOCKPROBE" fork
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c 'KASHIM_IDLE')" -eq 1 ] || flunk "KASHIM_IDLE warned more than once"
	[ "$(printf '%s\n' "$stderr" | grep -c 'KEEPCNT is')" -eq 1 ] || flunk "KEEPCNT warned more than once"
}

@test "a KASHIM_USER_TIMEOUT under a second is applied, with a note that it counts milliseconds" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_USER_TIMEOUT=30 "$SOCKPROBE" pair
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 1 ] || flunk "want exactly one line on stderr"
	[[ $stderr == *']: KASHIM_USER_TIMEOUT="30" is 30 ms, under a second: it counts milliseconds (write 30s for seconds); using it as given' ]] ||
		flunk "note"
	assert_value accepted.user_timeout 30
	assert_value connected.user_timeout 30
	# a second or more, 0 (the kernel's default) and auto say nothing
	for value in 1000 1s 0 auto; do
		run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_USER_TIMEOUT=$value "$SOCKPROBE" pair
		[ -z "$stderr" ] || flunk "KASHIM_USER_TIMEOUT=$value: stderr should be empty"
	done
}

@test "a program KASHIM_PROGRAMS leaves out prints nothing at all, whatever is wrong" {
	local mistakes=(KASHIM_KEEPCNT=x KASHIM_USER_TIMEOUT=30 KASHIM_IDLE=3 KEEPIDLE=5 KASHIM_SIDES=both)
	run --separate-stderr under_shim "${mistakes[@]}" KASHIM_PROGRAMS='!sockprobe' "$SOCKPROBE" pair
	assert_status 0
	[ -z "$stderr" ] || flunk "stderr should be empty"
	assert_untouched accepted
	# control: the same mistakes in a selected program, one line each
	run --separate-stderr under_shim "${mistakes[@]}" KASHIM_PROGRAMS='sockprobe' "$SOCKPROBE" pair
	[ "$(printf '%s\n' "$stderr" | grep -c '^kashim\[')" -eq "${#mistakes[@]}" ] ||
		flunk "want one line per mistake"
	# a bad KASHIM_PROGRAMS selects every program, so it is heard
	run --separate-stderr under_shim KASHIM_PROGRAMS=/usr/bin/x "$SOCKPROBE" pair
	[[ $stderr == *'KASHIM_PROGRAMS="/usr/bin/x" names a path'* ]] || flunk "programs warning"
}

@test "every line names the program; bytes outside printable ASCII are escaped, C1 included" {
	skip_unless_loadable bash -c true
	# argv[0] with a C1 control (U+0085, NEL) and an escape byte
	run --separate-stderr env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_KEEPCNT=$'\xc2\x9b5\x1b' \
		bash -c 'exec -a "$1" "$0" pair' "$SOCKPROBE" $'odd\xc2\x85name'
	assert_status 0
	[[ $stderr == 'kashim['[0-9]*' odd\xc2\x85name]: KASHIM_KEEPCNT="\xc2\x9b5\x1b" is not a number'* ]] ||
		flunk "escapes"
	LC_ALL=C grep -q $'[\x80-\xff\x01-\x1f]' <<<"$stderr" && flunk "a raw byte outside printable ASCII reached stderr"
	# an unknown name with such bytes in it too
	run --separate-stderr env LD_PRELOAD="$SHIM_PRELOAD" $'KASHIM_IDL\xc2\x9bE=1' "$SOCKPROBE" pair
	[[ $stderr == *']: KASHIM_IDL\xc2\x9bE is not a kashim variable'* ]] || flunk "name escapes"
}

# --- said once, by a process that has a TCP socket ------------------------

# kashim_lines: how many of stderr's lines are kashim's.
kashim_lines() {
	printf '%s\n' "$stderr" | grep -c '^kashim\[' || true
}

@test "a start script: only the program that opens a TCP socket says a bad value, once" {
	skip_unless_loadable sh -c true
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPCNT=x \
		sh -c 'ls / >/dev/null; date >/dev/null; id >/dev/null; "$0" pair' "$SOCKPROBE"
	assert_status 0
	[ "$(kashim_lines)" -eq 1 ] || flunk "want one line, from the server"
	[[ $stderr == 'kashim['[0-9]*' sockprobe]: KASHIM_KEEPCNT="x" is not a number'* ]] || flunk "the line"
	assert_value accepted.cnt "$(system_default keepalive_probes)"
	assert_value accepted.idle 31
	# control: the same script without the server says nothing at all
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPCNT=x KASHIM_IDLE=3 KEEPIDLE=5 \
		KASHIM_USER_TIMEOUT=30 sh -c 'ls / >/dev/null; date; id'
	assert_status 0
	[ -z "$stderr" ] || flunk "a program without a TCP socket wrote to stderr"
	# nor does a program whose only sockets are unix and UDP ones
	run --separate-stderr under_shim KASHIM_KEEPCNT=x "$SOCKPROBE" unix
	[ -z "$stderr" ] || flunk "unix sockets made kashim speak"
	run --separate-stderr under_shim KASHIM_KEEPCNT=x "$SOCKPROBE" udp
	[ -z "$stderr" ] || flunk "UDP sockets made kashim speak"
}

@test "said late only into the stderr of load: fd 2 closed and reused for a TCP socket gets nothing" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPCNT=x KASHIM_IDLE=3 "$EDGEPROBE" stderr-reuse
	assert_status 0
	assert_value accepted.fd 2
	assert_value peer.bytes 0
	# control: with fd 2 left as it was, the same program says both
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPCNT=x KASHIM_IDLE=3 "$EDGEPROBE" first-threads 1
	assert_status 0
	[ "$(kashim_lines)" -eq 2 ] || flunk "want two lines"
}

@test "threads making their first sockets at once: each message said once" {
	local i
	for i in 1 2 3 4 5; do
		run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPCNT=x "$EDGEPROBE" first-threads 16
		assert_status 0
		[ "$(kashim_lines)" -eq 1 ] || flunk "run $i: want one line"
	done
}

@test "fork: a child forked after its parent spoke stays silent" {
	run --separate-stderr under_shim "${CONFIG[@]}" KASHIM_KEEPCNT=x "$EDGEPROBE" fork-after
	assert_status 0
	assert_value child.status 0
	[ "$(kashim_lines)" -eq 1 ] || flunk "want one line, the parent's"
}

@test "300 unknown KASHIM_ names: a bounded number of lines, the rest counted" {
	local names=() i
	for i in $(seq 1 300); do names+=("KASHIM_NAME$i=1"); done
	run --separate-stderr under_shim "${CONFIG[@]}" "${names[@]}" "$SOCKPROBE" pair
	assert_status 0
	[ "$(kashim_lines)" -le 10 ] || flunk "want at most 10 lines"
	[[ $stderr == *'KASHIM_NAME1 is not a kashim variable'* ]] || flunk "the first name"
	[[ $stderr == *"]: ... and 29"[0-9]" more messages about the configuration"* ]] || flunk "the count of the rest"
	assert_configured accepted
}
