#!/usr/bin/env bats
# The configuration file's format and trust rules, through config-check
# --conf PATH (the library's own reader and loader, on a file of the
# test's; tests/host.bats has the real /etc/kashim.conf read by preloaded
# programs).

bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	CONF=$BATS_TEST_TMPDIR/kashim.conf
}

# write_conf TEXT: CONF, owned by the test's user, mode 0644.
write_conf() {
	printf '%s\n' "$1" >"$CONF"
	chmod 644 "$CONF"
}

# check [VAR=VALUE]... [-- ARGS]: config-check --conf CONF under env -i VAR=VALUE...
check() {
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		vars+=("$1")
		shift
	done
	[ "${1:-}" != "--" ] || shift
	run --separate-stderr env -i "${vars[@]}" "$CONFIG_CHECK" --conf "$CONF" "$@"
}

needs_root() {
	[ "$(id -u)" -eq 0 ] || skip "the file must be owned by root to be read"
}

@test "variables, comments, blanks and CRLF; the last value wins" {
	needs_root
	write_conf $'# a comment\n\n  KASHIM_KEEPIDLE = 45  \nKASHIM_KEEPCNT=3\r\n\t# indented comment\nKASHIM_KEEPIDLE=50\nKASHIM_PORTS=22,8000-8100'
	check
	assert_status 0
	assert_value file read
	assert_value idle 50
	assert_value cnt 3
	assert_value ports 22,8000-8100
	[ -z "$stderr" ] || flunk "something was said about a good file"
}

@test "a [program] section applies to the program it names, by executable or argv[0], over the lines before it" {
	needs_root
	write_conf $'KASHIM_KEEPIDLE=45\n[sshd]\nKASHIM_KEEPALIVE=off\n[nginx,config-check]\nKASHIM_KEEPINTVL=9\nKASHIM_KEEPIDLE=60\n[!config-check]\nKASHIM_KEEPCNT=5'
	check
	assert_value keepalive 1
	assert_value idle 60
	assert_value intvl 9
	assert_value cnt -1
	run --separate-stderr bash -c 'exec -a sshd "$1" --conf "$2"' x "$CONFIG_CHECK" "$CONF"
	assert_value keepalive 0
	assert_value idle 60
	[ -z "$stderr" ] || flunk "something was said about a good file"
}

@test "a section's value wins over the lines before the first section, wherever it stands" {
	needs_root
	write_conf $'[config-check]\nKASHIM_KEEPIDLE=70'
	check
	assert_value idle 70
}

@test "the environment wins over the file; --secure (a setuid program) reads the file only" {
	needs_root
	write_conf $'KASHIM_KEEPIDLE=45\nKASHIM_KEEPINTVL=9'
	check KASHIM_KEEPIDLE=30
	assert_value idle 30
	assert_value intvl 9
	check KASHIM_KEEPIDLE=30 KASHIM_KEEPALIVE=off -- --secure
	assert_value idle 45
	assert_value keepalive 1
}

@test "a bad line, a bad section and a bad value name the file and the line" {
	needs_root
	write_conf $'KASHIM_KEEPIDLE=45\nKASHIM_IDLE=3\njust words\n[sshd\nKASHIM_KEEPCNT=200\n[a/b]\nKASHIM_KEEPINTVL=2\n[config-check]\nKASHIM_KEEPINTVL=x'
	check
	assert_status 0
	assert_value idle 45
	assert_value cnt -1
	assert_value intvl -1
	output=$stderr
	assert_output_has "$CONF:2: \"KASHIM_IDLE=3\" does not name a kashim variable; line ignored"
	assert_output_has "$CONF:3: \"just words\" is not KASHIM_NAME=value, [program] or a # comment"
	assert_output_has "$CONF:4: \"[sshd\" is not a [program] section"
	assert_output_has "$CONF:6: \"[a/b]\" names a path, not a program"
	assert_output_has "$CONF:9: KASHIM_KEEPINTVL=\"x\" is not a number"
	assert_output_lacks "200"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 5 ] || flunk "expected 5 lines"
}

@test "a bad byte is shown escaped and a NUL ends nothing silently" {
	needs_root
	printf 'KASHIM_KEEPIDLE=45\nKASHIM_KEEPCNT=\0337\nKASH\0IM_KEEPCNT=4\n' >"$CONF"
	chmod 644 "$CONF"
	check
	assert_value idle 45
	assert_value cnt -1
	output=$stderr
	assert_output_has '"\x1b7" is not a number'
	assert_output_has "$CONF:3: \"KASH\" holds a NUL byte"
}

@test "a file group or others may write, or not root's, is ignored in one line" {
	needs_root
	write_conf 'KASHIM_KEEPIDLE=45'
	chmod 664 "$CONF"
	check
	assert_value file ignored
	assert_value idle -1
	[ "$stderr" = "warning: $CONF is writable by its group or others; ignored" ] || flunk "not one line"
	chmod 646 "$CONF"
	check
	assert_value file ignored
	chmod 644 "$CONF"
	chown 65534 "$CONF"
	check
	assert_value file ignored
	[ "$stderr" = "warning: $CONF is owned by uid 65534, not root; ignored" ] || flunk "not one line"
	chown 0 "$CONF"
	check
	assert_value file read
	assert_value idle 45
}

@test "a missing file says nothing; a directory, a FIFO and a file over 8 KiB are ignored in one line" {
	needs_root
	check
	assert_value file absent
	[ -z "$stderr" ] || flunk "a missing file was mentioned"
	mkdir "$CONF"
	check
	assert_value file ignored
	[[ $stderr == *"is not a regular file; ignored" ]] || flunk "no word about the directory"
	rmdir "$CONF"
	mkfifo -m 644 "$CONF"
	run --separate-stderr timeout 5 "$CONFIG_CHECK" --conf "$CONF"
	assert_status 0
	assert_value file ignored
	rm "$CONF"
	{ echo KASHIM_KEEPIDLE=45; head -c 8200 /dev/zero | tr '\0' '#'; echo; } >"$CONF"
	chmod 644 "$CONF"
	check
	assert_value file ignored
	[[ $stderr == *"is larger than 8192 bytes; ignored" ]] || flunk "no word about the size"
}

@test "control: the same file, owned by root and not writable by others, is read (the tests above can fail)" {
	needs_root
	write_conf 'KASHIM_KEEPIDLE=45'
	check
	assert_value file read
	assert_value idle 45
}
