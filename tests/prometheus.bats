#!/usr/bin/env bats
# kashim-inspect --missing --format prometheus, read by the real thing:
# Debian's prometheus-node-exporter serving a textfile directory on
# loopback, scraped with curl. The exporter's own parser judges the
# format (node_textfile_scrape_error), and the values it serves are held
# against a known set of processes: one configured, one without
# keepalive, one with keepalive whose first probe comes after 7200 s.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

PLAIN_SERVER=$BUILD/plain-server
PLAIN_CLIENT_STATIC=$BUILD/plain-client-static
EXPORTER=/usr/bin/prometheus-node-exporter

setup() {
	[ -x "$EXPORTER" ] || flunk "prometheus-node-exporter is missing (scripts/packages)"
	TEXTFILES=$BATS_TEST_TMPDIR/textfiles
	mkdir -p "$TEXTFILES"
	STOP=$BATS_TEST_TMPDIR/stop
}

teardown() {
	touch "$STOP"
	stop_background
}

# server NAME [CMD...]: a plain-server (behind CMD) with one connection
# from a static client; sets NAME_PID and NAME_PORT, and CLIENT_PIDS.
server() {
	local name=$1 report=$BATS_TEST_TMPDIR/$1.report pid port
	shift
	start_background "$@" "$PLAIN_SERVER" "$report"
	wait_until 10 test -s "$report" || flunk "$name did not report"
	pid=$(sed -n 's/^pid=//p' "$report")
	port=$(sed -n 's/^port=//p' "$report")
	start_background "$PLAIN_CLIENT_STATIC" "$port" 1 0 "$STOP"
	CLIENT_PIDS+=("${BACKGROUND_PIDS[-1]}")
	wait_until 10 established "( sport = :$port )" || flunk "$name accepted nothing"
	printf -v "${name}_PID" %s "$pid"
	printf -v "${name}_PORT" %s "$port"
}

# start_exporter: node_exporter with the textfile collector alone, on a
# free loopback port (this test's network namespace under /work/isolated).
start_exporter() {
	EXPORTER_PORT=$(free_port)
	start_background "$EXPORTER" --web.listen-address="127.0.0.1:$EXPORTER_PORT" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$TEXTFILES"
	wait_until 10 scrape || flunk "node_exporter does not answer"
}

# scrape: the exporter's metrics into $output.
scrape() {
	output=$(curl -sf "http://127.0.0.1:$EXPORTER_PORT/metrics")
}

# SERVED_PY NAME LABEL=VALUE...: reads a scrape on stdin, prints the value
# of each sample NAME whose labels are exactly these (an empty label counts
# as absent, as in Prometheus).
SERVED_PY='
import re, sys
name, want = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
want = {k: v for k, v in want.items() if v != ""}
sample = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
label = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\]|\\.)*)\",?")
for line in sys.stdin:
    m = sample.match(line.rstrip("\n"))
    if not m or m.group(1) != name:
        continue
    labels = {k: v for k, v in label.findall(m.group(2) or "") if v != ""}
    if labels == want:
        print(m.group(3))
'

# served NAME LABEL=VALUE...: SERVED_PY on the last scrape ($output).
served() {
	python3 -c "$SERVED_PY" "$@" <<<"$output"
}

# assert_served VALUE NAME LABEL=VALUE...: served gives exactly VALUE.
assert_served() {
	local want=$1 got
	shift
	got=$(served "$@")
	[ "$got" = "$want" ] || flunk "$* is '$got', expected $want"
}

@test "--format prometheus through node_exporter: configured, missing and idle too long, by program, side, port and reason" {
	CLIENT_PIDS=()
	server configured "$KASHIM" --idle 60
	server missing
	server slow "$KASHIM" --idle 2h
	run --separate-stderr "$KASHIM_INSPECT" --missing --max-idle 5m --format prometheus \
		--output "$TEXTFILES/kashim.prom" "$configured_PID" "$missing_PID" "$slow_PID" \
		"${CLIENT_PIDS[@]}"
	assert_status 1
	[ -z "$output" ] || flunk "--output still wrote to stdout"
	# written whole and renamed: nothing else left in the directory, and the
	# collector (another user on a real machine) may read it
	[ "$(ls -A "$TEXTFILES")" = kashim.prom ] || flunk "left in the directory: $(ls -A "$TEXTFILES")"
	[ "$(stat -c %a "$TEXTFILES/kashim.prom")" = 644 ] || flunk "mode $(stat -c %a "$TEXTFILES/kashim.prom")"
	start_exporter
	scrape
	assert_served 0 node_textfile_scrape_error
	# each server: its listener and the one connection it accepted
	assert_served 2 kashim_sockets_configured program=plain-server side=accept port="$configured_PORT"
	assert_served 2 kashim_sockets_missing program=plain-server side=accept port="$missing_PORT" \
		reason="keepalive off"
	assert_served 2 kashim_sockets_missing program=plain-server side=accept port="$slow_PORT" \
		reason="keepalive on, idle 7200 s > 300 s"
	# the static clients' ends, on the connect side, labelled by the server's port
	assert_served 1 kashim_sockets_missing program=plain-client-static side=connect \
		port="$configured_PORT" reason="keepalive off"
	[ -z "$(served kashim_sockets_configured program=plain-server side=accept port="$missing_PORT")" ] ||
		flunk "the missing server counted as configured too"
	assert_served 6 kashim_processes_inspected
	assert_served 0 kashim_processes_unreadable reason=permission
	assert_served 0 kashim_processes_unreadable reason=vanished
	assert_served 300 kashim_max_idle_seconds
	# the exporter serves the HELP and TYPE lines it parsed
	grep -qx '# TYPE kashim_sockets_missing gauge' <<<"$output" || flunk "no TYPE line"
	grep -q '^# HELP kashim_processes_unreadable ' <<<"$output" || flunk "no HELP line"
	! grep -q 'pid=' <<<"$output" || flunk "a PID label"

	# without --max-idle, keepalive on is enough: the slow server counts as configured
	"$KASHIM_INSPECT" --missing --format prometheus --output "$TEXTFILES/kashim.prom" \
		"$slow_PID" || true
	scrape
	assert_served 0 node_textfile_scrape_error
	assert_served 2 kashim_sockets_configured program=plain-server side=accept port="$slow_PORT"
	assert_served 0 kashim_max_idle_seconds

	# what cannot be read is counted, never taken for "nothing missing": as
	# nobody, these root processes are denied; a PID that is gone has vanished
	# (to stdout: nobody may not write in this test's directory)
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$KASHIM_INSPECT" --missing --format prometheus "$missing_PID" "$slow_PID" 2147483647
	assert_status 3
	printf '%s\n' "$output" >"$TEXTFILES/kashim.prom"
	scrape
	assert_served 0 node_textfile_scrape_error
	assert_served 2 kashim_processes_unreadable reason=permission
	assert_served 1 kashim_processes_unreadable reason=vanished
	assert_served 0 kashim_processes_inspected
	[ -z "$(served kashim_sockets_missing program=plain-server side=accept port="$missing_PORT" \
		reason="keepalive off")" ] || flunk "counted sockets it could not read"
}

@test "--format prometheus --all: the whole machine's file parses in node_exporter; a broken file is reported (control)" {
	"$KASHIM_INSPECT" --missing --all --max-idle 300 --format prometheus \
		--output "$TEXTFILES/kashim.prom" || true
	start_exporter
	scrape
	assert_served 0 node_textfile_scrape_error
	[ "$(served kashim_processes_inspected)" -gt 1 ] || flunk "inspected $(served kashim_processes_inspected)"
	# the control: the same exporter, a malformed file beside it
	printf 'kashim_broken{program="x" 1\n' >"$TEXTFILES/broken.prom"
	scrape
	assert_served 1 node_textfile_scrape_error
	rm "$TEXTFILES/broken.prom"
	scrape
	assert_served 0 node_textfile_scrape_error
}

@test "--output: replaces the file whole, leaves it as it was when the run fails, refuses a directory it cannot write" {
	printf 'old\n' >"$TEXTFILES/kashim.prom"
	# a usage error writes nothing
	run -2 "$KASHIM_INSPECT" --missing --format prometheus --output "$TEXTFILES/kashim.prom"
	[ "$(cat "$TEXTFILES/kashim.prom")" = old ] || flunk "changed by a usage error"
	run -0 "$KASHIM_INSPECT" --missing --format prometheus --output "$TEXTFILES/kashim.prom" $$
	grep -q '^kashim_processes_inspected 1$' "$TEXTFILES/kashim.prom" || flunk "not replaced"
	[ "$(ls -A "$TEXTFILES")" = kashim.prom ] || flunk "left: $(ls -A "$TEXTFILES")"
	run -3 --separate-stderr "$KASHIM_INSPECT" --missing --json --output "$BATS_TEST_TMPDIR/none/x.json" $$
	[ -z "$output" ] || flunk "stdout: $output"
	[[ "$stderr" == *"cannot write beside $BATS_TEST_TMPDIR/none/x.json"* ]] || flunk "stderr: $stderr"
	# the table and JSON go there too
	"$KASHIM_INSPECT" --json --output "$BATS_TEST_TMPDIR/inspect.json" $$
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$BATS_TEST_TMPDIR/inspect.json" ||
		flunk "JSON in the file"
}

@test "--format, --max-idle and --output usage: what each needs, and bad values" {
	run -2 --separate-stderr "$KASHIM_INSPECT" --format prometheus $$
	[ "${stderr%%$'\n'*}" = "kashim-inspect: --format prometheus needs --missing" ] || flunk "$stderr"
	run -2 --separate-stderr "$KASHIM_INSPECT" --max-idle 300 $$
	[ "${stderr%%$'\n'*}" = "kashim-inspect: --max-idle needs --missing" ] || flunk "$stderr"
	run -2 --separate-stderr "$KASHIM_INSPECT" --missing --format yaml $$
	[ "${stderr%%$'\n'*}" = "kashim-inspect: invalid --format 'yaml'; accepted: table, json, prometheus" ] ||
		flunk "$stderr"
	run -2 --separate-stderr "$KASHIM_INSPECT" --missing --max-idle 5x $$
	[[ "${stderr%%$'\n'*}" == 'kashim-inspect: invalid --max-idle: "5x" has an unknown unit'* ]] || flunk "$stderr"
	run -2 --separate-stderr "$KASHIM_INSPECT" --missing --max-idle 0 $$
	[[ "${stderr%%$'\n'*}" == 'kashim-inspect: invalid --max-idle: "0" is out of range'* ]] || flunk "$stderr"
	run -2 --separate-stderr "$KASHIM_INSPECT" --missing --max-idle
	[ "${stderr%%$'\n'*}" = "kashim-inspect: option '--max-idle' requires an argument" ] || flunk "$stderr"
	# the forms that work: --opt=VALUE and a unit
	run -0 --separate-stderr "$KASHIM_INSPECT" --missing --max-idle=1.5m --format=table $$
	run -0 "$KASHIM_INSPECT" --help
	assert_output_has "--format FORMAT"
	assert_output_has "--max-idle DUR"
	assert_output_has "--output FILE"
}
