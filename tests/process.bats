#!/usr/bin/env bats
# The shim in threads, after fork, after the environment is wiped, and as a
# library: what it exports.

load helpers/common

@test "8 threads x 1000 connections: every connection configured on both ends" {
	run under_shim KASHIM_KEEPIDLE=37 "$SOCKPROBE" threads 8 1000 37
	assert_status 0
	assert_value connections 8000
	assert_value configured 8000
}

@test "control: the same threads without the shim configure nothing" {
	run "$SOCKPROBE" threads 2 50 37
	assert_value configured 0
}

@test "a forked child's connections are configured" {
	run under_shim KASHIM_KEEPIDLE=33 KASHIM_KEEPCNT=5 "$SOCKPROBE" fork
	assert_status 0
	assert_value connected.idle 33
	assert_value accepted.idle 33
	assert_value accepted.cnt 5
}

@test "a program that wipes its environment after load keeps the config" {
	run under_shim KASHIM_KEEPIDLE=34 KASHIM_KEEPINTVL=6 "$SOCKPROBE" clearenv
	assert_status 0
	assert_value environ.cleared 1
	assert_value accepted.idle 34
	assert_value accepted.intvl 6
	assert_value connected.idle 34
}

@test "libkashim.so exports exactly its wrappers: accept, accept4, connect, __connect, listen, sendmsg, sendto, socket" {
	run bash -c "nm -D --defined-only '$SHIM' | awk '{print \$NF}' | LC_ALL=C sort | tr '\n' ' '"
	assert_status 0
	# musl-gcc's crti.o exports the ELF _init and _fini markers of every library
	[ "$output" = "__connect accept accept4 connect listen sendmsg sendto socket " ] ||
		{ shim_is_musl && [ "$output" = "__connect _fini _init accept accept4 connect listen sendmsg sendto socket " ]; } ||
		flunk "unexpected exports"
}

@test "libkashim.so links libc (and libdl) only" {
	# a sanitizer build also needs its runtimes; musl's libc is libc.so
	run bash -c "objdump -p '$SHIM' | awk '/NEEDED/ {print \$2}' | grep -v '^lib[a-z]*san\.so' | sort | tr '\n' ' '"
	[ "$output" = "libc.so.6 " ] || [ "$output" = "libc.so.6 libdl.so.2 " ] ||
		{ shim_is_musl && [ "$output" = "libc.so " ]; } || flunk "unexpected dependencies"
}

@test "libc preloaded ahead of the shim: no crash, one warning saying why kashim is not reached" {
	run env LD_PRELOAD="${RUNTIME_PRELOAD}libc.so.6 $SHIM" KASHIM_KEEPIDLE=31 "$SOCKPROBE" pair
	assert_status 0
	assert_output_has "put libkashim.so first"
	[ "$(printf '%s\n' "$output" | grep -c '^kashim\[')" -eq 1 ] || flunk "want exactly one kashim line"
	assert_value accepted.idle "$(system_default keepalive_time)"
	# the usual order still works alongside it
	run env LD_PRELOAD="$SHIM_PRELOAD libc.so.6" KASHIM_KEEPIDLE=31 "$SOCKPROBE" pair
	assert_status 0
	assert_value accepted.idle 31
}

@test "libkashim.so keeps full RELRO, BIND_NOW and a non-executable stack" {
	run readelf -lW -d "$SHIM"
	assert_output_has "GNU_RELRO"
	assert_output_has "BIND_NOW"
	printf '%s\n' "$output" | grep -E 'GNU_STACK' | grep -qv 'RWE' || flunk "stack is executable"
}
