#!/usr/bin/env bats
# make install / make uninstall into a temporary DESTDIR with a custom
# PREFIX, and the installed tools at work on real programs.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

setup_file() {
	# a build of its own, so installing with other directories never
	# rebuilds the tree the other tests use
	export INSTALL_BUILD=$BATS_FILE_TMPDIR/build
}

setup() {
	DEST=$BATS_TEST_TMPDIR/dest
	# a prefix that exists nowhere on this machine: nothing may land there
	PREFIX=/opt/kashim-install-test-$$-$BATS_TEST_NUMBER
}

teardown() {
	stop_background
}

# make_target TARGET VAR=VALUE...: run make TARGET for the install tests.
make_target() {
	run make -s -C "$KASHIM_ROOT" BUILD="$INSTALL_BUILD" DESTDIR="$DEST" PREFIX="$PREFIX" "$@"
	assert_status 0
}

# Every file and symlink under DEST, relative to it, sorted.
installed_files() {
	(cd "$DEST" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
}

# Everything under DEST, directories included, relative to it, sorted.
everything() {
	(cd "$DEST" && find . -mindepth 1 | sed 's|^\./||' | sort)
}

@test "custom PREFIX and LIBDIR: exactly the expected files, the installed kashim works, uninstall removes them all" {
	local libdir=$PREFIX/lib/x86_64-custom expected page
	mkdir "$DEST"
	make_target install LIBDIR="$libdir"
	expected="${PREFIX#/}/bin/kashim
${PREFIX#/}/bin/kashim-inspect
${libdir#/}/libkashim.so
${PREFIX#/}/share/doc/kashim/examples/kashim-missing.service
${PREFIX#/}/share/doc/kashim/examples/kashim-missing.timer
${PREFIX#/}/share/doc/kashim/examples/kashim-pin.conf
${PREFIX#/}/share/doc/kashim/examples/kashim-pin.service
${PREFIX#/}/share/doc/kashim/examples/legacy.service.d/keepalive.conf
${PREFIX#/}/share/doc/kashim/installed-directories
${PREFIX#/}/share/man/man1/kashim-inspect.1
${PREFIX#/}/share/man/man1/kashim.1
${PREFIX#/}/share/man/man7/libkashim.7"
	output=$(installed_files)
	[ "$output" = "$(sort <<<"$expected")" ] || flunk "installed files differ from: $expected"
	[ ! -e "$PREFIX" ] || flunk "install wrote outside DESTDIR"
	[ -x "$DEST$PREFIX/bin/kashim" ] && [ -x "$DEST$PREFIX/bin/kashim-inspect" ] || flunk "tools not executable"
	cmp -s "$KASHIM_ROOT/man/kashim.1" "$DEST$PREFIX/share/man/man1/kashim.1" || flunk "kashim.1 differs"
	# kashim-inspect(1) names the installed example service
	page=$DEST$PREFIX/share/man/man1/kashim-inspect.1
	grep -qF "$PREFIX/share/doc/kashim/examples/kashim\\-missing.service" "$page" ||
		flunk "kashim-inspect.1 does not name the installed example service"
	sed -e "s|$PREFIX/share/doc/|/usr/local/share/doc/|g" "$page" |
		cmp -s "$KASHIM_ROOT/man/kashim-inspect.1" - || flunk "kashim-inspect.1 differs beyond its paths"
	# libkashim(7) names the paths this install used, and is otherwise the tree's
	page=$DEST$PREFIX/share/man/man7/libkashim.7
	grep -qF "LD_PRELOAD=$libdir/libkashim.so" "$page" || flunk "libkashim.7 does not name $libdir"
	grep -qF "$PREFIX/share/doc/kashim/examples" "$page" || flunk "libkashim.7 does not name the doc directory"
	# the audit's example service names the installed kashim-inspect
	grep -qF "ExecStart=$PREFIX/bin/kashim-inspect --missing --all" \
		"$DEST$PREFIX/share/doc/kashim/examples/kashim-missing.service" ||
		flunk "kashim-missing.service does not name $PREFIX/bin/kashim-inspect"
	# and the pinning example the installed kashim
	grep -qF "ExecStart=$PREFIX/bin/kashim --idle 60" \
		"$DEST$PREFIX/share/doc/kashim/examples/kashim-pin.service" ||
		flunk "kashim-pin.service does not name $PREFIX/bin/kashim"
	sed -e "s|$libdir/|/usr/local/lib/|g" -e "s|$PREFIX/share/doc/|/usr/local/share/doc/|g" "$page" |
		cmp -s "$KASHIM_ROOT/man/libkashim.7" - || flunk "libkashim.7 differs beyond its paths"

	# the installed kashim, found through PATH, preloads the installed library
	run --separate-stderr env PATH="$DEST$PREFIX/bin:$PATH" kashim --debug --idle 44 --count 3 "$SOCKPROBE" pair
	assert_status 0
	assert_value accepted.keepalive 1
	assert_value accepted.idle 44
	assert_value accepted.cnt 3
	printf '%s\n' "$stderr" | grep -qF "LD_PRELOAD=$DEST$libdir/libkashim.so" ||
		flunk "not the installed library: $stderr"

	# the installed kashim-inspect sees what a server under it has inside
	start_report_server "$BATS_TEST_TMPDIR/report" "$DEST$PREFIX/bin/kashim" --idle 45
	run --separate-stderr "$DEST$PREFIX/bin/kashim-inspect" --json "$SERVER_PID"
	assert_status 0
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/inspect.json"
	run python3 "$INSPECT_MATCHES" "$BATS_TEST_TMPDIR/report" "$BATS_TEST_TMPDIR/inspect.json"
	assert_status 0
	assert_output_has "'keepidle': 45"
	stop_background

	make_target uninstall LIBDIR="$libdir"
	output=$(everything)
	[ -z "$output" ] || flunk "uninstall left these behind in a DESTDIR that was empty"
}

@test "uninstall removes the directories install created, and only those, after two installs" {
	# what a fresh Debian has: empty /usr/local/bin and /usr/local/share/man
	mkdir -p "$DEST$PREFIX/bin" "$DEST$PREFIX/share/man"
	local before
	before=$(everything)
	make_target install
	[ -d "$DEST$PREFIX/share/man/man1" ] && [ -d "$DEST$PREFIX/lib" ] || flunk "install made no directories"
	make_target install
	make_target uninstall
	output=$(everything)
	[ "$output" = "$before" ] || flunk "after uninstall, expected only: $before"
}

@test "default LIBDIR is PREFIX/lib, and an installed tree still works after it is moved" {
	make_target install
	[ -f "$DEST$PREFIX/lib/libkashim.so" ] || flunk "library not in PREFIX/lib"
	mv "$DEST" "$BATS_TEST_TMPDIR/moved"
	run "$BATS_TEST_TMPDIR/moved$PREFIX/bin/kashim" --idle 46 "$SOCKPROBE" pair
	assert_status 0
	assert_value accepted.idle 46
	mv "$BATS_TEST_TMPDIR/moved" "$DEST"
	make_target uninstall
	output=$(installed_files)
	[ -z "$output" ] || flunk "uninstall left files behind"
}

@test "the installed systemd drop-in names the installed library, and its settings take effect" {
	local libdir=$PREFIX/lib64 line assignment
	local -a environment=()
	make_target install LIBDIR="$libdir"
	local dropin=$DEST$PREFIX/share/doc/kashim/examples/legacy.service.d/keepalive.conf
	grep -qx "Environment=LD_PRELOAD=$libdir/libkashim.so" "$dropin" ||
		flunk "the drop-in does not name $libdir/libkashim.so"
	# run a program with exactly the drop-in's Environment= assignments, as
	# systemd would (the library path seen through DESTDIR)
	while read -r line; do
		for assignment in ${line#Environment=}; do
			[[ "$assignment" == LD_PRELOAD=* ]] && assignment="LD_PRELOAD=$DEST${assignment#LD_PRELOAD=}"
			environment+=("$assignment")
		done
	done < <(grep '^Environment=' "$dropin")
	run env "${environment[@]}" "$SOCKPROBE" pair
	assert_status 0
	for side in accepted connected; do
		assert_value $side.keepalive 1
		assert_value $side.idle 60
		assert_value $side.intvl 10
		assert_value $side.cnt 5
		assert_value $side.user_timeout 110000
	done
	make_target uninstall LIBDIR="$libdir"
}

@test "make install into the running system runs ldconfig: LD_PRELOAD=libkashim.so works by name, until uninstall" {
	[ "$(id -u)" -eq 0 ] || skip "installs into /usr/local: needs root"
	# over an empty /usr/local and a copy of /etc (ldconfig's cache), in a
	# private mount namespace: nothing outlives the test
	cp -a /etc "$BATS_TEST_TMPDIR/etc"
	run unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /usr/local && mount --bind "$1/etc" /etc || exit 2
		LD_PRELOAD=libkashim.so KASHIM_KEEPIDLE=47 "$4" pair 2>&1 | sed s/^/before./
		make -s -C "$2" BUILD="$3" install || exit 3
		ldconfig -p | grep -F libkashim.so
		LD_PRELOAD=libkashim.so KASHIM_KEEPIDLE=47 "$4" pair 2>&1
		make -s -C "$2" BUILD="$3" uninstall || exit 4
		ldconfig -p | grep -F libkashim.so | sed s/^/uninstalled:/' \
		sh "$BATS_TEST_TMPDIR" "$KASHIM_ROOT" "$INSTALL_BUILD" "$SOCKPROBE"
	assert_status 0
	# control: before the install the loader could not find it by name
	assert_value before.accepted.keepalive 0
	assert_output_has "=> /usr/local/lib/libkashim.so"
	assert_value accepted.keepalive 1
	assert_value accepted.idle 47
	assert_output_lacks "uninstalled:"
	[ ! -e /usr/local/lib/libkashim.so ] || flunk "the install reached the real /usr/local"
}

@test "make install leaves /etc/ld.so.preload alone; make uninstall takes kashim's line out, keeping the rest" {
	[ "$(id -u)" -eq 0 ] || skip "installs into /usr/local: needs root"
	cp -a /etc "$BATS_TEST_TMPDIR/etc"
	run --separate-stderr unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /usr/local && mount --bind "$1/etc" /etc || exit 2
		make -s -C "$2" BUILD="$3" "$3/bench-empty.so" >/dev/null || exit 6
		cp "$3/bench-empty.so" /usr/local/empty.so
		printf "%s\n" /usr/local/empty.so >/etc/ld.so.preload
		before=$(sha256sum /etc/ld.so.preload)
		make -s -C "$2" BUILD="$3" install || exit 3
		[ "$(sha256sum /etc/ld.so.preload)" = "$before" ] && echo install=untouched
		/usr/local/bin/kashim --host on >/dev/null || exit 4
		grep -c libkashim /etc/ld.so.preload | sed s/^/on=/
		make -s -C "$2" BUILD="$3" uninstall || exit 5
		[ "$(sha256sum /etc/ld.so.preload)" = "$before" ] && echo uninstall=restored' sh "$BATS_TEST_TMPDIR" "$KASHIM_ROOT" "$INSTALL_BUILD"
	assert_status 0
	assert_value install untouched
	assert_value on 1
	assert_value uninstall restored
	[[ $stderr != *"cannot be preloaded"* ]] || flunk "the loader complained"
	[ ! -e /usr/local/lib/libkashim.so ] || flunk "the install reached the real /usr/local"
}
