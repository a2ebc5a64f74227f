# make bench: the benchmark (bench/README.md).

.PHONY: bench

# A driver, its workload, a trivial program and an empty library for the
# start-up scenario; bench-supervise: kashim's seccomp supervisor against
# the preload path.
BENCH    = $(BUILD)/bench $(BUILD)/bench-cycle $(BUILD)/bench-noop $(BUILD)/bench-supervise
BENCH_EMPTY = $(BUILD)/bench-empty.so

# libkashim.so again, reading its configuration file from $(BUILD)/bench-etc-absent
# (never created) or $(BUILD)/bench-etc-present and -sections (bench/run
# writes them): the start-up cost of /etc/kashim.conf absent and present,
# the path aside.
BENCH_CONF = $(BUILD)/bench-conf-absent.so $(BUILD)/bench-conf-present.so \
             $(BUILD)/bench-conf-sections.so

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

$(BUILD)/bench-conf-%.so: core/config/conf_path.c $(SHIM_OBJECTS) \
                          $(filter-out $(BUILD)/core/config/conf_path.o,$(call objects_of,$(CORE_DIRS))) $(COMPAT)
	$(CC) $(KASHIM_CFLAGS) $(CFLAGS) -shared $(LIBRARY_LDFLAGS) -Wl,-soname,libkashim.so $(LDFLAGS) \
		-DKASHIM_CONF_PATH='"$(abspath $(BUILD))/bench-etc-$*/kashim.conf"' -o $@ $^ -ldl
