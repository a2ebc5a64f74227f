# kashim: TCP keepalive for programs that never asked for it.
# Targets: all (default: the library and the two tools, nothing else),
# test, demo, bench, install, uninstall, clean, fresh-root, systemd-check,
# old-glibc-check, deb, deb-check; test-helpers
# (what the tests, the demo and hardening run beside the product); and
# hardening (sanitize, tsan, memcheck, fuzz, analyze, musl-test), see below.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/kashim
# The host-wide configuration file is SYSCONFDIR/kashim.conf: /etc, not
# under PREFIX, since it belongs to the host whichever install reads it.
SYSCONFDIR ?= /etc
DESTDIR ?=
# The one place the version is written; debian/changelog must agree
# (debian/rules and tests/package.bats check).
KASHIM_VERSION := $(strip $(file < VERSION))

CC      ?= cc
CPPFLAGS ?=
CFLAGS  ?= -g
LDFLAGS ?=
BUILD   ?= build

WARNINGS = -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wcast-qual
# CI builds must be warning-free; a user's build should not break on a
# newer compiler's new warning.
ifneq ($(CI),)
WARNINGS += -Werror
endif

# What is built here runs on glibc 2.17 and later: the library and the
# programs that ship or run on old systems link $(COMPAT), an archive of
# the functions glibc has given newer symbol versions since (compat/). The
# Makefile reads GLIBC_BASE, the version they bind to, from compat/glibc.h:
# empty for another C library (musl), and off in sanitizer builds, whose
# runtimes need a new glibc anyway.
COMPAT_SOURCES = compat/start.c compat/stat.c compat/fstat.c compat/dlsym.c compat/pthread_once.c \
                 compat/pthread.c
GLIBC_BASE := $(if $(findstring -fsanitize,$(CFLAGS) $(LDFLAGS)),,$(shell \
                echo KASHIM_GLIBC_BASE | $(CC) -E -P -include compat/glibc.h - 2>/dev/null | \
                tr -d '"' | grep '^GLIBC_'))
ifneq ($(GLIBC_BASE),)
COMPAT = $(BUILD)/libkashim-compat.a
# compat/dlsym.c's own lookup held against glibc's (tests/portable.bats)
COMPAT_HELPERS = $(BUILD)/compat-dlsym
# Before glibc 2.34 pthread_create and pthread_join lived in libpthread:
# test programs that start threads name it (here libc has them, hence
# --no-as-needed). The library never does: see compat/pthread_once.c.
OLD_LIBPTHREAD = -Wl,--push-state,--no-as-needed -l:libpthread.so.0 -Wl,--pop-state
endif

# Project flags first, the user's CFLAGS last so they win.
KASHIM_CFLAGS  = -std=c11 -D_GNU_SOURCE -I. -O2 -fPIC -fvisibility=hidden \
                 $(WARNINGS) -MMD -MP
KASHIM_LDFLAGS = -Wl,-z,relro,-z,now,-z,noexecstack
# The preload library is mapped into every process it is given to, so its
# load time is paid on every exec. -z separate-code (binutils' default since
# 2.31) splits it into 4 LOAD segments; 2 load measurably faster (make
# bench; figures in bench/README.md), at the price of the library's few KiB
# of read-only data being mapped executable, as every library was before
# 2.31. Full RELRO, BIND_NOW and a non-executable stack stay.
LIBRARY_LDFLAGS = $(KASHIM_LDFLAGS) -Wl,-z,noseparate-code

# The configuration: the table of variables, parsing, the environment, /proc.
CONFIG_SOURCES = core/config_table.c core/values.c core/parse.c core/lists.c \
                 core/env.c core/proc.c core/log.c core/conffile.c core/conf_path.c \
                 core/layered.c
SHIM_SOURCES = shim/shim.c $(CONFIG_SOURCES) core/apply.c core/scope.c \
               shim/seen.c shim/backlog.c shim/inherited.c core/report.c core/sockaddr.c
SHIM_OBJECTS = $(SHIM_SOURCES:%.c=$(BUILD)/%.o)
# The parser and logger alone, for tools and tests that preload nothing.
CONFIG_OBJECTS = $(CONFIG_SOURCES:%.c=$(BUILD)/%.o)

LIBRARY  = $(BUILD)/libkashim.so
HELPERS  = $(BUILD)/sockprobe $(BUILD)/config-check $(BUILD)/uringprobe $(COMPAT_HELPERS) \
           $(BUILD)/sockops-check
# Preloaded beside the shim by tests/alloc.bats: a counting malloc, and a
# library that allocates on every connect (the counter's control).
TEST_LIBS = $(BUILD)/alloc-count.so $(BUILD)/alloc-connect.so
# The benchmark (make bench): a driver, its workload, a trivial program
# and an empty library for the start-up scenario.
# bench-supervise: kashim's seccomp supervisor against the preload path.
BENCH    = $(BUILD)/bench $(BUILD)/bench-cycle $(BUILD)/bench-noop $(BUILD)/bench-supervise
BENCH_EMPTY = $(BUILD)/bench-empty.so

# Operator tools: the kashim wrapper and kashim-inspect.
TOOLS = $(BUILD)/kashim $(BUILD)/kashim-inspect
LEGACY_SERVER = $(BUILD)/legacy_server
INSPECT_OBJECTS = $(BUILD)/tools/inspect/kashim_inspect.o $(BUILD)/tools/readers/proc_fds.o \
                  $(BUILD)/tools/readers/proc_tcp.o $(BUILD)/tools/readers/sockopts.o \
                  $(BUILD)/tools/inspect/inspect_output.o $(BUILD)/tools/readers/process.o \
                  $(BUILD)/tools/readers/side.o $(BUILD)/tools/inspect/missing.o \
                  $(BUILD)/tools/readers/elf_kind.o $(BUILD)/tools/readers/inode_set.o \
                  $(BUILD)/tools/inspect/prometheus.o $(BUILD)/tools/inspect/output_file.o \
                  $(BUILD)/tools/readers/systemd_unit.o \
                  $(CONFIG_OBJECTS) $(CGROUP_PROGRAM_OBJECTS) $(BUILD)/tools/cgroup/attached.o \
                  $(BUILD)/tools/cgroup/cgroup_dir.o
# kashim --pid: the library's own configure code, applied from outside.
RETROFIT_OBJECTS = $(BUILD)/tools/running/pid_retrofit.o $(BUILD)/tools/readers/inode_set.o \
                   $(BUILD)/tools/readers/side.o $(BUILD)/tools/readers/process.o \
                   $(BUILD)/tools/readers/proc_fds.o $(BUILD)/tools/readers/proc_tcp.o \
                   $(BUILD)/tools/readers/sockopts.o $(BUILD)/core/apply.o $(BUILD)/core/scope.o
MANPAGES_1 = man/kashim.1 man/kashim-inspect.1
MANPAGES_7 = man/libkashim.7
SYSTEMD_EXAMPLE = scripts/systemd/legacy.service.d/keepalive.conf
# The audit for node_exporter, run by a timer: examples, never enabled here.
SYSTEMD_AUDIT = scripts/systemd/kashim-missing.service scripts/systemd/kashim-missing.timer

.PHONY: all test-helpers test demo bench install uninstall clean fresh-root old-glibc-check \
        deb deb-check systemd-check FORCE

# The product only: a user's `make` needs nothing but gcc and make.
all: $(LIBRARY) $(TOOLS)

# What the tests run beside the product; scripts/test builds it after
# installing what it needs (uringprobe needs liburing-dev).
test-helpers: $(LIBRARY) $(TOOLS) $(HELPERS) $(TEST_LIBS) $(LEGACY_SERVER) $(BENCH_EMPTY)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBRARY): $(SHIM_OBJECTS) $(COMPAT)
	$(CC) -shared $(LIBRARY_LDFLAGS) -Wl,-soname,libkashim.so $(LDFLAGS) -o $@ $(SHIM_OBJECTS) \
		$(COMPAT) -ldl

# Each member is linked only into the binaries that call its function.
$(BUILD)/libkashim-compat.a: $(COMPAT_SOURCES:%.c=$(BUILD)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/sockprobe: $(BUILD)/tests/helpers/sockprobe.o $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ $(OLD_LIBPTHREAD) -lpthread

$(BUILD)/compat-dlsym: $(BUILD)/tests/helpers/compat_dlsym.o $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/config-check: $(BUILD)/tests/helpers/config_check.o $(CONFIG_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# kashim's sock_ops program through the verifier (tests/cgroup.bats).
CGROUP_PROGRAM_OBJECTS = $(BUILD)/tools/cgroup/sockops_prog.o $(BUILD)/tools/cgroup/bpf_sys.o
$(BUILD)/sockops-check: $(BUILD)/tests/helpers/sockops_check.o $(CGROUP_PROGRAM_OBJECTS) \
                        $(CONFIG_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/alloc-count.so: $(BUILD)/tests/helpers/alloc_count.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/alloc-connect.so: $(BUILD)/tests/helpers/alloc_connect.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -ldl

# io_uring accepts bypass libc: the listen hook's case (liburing-dev).
$(BUILD)/uringprobe: $(BUILD)/tests/helpers/uringprobe.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -luring

# What the tools need to know about the installation. kashim finds the
# library at LIBDIR relative to BINDIR, so a tree installed with any PREFIX,
# LIBDIR or DESTDIR works wherever it lands. Rewritten only when it changes,
# so an install with other directories rebuilds kashim and nothing else.
$(BUILD)/tools/build_config.h: FORCE
	@mkdir -p $(@D)
	@printf '#define KASHIM_LIB_FROM_BIN "%s"\n#define KASHIM_VERSION "%s"\n' \
		"$$(realpath -m --relative-to='$(BINDIR)' '$(LIBDIR)')" '$(KASHIM_VERSION)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

# The configuration file's path, for the library and the tools alike
# (core/conf_path.c); rewritten only when it changes, like build_config.h.
$(BUILD)/core/sysconf.h: FORCE
	@mkdir -p $(@D)
	@printf '#define KASHIM_CONF_PATH "%s"\n' '$(SYSCONFDIR)/kashim.conf' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/core/conf_path.o: core/conf_path.c $(BUILD)/core/sysconf.h
	$(CC) $(KASHIM_CFLAGS) -I$(BUILD)/core $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

FORCE:

$(BUILD)/tools/%.o: tools/%.c $(BUILD)/tools/build_config.h
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -I$(BUILD)/tools $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# kashim supervising a static program: the library's configuration, scope
# and apply code again (tools/supervise/ and what it uses).
SUPERVISE_OBJECTS = $(BUILD)/tools/kashim/launch.o $(BUILD)/tools/readers/elf_static.o \
                    $(BUILD)/tools/readers/elf_kind.o $(BUILD)/tools/supervise/supervise.o \
                    $(BUILD)/tools/supervise/serve.o $(BUILD)/tools/supervise/seccomp_notify.o \
                    $(BUILD)/tools/supervise/socket_set.o $(BUILD)/core/report.o \
                    $(BUILD)/core/sockaddr.o $(BUILD)/tools/supervise/parent.o
# kashim --cgroup and --mode=cgroup: tools/cgroup/.
CGROUP_OBJECTS = $(CGROUP_PROGRAM_OBJECTS) $(BUILD)/tools/cgroup/attach.o \
                 $(BUILD)/tools/cgroup/cgroup_dir.o $(BUILD)/tools/cgroup/cgroup_cmd.o \
                 $(BUILD)/tools/cgroup/cgroup_run.o
$(BUILD)/kashim: $(BUILD)/tools/kashim/kashim.o $(BUILD)/tools/kashim/preload.o \
                 $(BUILD)/tools/kashim/host.o $(CONFIG_OBJECTS) \
                 $(RETROFIT_OBJECTS) $(SUPERVISE_OBJECTS) $(CGROUP_OBJECTS) $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/kashim-inspect: $(INSPECT_OBJECTS) $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# The unmodified server of the demo and the wire tests: it never calls
# setsockopt, so any keepalive it shows comes from the shim.
$(LEGACY_SERVER): $(BUILD)/tests/helpers/legacy_server.o $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# Servers and a client that no preload library reaches, for kashim --pid
# and kashim-inspect --missing (tests/running.bats): one of each static.
RUNNING_HELPERS = $(BUILD)/plain-server $(BUILD)/plain-server-static \
                  $(BUILD)/plain-client-static
test-helpers: $(RUNNING_HELPERS)
$(BUILD)/plain-server: $(BUILD)/tests/helpers/plain_server.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^
# The static ones from source, without the user's CFLAGS and LDFLAGS: a
# sanitizer build's flags cannot link -static, and these programs stand for
# someone else's binary, not for kashim's code.
$(BUILD)/plain-server-static: tests/helpers/plain_server.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -static $(KASHIM_LDFLAGS) -o $@ $<
# sockprobe linked statically: raw system calls in a program no preload reaches.
test-helpers: $(BUILD)/sockprobe-static
$(BUILD)/sockprobe-static: tests/helpers/sockprobe.c tests/helpers/test_util.h
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -static $(KASHIM_LDFLAGS) -o $@ $< -lpthread
$(BUILD)/plain-client-static: tests/helpers/plain_client.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -static $(KASHIM_LDFLAGS) -o $@ $<

# The service of every unit in the booted-systemd check (scripts/systemd-check),
# dynamic and static (the supervisor's case); like the static programs above,
# built without the user's flags.
UNIT_PEERS = $(BUILD)/unit-peer $(BUILD)/unit-peer-static
$(BUILD)/unit-peer: tests/helpers/unit_peer.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(KASHIM_LDFLAGS) -o $@ $<
$(BUILD)/unit-peer-static: tests/helpers/unit_peer.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -static $(KASHIM_LDFLAGS) -o $@ $<

# A statically linked test program (tests/static.bats): LD_PRELOAD cannot
# reach it, so kashim supervises it. Built without the user's CFLAGS and
# LDFLAGS: the sanitizer builds' runtimes cannot be linked statically.
test-helpers: $(BUILD)/static-peer
$(BUILD)/static-peer: tests/helpers/static_peer.c tests/helpers/test_util.h
	@mkdir -p $(@D)
	$(CC) -static $(KASHIM_CFLAGS) $(KASHIM_LDFLAGS) -o $@ $< -lpthread

test:
	scripts/test

# Builds what it runs once it has installed what it needs.
demo:
	@scripts/demo

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

bench: $(LIBRARY) $(BENCH) $(BENCH_EMPTY) $(BENCH_CONF)
	bench/run

# One source file each, compiled and linked in one step.
$(BUILD)/bench: bench/bench.c
$(BUILD)/bench: BENCH_LIBS = -lm
$(BUILD)/bench-cycle: bench/cycle.c
$(BUILD)/bench-noop: bench/noop.c
$(BUILD)/bench-supervise: bench/supervise.c
$(BENCH):
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(CFLAGS) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $< $(BENCH_LIBS)

# Linked like libkashim.so, so the two differ only in what they contain.
$(BENCH_EMPTY): bench/empty.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(CFLAGS) -shared $(LIBRARY_LDFLAGS) $(LDFLAGS) -o $@ $<

# libkashim.so again, reading its configuration file from $(BUILD)/bench-etc-absent
# (never created) or $(BUILD)/bench-etc-present and -sections (bench/run
# writes them): the start-up cost of /etc/kashim.conf absent and present,
# the path aside.
BENCH_CONF = $(BUILD)/bench-conf-absent.so $(BUILD)/bench-conf-present.so \
             $(BUILD)/bench-conf-sections.so
$(BUILD)/bench-conf-%.so: core/conf_path.c $(filter-out $(BUILD)/core/conf_path.o,$(SHIM_OBJECTS)) \
                          $(COMPAT)
	$(CC) $(KASHIM_CFLAGS) $(CFLAGS) -shared $(LIBRARY_LDFLAGS) -Wl,-soname,libkashim.so $(LDFLAGS) \
		-DKASHIM_CONF_PATH='"$(abspath $(BUILD))/bench-etc-$*/kashim.conf"' -o $@ $^ -ldl

# The directories install puts files in. Each one it has to create,
# parents included, is recorded (without DESTDIR) in INSTALLED_DIRS, added
# to the record of an earlier install, so that uninstall removes those and
# only those: a directory that was there before, even empty (Debian ships
# an empty /usr/local/bin and /usr/local/share/man), stays.
INSTALL_DIRS = $(LIBDIR) $(BINDIR) $(MANDIR)/man1 $(MANDIR)/man7 \
               $(DOCDIR)/examples/legacy.service.d
INSTALLED_DIRS = $(DOCDIR)/installed-directories

# The man pages and the example drop-in are installed naming the paths
# the install used (the tree's name the default prefix's) and the version.
INSTALL_SED = sed -e 's|/usr/local/lib/libkashim\.so|$(LIBDIR)/libkashim.so|g' \
                  -e 's|/usr/local/share/doc/kashim|$(DOCDIR)|g' \
                  -e 's|/usr/local/bin/kashim|$(BINDIR)/kashim|g' \
                  -e 's|"kashim [0-9][^"]*"|"kashim $(KASHIM_VERSION)"|'

# Into the running system (no DESTDIR), ldconfig then adds the library to
# the loader's cache, so that LD_PRELOAD=libkashim.so finds it by name.
install: $(LIBRARY) $(TOOLS)
	@created=$$(for dir in $(INSTALL_DIRS); do \
		while [ -n "$$dir" ] && [ ! -d "$(DESTDIR)$$dir" ]; do echo "$$dir"; dir=$${dir%/*}; done; \
	done); \
	install -d $(INSTALL_DIRS:%=$(DESTDIR)%) && \
	{ cat $(DESTDIR)$(INSTALLED_DIRS) 2>/dev/null; printf '%s\n' $$created; } | \
		sed '/^$$/d' | sort -u >$(DESTDIR)$(INSTALLED_DIRS).new && \
	chmod 0644 $(DESTDIR)$(INSTALLED_DIRS).new && \
	mv -f $(DESTDIR)$(INSTALLED_DIRS).new $(DESTDIR)$(INSTALLED_DIRS)
	install -m 0755 $(LIBRARY) $(DESTDIR)$(LIBDIR)/libkashim.so
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	for page in $(MANPAGES_1) $(MANPAGES_7); do \
		section=$${page##*.}; \
		$(INSTALL_SED) $$page >$(DESTDIR)$(MANDIR)/man$$section/$${page#man/} && \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$$section/$${page#man/} || exit 1; \
	done
	$(INSTALL_SED) $(SYSTEMD_EXAMPLE) >$(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf
	chmod 0644 $(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf
	for unit in $(SYSTEMD_AUDIT); do \
		$(INSTALL_SED) $$unit >$(DESTDIR)$(DOCDIR)/examples/$${unit##*/} && \
		chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$${unit##*/} || exit 1; \
	done
	@if [ -z '$(DESTDIR)' ]; then \
		ldconfig || echo 'kashim: ldconfig failed: LD_PRELOAD needs the full path $(LIBDIR)/libkashim.so' >&2; \
		ldconfig -p | grep -qF ' => $(LIBDIR)/libkashim.so' || \
		echo 'kashim: $(LIBDIR) is not in the loader'"'"'s search path: LD_PRELOAD needs the full path $(LIBDIR)/libkashim.so' >&2; \
	fi

# Exactly what install put there: its files, then the directories it
# created, innermost first, each once empty; kashim's own doc directories
# also when the record is missing. ldconfig forgets the library again.
# Install never turns the host-wide preload on (kashim --host on does);
# uninstall first takes kashim's line out of /etc/ld.so.preload, before
# the library goes: a line naming a missing library makes the loader
# complain in every program. If that fails, nothing is removed.
uninstall:
	@if [ -z '$(DESTDIR)' ] && grep -qs 'libkashim\.so' /etc/ld.so.preload; then \
		$(BINDIR)/kashim --host off || { echo 'kashim: libkashim.so is still in' \
			'/etc/ld.so.preload; nothing uninstalled' >&2; exit 1; }; \
	fi
	rm -f $(DESTDIR)$(LIBDIR)/libkashim.so \
		$(DESTDIR)$(BINDIR)/kashim $(DESTDIR)$(BINDIR)/kashim-inspect \
		$(MANPAGES_1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(MANPAGES_7:man/%=$(DESTDIR)$(MANDIR)/man7/%) \
		$(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf \
		$(SYSTEMD_AUDIT:scripts/systemd/%=$(DESTDIR)$(DOCDIR)/examples/%)
	@dirs=$$(cat $(DESTDIR)$(INSTALLED_DIRS) 2>/dev/null); \
	rm -f $(DESTDIR)$(INSTALLED_DIRS); \
	for dir in $$( printf '%s\n' $$dirs $(DOCDIR) $(DOCDIR)/examples \
			$(DOCDIR)/examples/legacy.service.d | sort -r -u); do \
		rmdir "$(DESTDIR)$$dir" 2>/dev/null || true; \
	done
	@if [ -z '$(DESTDIR)' ]; then ldconfig || true; fi

clean:
	rm -rf $(BUILD)

-include $(SHIM_OBJECTS:.o=.d) $(BUILD)/tests/helpers/*.d $(BUILD)/tools/*/*.d $(BUILD)/compat/*.d \
	$(BENCH:=.d) $(BENCH_EMPTY:.so=.d) $(BENCH_CONF:.so=.d) $(BUILD)/static-peer.d

# ---------------------------------------------------------------------------
# Hardening: helpers for the signal, property and stress tests (built with
# the test helpers, so the sanitizer and musl runs use them too), the fuzz
# target, and one target per machine check. scripts/hardening does the
# work; `make hardening` runs every step and times each.

HARDENING_HELPERS = $(BUILD)/sigcheck $(BUILD)/config-property $(BUILD)/stress \
                    $(BUILD)/libstress-early.so $(BUILD)/edgeprobe $(BUILD)/libearly-signal.so
HARDENING_STEPS   = sanitize tsan memcheck fuzz analyze musl-test

.PHONY: hardening $(HARDENING_STEPS)

test-helpers: $(HARDENING_HELPERS)

$(BUILD)/sigcheck: $(BUILD)/tests/helpers/sigcheck.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/config-property: $(BUILD)/tests/helpers/config_property.o $(CONFIG_OBJECTS) \
                          $(BUILD)/core/apply.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/stress: $(BUILD)/tests/helpers/stress.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread -ldl

$(BUILD)/libstress-early.so: $(BUILD)/tests/helpers/stress_early.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

# The cases a wider run under real programs broke (tests/defects.bats).
$(BUILD)/edgeprobe: $(BUILD)/tests/helpers/edgeprobe.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/libearly-signal.so: $(BUILD)/tests/helpers/early_signal.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# Built with clang by `make fuzz`: CFLAGS carries -fsanitize=fuzzer-no-link
# for the objects; only the link adds libFuzzer's main.
$(BUILD)/fuzz-config: $(BUILD)/tests/fuzz/fuzz_config.o $(CONFIG_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^

hardening:
	scripts/hardening $(HARDENING_STEPS)

$(HARDENING_STEPS):
	scripts/hardening $@

-include $(BUILD)/tests/fuzz/*.d
