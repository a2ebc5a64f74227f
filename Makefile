# kashim: TCP keepalive for programs that never asked for it.
# Targets: all (default), test, bench, install, uninstall, clean; and
# hardening (sanitize, tsan, memcheck, fuzz, analyze, musl-test), see below.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/kashim
DESTDIR ?=
KASHIM_VERSION ?= 0.1.0

CC      ?= cc
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

# Project flags first, the user's CFLAGS last so they win.
KASHIM_CFLAGS  = -std=c11 -D_GNU_SOURCE -O2 -fPIC -fvisibility=hidden \
                 $(WARNINGS) -MMD -MP
KASHIM_LDFLAGS = -Wl,-z,relro,-z,now,-z,noexecstack
# The preload library is mapped into every process it is given to, so its
# load time is paid on every exec. -z separate-code (binutils' default since
# 2.31) splits it into 4 LOAD segments; 2 save about 13 us per exec (make
# bench: +58 -> +45 us), at the price of the library's few KiB of read-only
# data being mapped executable, as every library was before 2.31. Full
# RELRO, BIND_NOW and a non-executable stack stay.
LIBRARY_LDFLAGS = $(KASHIM_LDFLAGS) -Wl,-z,noseparate-code

SHIM_SOURCES = shim/shim.c shim/config.c shim/lists.c shim/apply.c shim/scope.c \
               shim/listeners.c shim/report.c shim/log.c shim/sockaddr.c
SHIM_OBJECTS = $(SHIM_SOURCES:%.c=$(BUILD)/%.o)
# The parser and logger alone, for tools and tests that preload nothing.
CONFIG_OBJECTS = $(BUILD)/shim/config.o $(BUILD)/shim/lists.o $(BUILD)/shim/log.o

LIBRARY  = $(BUILD)/libkashim.so
HELPERS  = $(BUILD)/sockprobe $(BUILD)/config-check $(BUILD)/uringprobe
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
INSPECT_OBJECTS = $(BUILD)/tools/kashim_inspect.o $(BUILD)/tools/proc_fds.o \
                  $(BUILD)/tools/proc_tcp.o $(BUILD)/tools/sockopts.o \
                  $(BUILD)/tools/inspect_output.o $(BUILD)/tools/process.o \
                  $(BUILD)/tools/side.o $(BUILD)/tools/missing.o \
                  $(BUILD)/tools/elf_kind.o $(BUILD)/tools/inode_set.o \
                  $(CONFIG_OBJECTS)
# kashim --pid: the library's own configure code, applied from outside.
RETROFIT_OBJECTS = $(BUILD)/tools/pid_retrofit.o $(BUILD)/tools/inode_set.o \
                   $(BUILD)/tools/side.o $(BUILD)/tools/process.o \
                   $(BUILD)/tools/proc_fds.o $(BUILD)/tools/proc_tcp.o \
                   $(BUILD)/tools/sockopts.o $(BUILD)/shim/apply.o $(BUILD)/shim/scope.o
MANPAGES_1 = man/kashim.1 man/kashim-inspect.1
MANPAGES_7 = man/libkashim.7
SYSTEMD_EXAMPLE = scripts/systemd/legacy.service.d/keepalive.conf

.PHONY: all test demo bench install uninstall clean FORCE

all: $(LIBRARY) $(HELPERS) $(TOOLS) $(TEST_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBRARY): $(SHIM_OBJECTS)
	$(CC) -shared $(LIBRARY_LDFLAGS) $(LDFLAGS) -o $@ $(SHIM_OBJECTS) -ldl

$(BUILD)/sockprobe: $(BUILD)/tests/helpers/sockprobe.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/config-check: $(BUILD)/tests/helpers/config_check.o $(CONFIG_OBJECTS)
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

FORCE:

$(BUILD)/tools/%.o: tools/%.c $(BUILD)/tools/build_config.h
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -I$(BUILD)/tools $(CFLAGS) -c -o $@ $<

# kashim supervising a static program: the library's configuration, scope
# and apply code again (tools/supervise.c and what it uses).
SUPERVISE_OBJECTS = $(BUILD)/tools/launch.o $(BUILD)/tools/elf_static.o \
                    $(BUILD)/tools/elf_kind.o $(BUILD)/tools/supervise.o \
                    $(BUILD)/tools/serve.o $(BUILD)/tools/seccomp_notify.o \
                    $(BUILD)/tools/socket_set.o $(BUILD)/shim/report.o \
                    $(BUILD)/shim/sockaddr.o
$(BUILD)/kashim: $(BUILD)/tools/kashim.o $(BUILD)/tools/preload.o $(CONFIG_OBJECTS) \
                 $(RETROFIT_OBJECTS) $(SUPERVISE_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/kashim-inspect: $(INSPECT_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# The unmodified server of the demo and the wire tests: it never calls
# setsockopt, so any keepalive it shows comes from the shim.
all: $(BUILD)/legacy_server
$(BUILD)/legacy_server: $(BUILD)/tests/helpers/legacy_server.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# Servers and a client that no preload library reaches, for kashim --pid
# and kashim-inspect --missing (tests/running.bats): one of each static.
RUNNING_HELPERS = $(BUILD)/plain-server $(BUILD)/plain-server-static \
                  $(BUILD)/plain-client-static
all: $(RUNNING_HELPERS)
$(BUILD)/plain-server: $(BUILD)/tests/helpers/plain_server.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^
$(BUILD)/plain-server-static: $(BUILD)/tests/helpers/plain_server.o
	$(CC) -static $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^
$(BUILD)/plain-client-static: $(BUILD)/tests/helpers/plain_client.o
	$(CC) -static $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# A statically linked test program (tests/static.bats): LD_PRELOAD cannot
# reach it, so kashim supervises it. Built without the user's CFLAGS and
# LDFLAGS: the sanitizer builds' runtimes cannot be linked statically.
all: $(BUILD)/static-peer
$(BUILD)/static-peer: tests/helpers/static_peer.c tests/helpers/test_util.h
	@mkdir -p $(@D)
	$(CC) -static $(KASHIM_CFLAGS) $(KASHIM_LDFLAGS) -o $@ $< -lpthread

test:
	scripts/test

demo: all
	@scripts/demo

bench: all $(BENCH) $(BENCH_EMPTY)
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

# The example drop-in is installed naming the library where it was put.
install: $(LIBRARY) $(TOOLS)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DOCDIR)/examples/legacy.service.d
	install -m 0755 $(LIBRARY) $(DESTDIR)$(LIBDIR)/libkashim.so
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(MANPAGES_1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MANPAGES_7) $(DESTDIR)$(MANDIR)/man7/
	sed 's|/usr/local/lib/libkashim.so|$(LIBDIR)/libkashim.so|' $(SYSTEMD_EXAMPLE) \
		>$(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf
	chmod 0644 $(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf

# Exactly what install put there, and kashim's own doc directory once empty.
uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libkashim.so \
		$(DESTDIR)$(BINDIR)/kashim $(DESTDIR)$(BINDIR)/kashim-inspect \
		$(MANPAGES_1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(MANPAGES_7:man/%=$(DESTDIR)$(MANDIR)/man7/%) \
		$(DESTDIR)$(DOCDIR)/examples/legacy.service.d/keepalive.conf
	rmdir $(DESTDIR)$(DOCDIR)/examples/legacy.service.d $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean:
	rm -rf $(BUILD)

-include $(SHIM_OBJECTS:.o=.d) $(BUILD)/tests/helpers/*.d $(BUILD)/tools/*.d \
	$(BENCH:=.d) $(BENCH_EMPTY:.so=.d) $(BUILD)/static-peer.d

# ---------------------------------------------------------------------------
# Hardening: helpers for the signal, property and stress tests (built in
# every build, so the sanitizer and musl runs use them too), the fuzz
# target, and one target per machine check. scripts/hardening does the
# work; `make hardening` runs every step and times each.

HARDENING_HELPERS = $(BUILD)/sigcheck $(BUILD)/config-property $(BUILD)/stress \
                    $(BUILD)/libstress-early.so
HARDENING_STEPS   = sanitize tsan memcheck fuzz analyze musl-test

.PHONY: hardening $(HARDENING_STEPS)

all: $(HARDENING_HELPERS)

$(BUILD)/sigcheck: $(BUILD)/tests/helpers/sigcheck.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/config-property: $(BUILD)/tests/helpers/config_property.o $(CONFIG_OBJECTS) \
                          $(BUILD)/shim/apply.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/stress: $(BUILD)/tests/helpers/stress.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread -ldl

$(BUILD)/libstress-early.so: $(BUILD)/tests/helpers/stress_early.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

# Built with clang by `make fuzz`: CFLAGS carries -fsanitize=fuzzer-no-link
# for the objects; only the link adds libFuzzer's main.
$(BUILD)/fuzz-config: $(BUILD)/tests/fuzz/fuzz_config.o $(CONFIG_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^

hardening:
	scripts/hardening $(HARDENING_STEPS)

$(HARDENING_STEPS):
	scripts/hardening $@

-include $(BUILD)/tests/fuzz/*.d
