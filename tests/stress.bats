#!/usr/bin/env bats
# Threads accepting and connecting while others fork, with the first calls
# racing the shim's initialisation from another library's constructor. The
# same helper runs under ThreadSanitizer and memcheck in tests/hardening/.

bats_require_minimum_version 1.5.0
load helpers/common

@test "threads, forks and constructor threads racing init: every connection configured" {
	run --separate-stderr timeout 60 env LD_PRELOAD="$(early_first_preload "$STRESS_EARLY")" KASHIM_DEBUG=1 \
		KASHIM_KEEPIDLE=43 "$STRESS" 6 150 2 10 43
	assert_status 0
	assert_value early.connections 8
	assert_value early.configured 8
	assert_value pairs 900
	assert_value pairs.configured 900
	assert_value children 20
	assert_value children.configured 20
	# the early threads were running before the shim had loaded its config
	first=$(printf '%s\n' "$stderr" | grep -n -m1 'stress-early: threads started' | cut -d: -f1)
	loaded=$(printf '%s\n' "$stderr" | grep -n -m1 'kashim\[[0-9]* [^]]*\]: loaded:' | cut -d: -f1)
	[ -n "$first" ] && [ -n "$loaded" ] && [ "$first" -lt "$loaded" ] ||
		flunk "the early threads did not start before the shim's init (lines $first, $loaded)"
}

@test "control: the same stress without the shim configures nothing" {
	run timeout 60 env LD_PRELOAD="$RUNTIME_PRELOAD$STRESS_EARLY" "$STRESS" 2 20 1 3 43
	assert_status 0
	assert_value early.connections 8
	assert_value early.configured 0
	assert_value pairs.configured 0
	assert_value children.configured 0
}
