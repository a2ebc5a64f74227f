#!/usr/bin/env bats
# A signal handler that connects through the shim while the main thread is
# blocked in accept, through the shim too: no deadlock, and the shim's path
# in the handler (with KASHIM_DEBUG, so it logs) is async-signal-safe.
#
# How safety is shown (tests/helpers/sigcheck.c):
# - sigcheck replaces malloc, calloc, realloc, free and the aligned
#   allocators with counting versions; a program's own definitions are the
#   ones every library, the shim included, calls. The count inside the
#   handler must be 0; a control allocates once there, to show it counts.
# - strace follows the main thread, and the handler's system calls, cut
#   out between its two marker writes, may only be the helper's own socket
#   and connect plus the shim's setsockopt, getpid and write(2) to stderr:
#   no openat/fstat/ioctl (stdio), brk/mmap (heap) or futex (a lock).
# - nm: the shim imports only async-signal-safe functions, and a few more
#   that only its one-time initialisation calls.

bats_require_minimum_version 1.5.0
load helpers/common

@test "a handler's connect during accept: no deadlock, both ends configured, one log line" {
	run --separate-stderr timeout 10 env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_DEBUG=1 KASHIM_KEEPIDLE=41 "$SIGCHECK"
	[ "$status" -ne 124 ] || flunk "deadlock: still running after 10 s"
	assert_status 0
	assert_value accept.ok 1
	assert_value handler.done 1
	assert_value handler.connect "0 errno=0"
	assert_value handler.keepalive 1
	assert_value handler.idle 41
	assert_value accepted.keepalive 1
	assert_value accepted.idle 41
	[[ $stderr =~ kashim\[[0-9]+\ [^]]+\]:\ connect\ fd=[0-9]+\ -\>127\.0\.0\.1:[0-9]+\ keepalive\ idle=41 ]] ||
		flunk "the handler's connect was not logged"
}

@test "control: without the shim the handler's socket is not configured" {
	run timeout 10 "$SIGCHECK"
	assert_status 0
	assert_value handler.connect "0 errno=0"
	assert_value handler.keepalive 0
}

@test "no heap call inside the handler (the counter sees one when there is one)" {
	run timeout 10 "$SIGCHECK"
	[ "$(value_of heap.counted)" = 1 ] || skip "AddressSanitizer owns the heap in this build"
	run timeout 10 env LD_PRELOAD="$SHIM_PRELOAD" "$SIGCHECK" --malloc-in-handler
	assert_status 0
	[ "$(value_of heap.calls_in_handler)" -ge 1 ] || flunk "control: the counter missed a malloc"
	run --separate-stderr timeout 10 env LD_PRELOAD="$SHIM_PRELOAD" KASHIM_DEBUG=1 KASHIM_KEEPIDLE=41 "$SIGCHECK"
	assert_status 0
	assert_value handler.keepalive 1
	assert_value heap.calls_in_handler 0
}

@test "the handler's system calls: only write(2) besides the socket calls" {
	trace=$BATS_TEST_TMPDIR/trace
	# without -f strace follows the main thread alone, where the handler runs
	# (LeakSanitizer cannot run under ptrace: off for this run of an ASan build)
	run timeout 20 strace -qq -o "$trace" env LD_PRELOAD="$SHIM_PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		KASHIM_DEBUG=1 KASHIM_KEEPIDLE=41 "$SIGCHECK"
	assert_status 0
	assert_value handler.keepalive 1
	output=$(sed -n '/sigcheck: handler begin/,/sigcheck: handler end/p' "$trace")
	assert_output_has 'write(2, "kashim['
	assert_output_has 'setsockopt('
	calls=$(printf '%s\n' "$output" | sed -n 's/^\([a-z_0-9]*\)(.*/\1/p' | sort -u | tr '\n' ' ')
	for call in $calls; do
		case $call in
		write | socket | connect | setsockopt | getpid) ;;
		*) flunk "the handler made $call()" ;;
		esac
	done
}

@test "the shim imports only async-signal-safe functions, and a few for its one-time init" {
	run bash -c "nm -D --undefined-only '$SHIM' | awk '\$1 == \"U\" { print \$2 }' | sed 's/@.*//'"
	assert_status 0
	assert_output_has setsockopt
	for symbol in $output; do
		case $symbol in
		# async-signal-safe in POSIX, or what the compiler emits for C itself
		# (__fxstat: fstat as glibc before 2.33 spells it, compat/fstat.c)
		abort | close | fstat | __fxstat | getpeername | getpid | getsockname | getsockopt | \
			open | read | \
			setsockopt | write | readlink | __errno_location | __stack_chk_fail | \
			memchr | memcmp | memcpy | memmove | memset | strchr | strcmp | strlen | \
			strncmp | htons | ntohs | htonl | ntohl) ;;
		# only in kashim_init, which runs once, from the constructor
		# (dl_iterate_phdr: compat/dlsym.c's lookup where glibc's dlsym is
		# missing; the last two are variables: the program's name, for
		# KASHIM_PROGRAMS)
		dlsym | dl_iterate_phdr | getenv | getauxval | pthread_once | __progname_full | \
			program_invocation_name) ;;
		# variables, read with a plain load: the name in the log prefix (also
		# in a handler), and the environment scanned once by kashim_init
		__progname | program_invocation_short_name | __environ | environ) ;;
		# a call made while that init is under way on the caller's own thread
		# (a signal handler interrupted it) goes to the kernel by syscall(2),
		# a thin wrapper around the system call instruction
		syscall) ;;
		# the sanitizer builds' runtimes
		__asan_* | __ubsan_* | __sanitizer_* | __tsan_*) ;;
		*) flunk "libkashim.so imports $symbol, which is not known to be async-signal-safe" ;;
		esac
	done
}
