#!/usr/bin/env bats
# Property: every value the parser accepts, for every KASHIM_* variable, is
# one the kernel takes. tests/helpers/config_property.c tries ~150000 texts
# a variable, applies each accepted one to a real TCP socket with the
# shim's own kashim_configure, sets it with setsockopt and reads it back.

load helpers/common

@test "every accepted value is set on a real TCP socket and read back" {
	run "$CONFIG_PROPERTY"
	assert_status 0
	assert_value violations 0
	# every variable was tried and some of its values accepted
	[ "$(printf '%s\n' "$output" | grep -c '^KASHIM_[A-Z_]* tried=[1-9]')" -eq "$(value_of variables)" ] ||
		flunk "not every variable was tried"
	printf '%s\n' "$output" | grep -q '^KASHIM_KEEPIDLE .* accepted=[1-9][0-9]* .* read_back=[1-9]' ||
		flunk "no KASHIM_KEEPIDLE value reached the kernel"
	# the sweep of bare integers found the parser's ranges equal to the kernel's
	printf '%s\n' "$output" | grep -q '^KASHIM_KEEPCNT .* kernel_agrees=[1-9]' ||
		flunk "the parser and the kernel were not compared"
}
