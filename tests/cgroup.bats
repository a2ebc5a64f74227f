#!/usr/bin/env bats
# kashim --cgroup DIR and --mode=cgroup: kashim's sock_ops program in the
# kernel configures every TCP connection of a cgroup v2, whatever made it.
# Values are read back with getsockopt inside each program (sockprobe,
# uringprobe) or from outside (ss), each against a control: the same
# program in the same cgroup with nothing attached. Needs root; the tests
# attach only to cgroups they make below the v2 hierarchy, and remove them.

load helpers/common
load helpers/tools

bats_require_minimum_version 1.5.0

SOCKOPS_CHECK=$BUILD/sockops-check
SOCKPROBE_STATIC=$BUILD/sockprobe-static
URINGPROBE=$BUILD/uringprobe
KFLAGS=(--idle 31 --interval 7 --count 4 --user-timeout auto)

# The cgroup v2 hierarchy: the mounted one, or (as in a fresh root without
# one) a mount of our own, made only where it propagates to no other mount
# namespace (the mount it lands on is not shared), and undone at the end.
cgroup_v2() {
	local mount dir=$BATS_FILE_TMPDIR/cgroup2
	mount=$(awk '$0 ~ / - cgroup2 / && $4 == "/" { print $5; exit }' /proc/self/mountinfo)
	if [ -n "$mount" ]; then
		echo "$mount"
		return
	fi
	mkdir -p "$dir"
	case $(findmnt -n -o PROPAGATION --target "$dir") in
	*shared*) return 1 ;;
	esac
	mount -t cgroup2 none "$dir" || return 1
	echo "$dir"
}

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	V2=$(cgroup_v2) || V2=
	export V2
}

teardown_file() {
	if [ -n "${V2:-}" ] && [ "$V2" = "$BATS_FILE_TMPDIR/cgroup2" ]; then
		umount "$V2" || true
	fi
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "attaching to a cgroup needs root"
	[ -n "$V2" ] || skip "no cgroup v2 hierarchy, and no private mount namespace to mount one in"
	[ "$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')" -ge 5009 ] ||
		skip "the kernel is $(uname -r): bpf_setsockopt of the keepalive options needs 5.9"
	CG=$V2/kashim-test.$$.$BATS_TEST_NUMBER
	mkdir "$CG"
	KLOG=$BATS_TEST_TMPDIR/kashim.log
	KPIDS=()
}

teardown() {
	local pid
	for pid in "${KPIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	stop_background
	[ -z "${CG:-}" ] || remove_cgroups "$CG"
}

# remove_cgroups DIR: DIR and the cgroups below it, once their processes are gone.
remove_cgroups() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d | while read -r dir; do
		xargs -r kill -KILL <"$dir/cgroup.procs" 2>/dev/null || true
		wait_until 5 rmdir "$dir" 2>/dev/null || true
	done
}

# attach [OPTION]...: kashim --cgroup $CG in the background, once attached.
attach() {
	"$KASHIM" "$@" --cgroup "$CG" >>"$KLOG" 2>&1 &
	KPIDS+=($!)
	wait_until 5 grep -q "attached to $CG" "$KLOG" || { output=$(cat "$KLOG"); flunk "not attached"; }
}

# in_cgroup CMD...: run CMD in $CG (it moves itself there before exec).
in_cgroup() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
}

@test "cgroup: every combination of options passes the kernel's verifier and reads back" {
	run "$SOCKOPS_CHECK"
	assert_status 0
	assert_output_has "loaded 168 programs, 0 failed"
	run "$SOCKOPS_CHECK" --refused
	assert_status 0
	assert_output_has "why=unreachable insn 2"
}

@test "cgroup: a dynamic program's connected and accepted sockets, against the control" {
	run in_cgroup "$SOCKPROBE" pair
	assert_untouched connected
	assert_untouched accepted
	attach "${KFLAGS[@]}"
	run in_cgroup "$SOCKPROBE" pair
	assert_configured connected
	assert_configured accepted
	# the listener is no connection: left alone
	assert_untouched listener
}

@test "cgroup: a static program making raw system calls" {
	attach "${KFLAGS[@]}"
	run in_cgroup "$SOCKPROBE_STATIC" pair --raw-listen --raw-accept
	assert_configured connected
	assert_configured accepted
	# control: the same static program outside the cgroup
	run "$SOCKPROBE_STATIC" pair --raw-listen --raw-accept
	assert_untouched connected
	assert_untouched accepted
}

@test "cgroup: io_uring connect and accept" {
	attach "${KFLAGS[@]}"
	run in_cgroup "$URINGPROBE" --raw-listen --uring-connect
	[ "$status" -ne 77 ] || skip "no io_uring here: $output"
	assert_value connected.via io_uring
	assert_configured connected
	assert_configured accepted
	run "$URINGPROBE" --raw-listen --uring-connect
	assert_untouched connected
	assert_untouched accepted
}

@test "cgroup: IPv6, and a process in a network namespace of its own inside the cgroup" {
	attach "${KFLAGS[@]}"
	run in_cgroup "$SOCKPROBE" pair -6
	assert_configured connected
	assert_configured accepted
	run in_cgroup unshare --net sh -c 'ip link set lo up && exec "$0" pair' "$SOCKPROBE"
	assert_status 0
	assert_configured connected
	assert_configured accepted
}

# A client and server that set TCP_KEEPIDLE=99 themselves after connect
# and after accept, and print what they read back.
LATER_SETSOCKOPT='
import socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname())
a, _ = l.accept()
for name, s in (("connected", c), ("accepted", a)):
    print(name + ".before=%d" % s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 99)
    print(name + ".idle=%d" % s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE))
    print(name + ".keepalive=%d" % s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
'

@test "cgroup: the program's own later setsockopt wins" {
	attach "${KFLAGS[@]}"
	run in_cgroup python3 -c "$LATER_SETSOCKOPT"
	assert_value connected.before 31
	assert_value connected.idle 99
	assert_value accepted.before 31
	assert_value accepted.idle 99
	assert_value accepted.keepalive 1
}

@test "cgroup: respect leaves a socket whose program turned keepalive on itself" {
	[ "$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')" -ge 6001 ] ||
		skip "the kernel is $(uname -r): bpf_getsockopt needs 6.1"
	attach "${KFLAGS[@]}" --policy respect
	run in_cgroup "$SOCKPROBE" pair --connect-keepalive 77
	assert_value connected.keepalive 1
	assert_value connected.idle 77
	assert_value connected.user_timeout 0
	assert_configured accepted
}

@test "cgroup: --ports checks the local port of accepted and the remote port of outgoing connections" {
	local port other
	port=$(free_port)
	other=$((port == 65535 ? port - 1 : port + 1))
	attach "${KFLAGS[@]}" --ports "$port"
	run in_cgroup "$SOCKPROBE" pair --port "$port"
	assert_configured connected
	assert_configured accepted
	run in_cgroup "$SOCKPROBE" pair --port "$other"
	assert_untouched connected
	assert_untouched accepted
}

@test "cgroup: --sides picks the callbacks" {
	attach "${KFLAGS[@]}" --sides connect
	run in_cgroup "$SOCKPROBE" pair
	assert_configured connected
	assert_untouched accepted
	kill "${KPIDS[0]}"
	wait "${KPIDS[0]}" || true
	KPIDS=()
	attach "${KFLAGS[@]}" --sides accept
	run in_cgroup "$SOCKPROBE" pair
	assert_untouched connected
	assert_configured accepted
}

@test "cgroup: SIGTERM detaches; the connections it configured keep their values" {
	local port
	port=$(free_port)
	attach "${KFLAGS[@]}"
	start_background in_cgroup "$BUILD/static-peer" serve "$port"
	wait_until 5 listening "$port"
	start_background in_cgroup "$BUILD/static-peer" connect "$port"
	assert_timer_near "dport = :$port" 31
	kill -TERM "${KPIDS[0]}"
	status=0
	wait "${KPIDS[0]}" || status=$?
	assert_status 0
	KPIDS=()
	output=$(cat "$KLOG")
	assert_output_has "detached from $CG"
	run "$SOCKOPS_CHECK" --query "$CG"
	[ -z "$output" ] || flunk "still attached"
	run in_cgroup "$SOCKPROBE" pair
	assert_untouched connected
	assert_timer_near "dport = :$port" 31
}

@test "cgroup: the sockets already open in the cgroup are configured once" {
	local port
	port=$(free_port)
	start_background in_cgroup "$BUILD/static-peer" serve "$port"
	wait_until 5 listening "$port"
	start_background in_cgroup "$BUILD/static-peer" connect "$port"
	wait_until 5 established "dport = :$port"
	[ -z "$(ss_keepalive_seconds "dport = :$port")" ] || flunk "keepalive before kashim"
	attach "${KFLAGS[@]}"
	output=$(cat "$KLOG")
	assert_output_has "2 processes in it now"
	assert_timer_near "dport = :$port" 31
	assert_timer_near "sport = :$port" 31
}

@test "cgroup: beside another program: two links coexist, one attached alone is never replaced" {
	attach --idle 31
	attach --idle 41
	run "$SOCKOPS_CHECK" --query "$CG"
	[ "$(grep -c ' kashim$' <<<"$output")" -eq 2 ] || flunk "two programs expected"
	run in_cgroup "$SOCKPROBE" pair
	# both run, in the order they were attached: the later one's value stands
	assert_value connected.idle 41
	kill "${KPIDS[1]}"
	wait "${KPIDS[1]}" || true
	run in_cgroup "$SOCKPROBE" pair
	assert_value connected.idle 31

	mkdir "$CG/alone"
	run "$SOCKOPS_CHECK" --plain-attach "$CG/alone"
	assert_status 0
	other=$output
	run "$KASHIM" --idle 31 --cgroup "$CG/alone"
	assert_status 125
	assert_output_has "another sock_ops program (id $other) is attached to the cgroup alone"
	run "$SOCKOPS_CHECK" --query "$CG/alone"
	[ "$output" = "$other other" ] || flunk "the other program should be there alone"
}

@test "cgroup: the hierarchy's root and kashim's own cgroup are refused without --force" {
	run "$KASHIM" --idle 31 --cgroup "$V2"
	assert_status 125
	assert_output_has "is the root of the cgroup hierarchy: attaching there reaches"
	run in_cgroup "$KASHIM" --idle 31 --cgroup "$CG"
	assert_status 125
	assert_output_has "$CG contains kashim itself: attaching there reaches 1 process,"
	run "$SOCKOPS_CHECK" --query "$CG"
	[ -z "$output" ] || flunk "attached despite the refusal"
	in_cgroup "$KASHIM" --idle 31 --force --cgroup "$CG" >>"$KLOG" 2>&1 &
	KPIDS+=($!)
	wait_until 5 grep -q "attached to $CG" "$KLOG"
	run in_cgroup "$SOCKPROBE" pair
	assert_value connected.idle 31
}

@test "cgroup: refusals: no privilege, not cgroup v2, old kernels, --programs; nothing attached" {
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$KASHIM" --idle 31 --cgroup "$CG"
	assert_status 125
	assert_output_has "attaching to a cgroup needs CAP_BPF and CAP_NET_ADMIN (or root); nothing was attached"
	run "$KASHIM" --idle 31 --cgroup "$BATS_TEST_TMPDIR"
	assert_status 125
	assert_output_has "is not a cgroup v2 directory"
	run "$KASHIM" --idle 31 --assume-kernel 5.8 --cgroup "$CG"
	assert_status 125
	assert_output_has "a cgroup needs Linux 5.9 or later"
	run "$KASHIM" --idle 31 --policy respect --assume-kernel 6.0 --cgroup "$CG"
	assert_status 125
	assert_output_has "KASHIM_POLICY=respect in a cgroup needs Linux 6.1 or later (bpf_getsockopt); this kernel is 6.0"
	run "$KASHIM" --idle 31 --programs curl --cgroup "$CG"
	assert_status 125
	assert_output_has "cannot scope a cgroup"
	# no cgroup v2 mounted at all: in a mount namespace of its own without one
	run unshare --mount sh -c 'awk '"'"'$0 ~ / - cgroup2 / { print $5 }'"'"' /proc/self/mountinfo |
		xargs -r -n 1 umount -l && exec "$0" --idle 31 --cgroup "$1"' "$KASHIM" "$BATS_TEST_TMPDIR"
	assert_status 125
	assert_output_has "is not a cgroup v2 directory, and no cgroup v2 hierarchy is mounted"
	run "$SOCKOPS_CHECK" --query "$CG"
	[ -z "$output" ] || flunk "attached despite a refusal"
	# with an old kernel assumed, override still attaches
	attach --idle 31 --assume-kernel 6.0
}

@test "cgroup: --debug dumps the program" {
	attach --idle 31 --ports 22 --debug
	output=$(cat "$KLOG")
	assert_output_has "kashim: bpf   0: r6 = r1"
	assert_output_has "if r2 == 3 goto"
	assert_output_has "*(u32 *)(r10 - 4) = 31"
	assert_output_has "call bpf_setsockopt#49"
}

# The cgroups --mode=cgroup makes: kashim-run.PID beside kashim's own.
own_cgroups() {
	local own
	own=$V2$(sed -n 's/^0:://p' /proc/self/cgroup)
	find "${own%/}" -maxdepth 1 -name 'kashim-run.*' -type d
}

@test "cgroup: --mode=cgroup runs COMMAND in a cgroup of its own, configured from the first connection" {
	run "$KASHIM" --mode=cgroup "${KFLAGS[@]}" "$SOCKPROBE_STATIC" pair --raw-listen --raw-accept
	assert_status 0
	assert_configured connected
	assert_configured accepted
	run "$KASHIM" --mode=cgroup "${KFLAGS[@]}" sh -c 'cat /proc/self/cgroup'
	assert_output_has "0::"
	assert_output_has "/kashim-run."
	[ -z "$(own_cgroups)" ] || flunk "left behind: $(own_cgroups)"
}

@test "cgroup: --mode=cgroup passes exit status and signals through, and leaves nothing behind" {
	run "$KASHIM" --mode=cgroup --idle 31 "$BUILD/static-peer" exit 7
	assert_status 7
	run "$KASHIM" --mode=cgroup --idle 31 sh -c 'kill -KILL $$'
	assert_status 137
	start_background "$KASHIM" --mode=cgroup --idle 31 "$BUILD/static-peer" wait
	local kashim_pid=${BACKGROUND_PIDS[-1]}
	wait_until 5 grep -q '^pid=' "$BATS_TEST_TMPDIR/background.log"
	kill -TERM "$kashim_pid"
	status=0
	wait "$kashim_pid" || status=$?
	# static-peer exits 100 + the signal it got: the SIGTERM was passed on
	assert_status 115
	BACKGROUND_PIDS=()
	[ -z "$(own_cgroups)" ] || flunk "left behind: $(own_cgroups)"
}

@test "cgroup: --mode=cgroup cleans its leftovers, stays for a daemon, then removes its cgroup" {
	local own port daemon
	own=$V2$(sed -n 's/^0:://p' /proc/self/cgroup)
	# a leftover of a kashim killed with SIGKILL: no such process
	mkdir "${own%/}/kashim-run.2147483646"
	run "$KASHIM" --mode=cgroup --idle 31 true
	assert_status 0
	[ ! -d "${own%/}/kashim-run.2147483646" ] || flunk "the leftover is still there"

	port=$(free_port)
	start_background "$BUILD/static-peer" serve "$port"
	wait_until 5 listening "$port"
	run "$KASHIM" --mode=cgroup "${KFLAGS[@]}" "$BUILD/static-peer" fork "$port"
	assert_status 0
	daemon=$(value_of daemon)
	# the daemon connects after COMMAND has exited: still configured
	assert_timer_near "dport = :$port" 31
	[ -n "$(own_cgroups)" ] || flunk "the cgroup went while the daemon runs"
	kill "$daemon"
	wait_until 5 test -z "$(own_cgroups)" || flunk "left behind: $(own_cgroups)"
}

@test "cgroup: --mode=cgroup refused or run unconfigured when nothing can be attached" {
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$KASHIM" --mode=cgroup --idle 31 "$SOCKPROBE" pair
	assert_status 125
	assert_output_has "cannot run '$SOCKPROBE' in a cgroup of its own: attaching to a cgroup needs CAP_BPF"
	run "$KASHIM" --mode=cgroup --idle 31 --run-unconfigured --assume-kernel 5.4 "$SOCKPROBE" pair
	assert_status 0
	assert_output_has "running '$SOCKPROBE' without keepalive: a cgroup needs Linux 5.9"
	assert_untouched connected
}

@test "cgroup: kashim-inspect shows kashim's program on a process's cgroup; --missing says the connection predates it" {
	local port client
	port=$(free_port)
	mkdir "$CG/below"
	start_background in_cgroup "$BUILD/static-peer" serve "$port"
	wait_until 5 listening "$port"
	# control: nothing attached, nothing said
	run "$KASHIM_INSPECT" "${BACKGROUND_PIDS[0]}"
	assert_output_lacks "cgroup:"
	# a connection made before the attachment, in a cgroup below it
	start_background sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG/below" \
		"$BUILD/static-peer" connect "$port"
	client=${BACKGROUND_PIDS[1]}
	wait_until 5 established "dport = :$port"
	attach --idle 31 --sides accept --ports "1-1023,$port"
	run "$KASHIM_INSPECT" "$client"
	assert_output_has "cgroup: kashim's program on cgroup /${CG#"$V2"/} (bpf program"
	assert_output_has "idle=31 intvl=system cnt=system user_timeout=system sides=accept ports=1-1023,$port policy=override"
	run "$KASHIM_INSPECT" --missing "$client"
	assert_status 1
	assert_output_has "why: kashim's program is attached to its cgroup (below), yet these lack keepalive: they predate the attachment"
	run "$KASHIM_INSPECT" --json "$client"
	assert_output_has '"cgroup_programs": ["kashim'"'"'s program on cgroup'
}

@test "cgroup: a Go program: Go's own 15 s keepalive stands; with KeepAlive -1, kashim's values" {
	# golang-go is left out of scripts/packages: its toolchain costs
	# minutes in a fresh root, for this one test
	command -v go >/dev/null || skip "go is not installed (Debian's golang-go)"
	local probe=$BATS_TEST_TMPDIR/goprobe
	run env HOME="$BATS_TEST_TMPDIR" GOCACHE="$BATS_RUN_TMPDIR/gocache" GOFLAGS= CGO_ENABLED=0 \
		go build -o "$probe" "$KASHIM_ROOT/tests/helpers/goprobe.go"
	assert_status 0
	# control: no kashim, keepalive off in Go
	run "$probe" -1
	assert_untouched connected
	assert_untouched accepted
	attach "${KFLAGS[@]}"
	run in_cgroup "$probe"
	assert_value connected.keepalive 1
	assert_value connected.idle 15
	assert_value connected.intvl 15
	assert_value accepted.idle 15
	run in_cgroup "$probe" -1
	assert_configured connected
	assert_configured accepted
}
