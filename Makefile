# kashim: TCP keepalive for programs that never asked for it.
# Targets: all (default), test, install, uninstall, clean.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
DESTDIR ?=

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

SHIM_SOURCES = shim/shim.c shim/config.c shim/apply.c shim/log.c shim/sockaddr.c
SHIM_OBJECTS = $(SHIM_SOURCES:%.c=$(BUILD)/%.o)
# The parser and logger alone, for tools and tests that preload nothing.
CONFIG_OBJECTS = $(BUILD)/shim/config.o $(BUILD)/shim/log.o

LIBRARY  = $(BUILD)/libkashim.so
HELPERS  = $(BUILD)/sockprobe $(BUILD)/config-check

.PHONY: all test demo install uninstall clean

all: $(LIBRARY) $(HELPERS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBRARY): $(SHIM_OBJECTS)
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $(SHIM_OBJECTS) -ldl

$(BUILD)/sockprobe: $(BUILD)/tests/helpers/sockprobe.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/config-check: $(BUILD)/tests/helpers/config_check.o $(CONFIG_OBJECTS)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

test:
	scripts/test

demo: all
	scripts/demo

install: $(LIBRARY)
	install -d $(DESTDIR)$(LIBDIR)
	install -m 0755 $(LIBRARY) $(DESTDIR)$(LIBDIR)/libkashim.so

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libkashim.so

clean:
	rm -rf $(BUILD)

-include $(SHIM_OBJECTS:.o=.d) $(BUILD)/tests/helpers/*.d
