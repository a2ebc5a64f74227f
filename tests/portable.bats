#!/usr/bin/env bats
# Built on a new glibc, kashim runs on glibc 2.17 and later (compat/): the
# symbol versions the binaries need, the libraries they load, and
# compat/dlsym.c's lookup held against glibc's. `make old-glibc-check`
# runs the binaries on Debian 11 itself.

load helpers/common
load helpers/tools

COMPAT_DLSYM=$BUILD/compat-dlsym

setup() {
	if shim_is_musl; then
		skip "a musl build binds no glibc symbol version"
	fi
	[ -x "$COMPAT_DLSYM" ] || skip "no glibc compatibility in this build (sanitizers)"
}

# newest_glibc FILE: the newest glibc symbol version FILE needs.
newest_glibc() {
	objdump -T "$1" | grep -o 'GLIBC_[0-9A-Z_.]*' | sort -uV | tail -n 1
}

# version_le A B: glibc version A (GLIBC_2.17) is B or older.
version_le() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$2" ]
}

@test "the library, the tools and sockprobe need no glibc symbol newer than 2.17" {
	local file newest failed=
	for file in "$SHIM" "$KASHIM" "$KASHIM_INSPECT" "$SOCKPROBE" "$COMPAT_DLSYM"; do
		newest=$(newest_glibc "$file")
		echo "${file##*/}: $newest"
		[ -n "$newest" ] || flunk "no glibc version read from $file"
		version_le "$newest" GLIBC_2.17 || failed+=" ${file##*/} ($newest)"
	done
	[ -z "$failed" ] || flunk "need a glibc newer than 2.17:$failed: $(objdump -T "$SHIM" "$KASHIM")"
}

@test "control: a program linked without compat/ needs the build's glibc" {
	local glibc
	glibc=$(getconf GNU_LIBC_VERSION | sed 's/^glibc /GLIBC_/')
	version_le GLIBC_2.34 "$glibc" || skip "built on $glibc, older than 2.34"
	# config-check is linked without compat/: crt1 binds it to 2.34
	run newest_glibc "$CONFIG_CHECK"
	version_le GLIBC_2.34 "$output" || flunk "the version check reads nothing newer than 2.17"
}

@test "the library loads no libdl or libpthread: each would cost every exec a library" {
	run sh -c "objdump -p '$SHIM' | awk '\$1 == \"NEEDED\" { print \$2 }'"
	assert_status 0
	[ "$output" = libc.so.6 ] || flunk "libkashim.so needs more than libc.so.6"
	# dlsym and pthread_once are still bound, weakly, to their first version
	run objdump -T "$SHIM"
	printf '%s\n' "$output" | grep -E ' w .*\(GLIBC_[0-9.]+\) +dlsym$' ||
		flunk "dlsym is not bound weakly to a first version"
}

@test "compat/dlsym.c finds what glibc's dlsym finds, for RTLD_NEXT and RTLD_DEFAULT" {
	# functions of one version, of several versions (realpath, glob,
	# pthread_cond_wait: the default one), glibc's alias and a name nowhere
	local names=(accept accept4 connect __connect listen malloc getaddrinfo dl_iterate_phdr
		realpath glob pthread_cond_wait kashim_defined_nowhere)
	run "$COMPAT_DLSYM" "${names[@]}"
	assert_status 0
	assert_output_lacks DIFFERENT
	assert_output_has "connect next=same default=same found=2"
	assert_output_has "kashim_defined_nowhere next=same default=same found=0"
	[ "$(grep -c 'found=2$' <<<"$output")" -eq $((${#names[@]} - 1)) ] || flunk "glibc missed some"
	# preloaded, the next connect after the program is kashim's: still alike
	run under_shim "$COMPAT_DLSYM" "${names[@]}"
	assert_status 0
	assert_output_lacks DIFFERENT
	[ "$(grep -c 'found=2$' <<<"$output")" -eq $((${#names[@]} - 1)) ] || flunk "glibc missed some"
}

@test "a program linked with compat/ runs its constructors" {
	run "$COMPAT_DLSYM"
	assert_status 0
	assert_value constructor 1
}
