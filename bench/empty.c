/*
 * bench-empty.so: a library with nothing in it. Preloading it costs what
 * loading any library costs at start-up (open, map, relocate); the
 * benchmark shows it beside kashim so that kashim's own share is seen.
 */
int kashim_bench_empty;
