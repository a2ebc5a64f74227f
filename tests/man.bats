#!/usr/bin/env bats
# The man pages: no warning from either formatter, the sections operators
# look for, and nothing the tools or the library accept left undocumented.

load helpers/common
load helpers/tools

PAGES="kashim.1 kashim-inspect.1 libkashim.7"

# section PAGE NAME: the source lines of section NAME of PAGE.
section() {
	sed -n "/^\\.SH \"\\{0,1\\}$2\"\\{0,1\\}\$/,/^\\.SH /p" "$KASHIM_ROOT/man/$1"
}

@test "every page renders without a single warning (mandoc -T lint, groff -ww)" {
	for page in $PAGES; do
		run mandoc -T lint "$KASHIM_ROOT/man/$page"
		[ "$status" -eq 0 ] && [ -z "$output" ] || flunk "mandoc -T lint $page"
		run groff -ww -man -z "$KASHIM_ROOT/man/$page"
		[ "$status" -eq 0 ] && [ -z "$output" ] || flunk "groff -ww $page"
	done
}

@test "each page has the sections operators look for" {
	local page heading
	for page in kashim.1 kashim-inspect.1; do
		for heading in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES LIMITATIONS "SEE ALSO"; do
			grep -qx "\\.SH $heading" "$KASHIM_ROOT/man/$page" || flunk "$page lacks $heading"
		done
	done
	for heading in NAME SYNOPSIS DESCRIPTION ENVIRONMENT EXAMPLES LIMITATIONS "SEE ALSO"; do
		grep -qx "\\.SH $heading" "$KASHIM_ROOT/man/libkashim.7" || flunk "libkashim.7 lacks $heading"
	done
}

@test "every KASHIM_* variable the library reads: its default in libkashim(7), its option in kashim(1), said once" {
	local vars var entry option
	vars=$(grep -oh '"KASHIM_[A-Z][A-Z_]*"' "$KASHIM_ROOT"/core/*.c "$KASHIM_ROOT"/core/config/*.c | tr -d '"' | sort -u)
	[ -n "$vars" ] || flunk "no variables found in core/"
	for var in $vars; do
		# the .TP entry: from ".B VAR" up to the next entry or section
		entry=$(section libkashim.7 ENVIRONMENT | awk -v v=".B $var" '
			$0 == v { on = 1; next } on && /^\.(TP|SH|PP)/ { exit } on')
		output=$entry
		[ -n "$entry" ] || flunk "libkashim.7: no ENVIRONMENT entry for $var"
		assert_output_has "Default"
		entry=$(section kashim.1 ENVIRONMENT | awk -v v=".B $var" '
			$0 == v { on = 1; next } on && /^\.(TP|SH|PP)/ { exit } on')
		output=$entry
		[ -n "$entry" ] || flunk "kashim.1: no ENVIRONMENT entry for $var"
		# the option that sets it, as --help names it
		option=$("$KASHIM" --help | sed -n "s/^  \(--[a-z-]*\).*($var[=)].*/\1/p" | head -1)
		[ -n "$option" ] || flunk "kashim --help names no option for $var"
		assert_output_has "${option//-/\\-}"
	done
	# ranges and defaults are said once, in libkashim(7): kashim(1) points there
	output=$(section kashim.1 ENVIRONMENT)
	assert_output_has "libkashim (7)"
	run grep -nE '32767|2147483647|\\\(en[0-9]' "$KASHIM_ROOT/man/kashim.1"
	[ "$status" -eq 1 ] || flunk "kashim.1 repeats a range of libkashim(7): $output"
}

@test "every option of kashim --help is in kashim(1), and every exit status" {
	local option
	for option in $("$KASHIM" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
		section kashim.1 OPTIONS | grep -qF -- "${option//-/\\-}" || flunk "kashim.1 lacks $option"
	done
	for status in 125 126 127; do
		section kashim.1 "EXIT STATUS" | grep -qx "\\.B $status" || flunk "kashim.1: exit $status"
	done
	for status in 0 1 2; do
		section kashim-inspect.1 "EXIT STATUS" | grep -qx "\\.B $status" || flunk "kashim-inspect.1: exit $status"
	done
	section kashim-inspect.1 OPTIONS | grep -qF -- '\-\-json' || flunk "kashim-inspect.1 lacks --json"
}
