#!/usr/bin/env bats
# The version is written once, in VERSION: the tools, the man pages and
# debian/changelog must say the same. make deb-check tests the package
# itself (lintian, its files, Debian 11 and 12).

load helpers/common
load helpers/tools

VERSION_FILE=$KASHIM_ROOT/VERSION

@test "VERSION, kashim --version, kashim-inspect --version, the man pages and debian/changelog agree" {
	local version page
	version=$(cat "$VERSION_FILE")
	[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || flunk "VERSION holds '$version'"
	run "$KASHIM" --version
	assert_status 0
	[ "$output" = "kashim $version" ] || flunk "kashim --version is not $version"
	run "$KASHIM_INSPECT" --version
	assert_status 0
	[ "$output" = "kashim-inspect $version" ] || flunk "kashim-inspect --version is not $version"
	for page in "$KASHIM_ROOT"/man/*.[17]; do
		output=$(sed -n 1p "$page")
		assert_output_has "\"kashim $version\""
	done
	output=$(sed -n 1p "$KASHIM_ROOT/debian/changelog")
	[ "$output" = "kashim ($version) unstable; urgency=medium" ] ||
		flunk "debian/changelog's first entry is not $version"
}

@test "debian/rules refuses to build when debian/changelog and VERSION differ" {
	[ -f /usr/share/dpkg/pkg-info.mk ] || skip "dpkg-dev is not installed"
	local tree=$BATS_TEST_TMPDIR/tree
	mkdir "$tree"
	cp -r "$KASHIM_ROOT/debian" "$tree/"
	echo 9.9.9 >"$tree/VERSION"
	run make -s -C "$tree" -f debian/rules override_dh_auto_build
	[ "$status" -ne 0 ] || flunk "debian/rules built with VERSION 9.9.9"
	assert_output_has "debian/changelog says $(cat "$VERSION_FILE"), VERSION 9.9.9"
	# control: with the same VERSION it gets past the check (to make, which
	# then finds no Makefile in this bare copy)
	cp "$VERSION_FILE" "$tree/VERSION"
	run make -s -C "$tree" -f debian/rules override_dh_auto_build
	assert_output_lacks "debian/changelog says"
}
