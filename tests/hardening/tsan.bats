#!/usr/bin/env bats
# ThreadSanitizer over the shim (make tsan: BUILD=build-tsan, everything
# built by clang with -fsanitize=thread). The stress helper has threads
# accepting and connecting while others fork, and threads started from a
# constructor racing the shim's lazy initialisation; edgeprobe backlog has
# threads taking queued connections off one listener's count. (The signal test,
# tests/signals.bats, cannot run here: TSan defers a signal that arrives
# during accept until the thread next enters the TSan runtime, so the
# handler never runs while accept waits, shim or no shim.)

bats_require_minimum_version 1.5.0
load ../helpers/common

TSAN="halt_on_error=1 exitcode=66 second_deadlock_stack=1"

setup() {
	nm -D "$SHIM" | grep -q __tsan_ || flunk "$SHIM is not built with ThreadSanitizer (run make tsan)"
	# TSan starts llvm-symbolizer for its reports with this process's
	# LD_PRELOAD, into which the TSan-built libraries cannot load: a static
	# wrapper (which no LD_PRELOAD affects) drops it first.
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '%s\n' '#include <stdlib.h>' '#include <unistd.h>' \
		'int main(int c, char **v) { (void)c; unsetenv("LD_PRELOAD");' \
		'execvp("llvm-symbolizer", v); return 127; }' >"$BATS_TEST_TMPDIR/symbolizer.c"
	cc -static -o "$BATS_TEST_TMPDIR/bin/llvm-symbolizer" "$BATS_TEST_TMPDIR/symbolizer.c"
	TSAN="$TSAN external_symbolizer_path=$BATS_TEST_TMPDIR/bin/llvm-symbolizer"
}

@test "control: ThreadSanitizer in this build reports a deliberate race" {
	run env TSAN_OPTIONS="$TSAN" "$STRESS" control-race
	assert_status 66
	assert_output_has "WARNING: ThreadSanitizer: data race"
}

@test "stress under ThreadSanitizer: no race, no deadlock, every connection configured" {
	run timeout 120 env TSAN_OPTIONS="$TSAN" LD_PRELOAD="$SHIM:$STRESS_EARLY" KASHIM_KEEPIDLE=45 \
		KASHIM_KEEPCNT=3 KASHIM_USER_TIMEOUT=auto "$STRESS" 8 150 2 8 45
	assert_status 0
	assert_output_lacks ThreadSanitizer
	assert_value early.connections 8
	assert_value early.configured 8
	assert_value pairs 1200
	assert_value pairs.configured 1200
	assert_value children 16
	assert_value children.configured 16
}

@test "queued connections taken by threads accepting at once, under ThreadSanitizer" {
	run timeout 120 env TSAN_OPTIONS="$TSAN" LD_PRELOAD="$SHIM" KASHIM_KEEPIDLE=45 \
		"$BUILD/edgeprobe" backlog 8 40
	assert_status 0
	assert_output_lacks ThreadSanitizer
	assert_value configured 80
}
