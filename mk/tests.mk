# make test, make test-helpers and make demo: the programs the tests, the
# demo and hardening run beside the product (tests/README.md).

.PHONY: test-helpers test mutate demo

HELPERS  = $(BUILD)/sockprobe $(BUILD)/config-check $(BUILD)/uringprobe $(COMPAT_HELPERS) \
           $(BUILD)/sockops-check
# Preloaded beside the shim by tests/alloc.bats: a counting malloc, and a
# library that allocates on every connect (the counter's control).
TEST_LIBS = $(BUILD)/alloc-count.so $(BUILD)/alloc-connect.so
LEGACY_SERVER = $(BUILD)/legacy_server

# What the tests run beside the product; scripts/test builds it after
# installing what it needs (uringprobe needs liburing-dev).
test-helpers: $(LIBRARY) $(TOOLS) $(HELPERS) $(TEST_LIBS) $(LEGACY_SERVER) $(BENCH_EMPTY)

test:
	scripts/test

# The deliberate bugs of tests/mutants.list, each against the tests that
# must catch it (scripts/mutate); not part of make test or CI.
mutate:
	scripts/mutate

# Builds what it runs once it has installed what it needs.
demo:
	@scripts/demo

$(BUILD)/sockprobe: $(BUILD)/tests/helpers/sockprobe.o $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ $(OLD_LIBPTHREAD) -lpthread

$(BUILD)/compat-dlsym: $(BUILD)/tests/helpers/compat_dlsym.o $(COMPAT)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/config-check: $(BUILD)/tests/helpers/config_check.o $(CORE)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# kashim's sock_ops program through the verifier (tests/cgroup.bats).
$(BUILD)/sockops-check: $(BUILD)/tests/helpers/sockops_check.o $(CGROUP) $(READERS) $(CORE)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/alloc-count.so: $(BUILD)/tests/helpers/alloc_count.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/alloc-connect.so: $(BUILD)/tests/helpers/alloc_connect.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -ldl

# io_uring accepts bypass libc: the listen hook's case (liburing-dev).
$(BUILD)/uringprobe: $(BUILD)/tests/helpers/uringprobe.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -luring

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
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread
# The static ones from source, without the user's CFLAGS and LDFLAGS: a
# sanitizer build's flags cannot link -static, and these programs stand for
# someone else's binary, not for kashim's code.
$(BUILD)/plain-server-static: tests/helpers/plain_server.c
	@mkdir -p $(@D)
	$(CC) $(KASHIM_CFLAGS) -static $(KASHIM_LDFLAGS) -o $@ $< -lpthread
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
