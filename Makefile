# kashim: TCP keepalive for programs that never asked for it.
# Targets: all (default: the library and the two tools, nothing else),
# install, uninstall, clean (here and mk/install.mk); test, test-helpers
# (what the tests, the demo and hardening run beside the product) and demo
# (mk/tests.mk); bench (mk/bench.mk); fresh-root, systemd-check,
# old-glibc-check, deb, deb-check (mk/package.mk); hardening: sanitize,
# tsan, memcheck, fuzz, analyze, musl-test (mk/hardening.mk).

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
# 2.31) splits it into 4 LOAD segments; 2 load faster (bench/README.md,
# "Start-up"), at the price of the library's few KiB of read-only data
# being mapped executable, as every library was before 2.31. Full RELRO,
# BIND_NOW and a non-executable stack stay.
LIBRARY_LDFLAGS = $(KASHIM_LDFLAGS) -Wl,-z,noseparate-code

# Every folder's objects are its .c files: a new file is built and linked
# by dropping it into the folder. Archives are linked member by member,
# so each program takes only what it calls.
objects_of = $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard $(addsuffix /*.c,$(1)))))

# core/: what the library and every tool share, built once: core/config/
# says what to do (the table, parsing, the environment and the file),
# core/ does it and says so (scope, apply, logging, messages, reports).
CORE    = $(BUILD)/libkashim-core.a
CORE_DIRS = core core/config
# tools/readers/: the /proc and ELF readers the tools share.
READERS = $(BUILD)/libkashim-readers.a
# tools/cli/: what both commands share about their command line (exit
# statuses, usage errors).
CLI     = $(BUILD)/libkashim-cli.a
# tools/cgroup/: the kernel's reach (kashim --cgroup), whose attachments
# kashim-inspect also reads back.
CGROUP  = $(BUILD)/libkashim-cgroup.a
# compat/: each member linked only into the binaries that call its function.
COMPAT_SOURCES = $(wildcard compat/*.c)

# The programs, each from its folders. kashim is the launcher (tools/kashim)
# with every way of reaching a program it chooses among: supervising a
# static one (tools/supervise), configuring running processes
# (tools/running), and the kernel's reach through cgroups ($(CGROUP)).
LIBRARY         = $(BUILD)/libkashim.so
SHIM_OBJECTS    = $(call objects_of,shim)
KASHIM_OBJECTS  = $(call objects_of,tools/kashim tools/supervise tools/running tools/unit)
INSPECT_OBJECTS = $(call objects_of,tools/inspect)
TOOLS           = $(BUILD)/kashim $(BUILD)/kashim-inspect

MANPAGES_1 = man/kashim.1 man/kashim-inspect.1
MANPAGES_7 = man/libkashim.7
SYSTEMD_EXAMPLE = scripts/systemd/legacy.service.d/keepalive.conf
# The audit for node_exporter, run by a timer: examples, never enabled here.
SYSTEMD_AUDIT = scripts/systemd/kashim-missing.service scripts/systemd/kashim-missing.timer
# The program pinned at boot for BPFProgram=, and a drop-in using it: examples too.
SYSTEMD_PIN = scripts/systemd/kashim-pin.service scripts/systemd/kashim-pin.conf

.PHONY: all install uninstall clean FORCE

# The product only: a user's `make` needs nothing but gcc and make.
all: $(LIBRARY) $(TOOLS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(CORE): $(call objects_of,$(CORE_DIRS))
$(READERS): $(call objects_of,tools/readers)
$(CGROUP): $(call objects_of,tools/cgroup)
$(CLI): $(call objects_of,tools/cli)
$(BUILD)/libkashim-compat.a: $(COMPAT_SOURCES:%.c=$(BUILD)/%.o)
$(CORE) $(READERS) $(CGROUP) $(CLI) $(BUILD)/libkashim-compat.a:
	rm -f $@
	$(AR) rcs $@ $^

$(LIBRARY): $(SHIM_OBJECTS) $(CORE) $(COMPAT)
	$(CC) -shared $(LIBRARY_LDFLAGS) -Wl,-soname,libkashim.so $(LDFLAGS) -o $@ $^ -ldl

$(BUILD)/kashim: $(KASHIM_OBJECTS) $(CGROUP) $(CLI) $(READERS) $(CORE) $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/kashim-inspect: $(INSPECT_OBJECTS) $(CGROUP) $(CLI) $(READERS) $(CORE) $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

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
# (core/config/conf_path.c); rewritten only when it changes, like build_config.h.
$(BUILD)/core/sysconf.h: FORCE
	@mkdir -p $(@D)
	@printf '#define KASHIM_CONF_PATH "%s"\n' '$(SYSCONFDIR)/kashim.conf' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/core/config/conf_path.o: core/config/conf_path.c $(BUILD)/core/sysconf.h
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -I$(BUILD)/core $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

FORCE:

$(BUILD)/tools/%.o: tools/%.c $(BUILD)/tools/build_config.h
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -I$(BUILD)/tools $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

clean:
	rm -rf $(BUILD)

include mk/install.mk mk/bench.mk mk/tests.mk mk/package.mk mk/hardening.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
