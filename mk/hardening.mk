# make hardening: helpers for the signal, property and stress tests (built with
# the test helpers, so the sanitizer and musl runs use them too), the fuzz
# target, and one target per machine check. scripts/hardening does the
# work; `make hardening` runs every step and times each.

HARDENING_HELPERS = $(BUILD)/sigcheck $(BUILD)/config-property $(BUILD)/stress \
                    $(BUILD)/libstress-early.so $(BUILD)/edgeprobe $(BUILD)/libearly-signal.so \
                    $(BUILD)/libdeep-connect.so
HARDENING_STEPS   = sanitize tsan memcheck fuzz analyze musl-test

.PHONY: hardening $(HARDENING_STEPS)

test-helpers: $(HARDENING_HELPERS)

$(BUILD)/sigcheck: $(BUILD)/tests/helpers/sigcheck.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/config-property: $(BUILD)/tests/helpers/config_property.o $(CORE)
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/stress: $(BUILD)/tests/helpers/stress.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread -ldl

$(BUILD)/libstress-early.so: $(BUILD)/tests/helpers/stress_early.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

# The cases a wider run under real programs broke (tests/defects.bats).
$(BUILD)/edgeprobe: $(BUILD)/tests/helpers/edgeprobe.o
	$(CC) $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^ -lpthread -ldl

# Loaded by edgeprobe deepbind, with RTLD_DEEPBIND and without.
$(BUILD)/libdeep-connect.so: $(BUILD)/tests/helpers/deep_connect.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/libearly-signal.so: $(BUILD)/tests/helpers/early_signal.o
	$(CC) -shared $(KASHIM_LDFLAGS) $(LDFLAGS) -o $@ $^

# Built with clang by `make fuzz`: CFLAGS carries -fsanitize=fuzzer-no-link
# for the objects; only the link adds libFuzzer's main.
$(BUILD)/fuzz-config: $(BUILD)/tests/fuzz/fuzz_config.o $(CORE)
	$(CC) $(KASHIM_LDFLAGS) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^

hardening:
	scripts/hardening $(HARDENING_STEPS)

$(HARDENING_STEPS):
	scripts/hardening $@

