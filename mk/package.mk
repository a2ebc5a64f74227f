# The package and the checks on other roots: fresh-root, systemd-check,
# old-glibc-check, deb, deb-check (each a script in scripts/).

.PHONY: fresh-root systemd-check old-glibc-check deb deb-check

# The README's set-up line, make demo and make test on a pristine Debian
# root (DEBIAN_SUITE, default bookworm); see scripts/fresh-root.
DEBIAN_SUITE ?= bookworm
fresh-root:
	scripts/fresh-root $(DEBIAN_SUITE)

# kashim under a real, booted systemd: a Debian 12 root with systemd under
# systemd-nspawn, the README's drop-in, socket units, hardened and filtered
# units, Type=notify and forking, the package; see scripts/systemd-check.
systemd-check:
	scripts/systemd-check

# The library and tools built here, unchanged, at work on Debian 11 (glibc
# 2.31) inside a fresh root; see scripts/old-glibc-check.
old-glibc-check:
	scripts/old-glibc-check

# The binary Debian package, in $(BUILD)/deb (scripts/deb); and the package
# checked with lintian and at work in Debian 11 and 12 roots (scripts/deb-check).
deb:
	scripts/deb

deb-check:
	scripts/deb-check
