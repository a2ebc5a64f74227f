# Two private network namespaces joined by a veth pair: a server side and a
# client side that can vanish (drop every packet, as if it lost power).
# Used by the demo (scripts/demo) and the wire tests (tests/wire.bats).
#
#   netns_create TAG       make both namespaces, the veth pair, the addresses
#   netns_server CMD...    run CMD in the server's namespace (and client)
#   netns_wait_listening SECONDS PORT...
#   netns_client PORT...   connect, then vanish after a line on stdin
#   netns_destroy          kill what runs in them and delete them
#
# Call netns_destroy from a trap or teardown, pass or fail. Nothing is made
# outside the two namespaces: the veth pair is created inside them, and the
# addresses (192.0.2.0/24, TEST-NET-1, for documentation only) exist only
# there. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN), iproute2, and nft
# or iptables.

NETNS_SERVER=
NETNS_CLIENT=
NETNS_SERVER_ADDR=192.0.2.1
NETNS_CLIENT_ADDR=192.0.2.2
NETNS_SERVER_IF=kashim-server
NETNS_CLIENT_IF=kashim-client

# netns_create TAG: create kashim-TAG-server and kashim-TAG-client; TAG
# makes the names unique (include $$). Returns non-zero with ip's message
# (and why, where ip does not say) on stderr when namespaces cannot be made
# or entered here, leaving nothing behind.
netns_create() {
	# set each name only once it is ours, so a failure never deletes a
	# namespace of the same name that belongs to someone else
	NETNS_SERVER='' NETNS_CLIENT=''
	ip netns add "kashim-$1-server" || return 1
	NETNS_SERVER=kashim-$1-server
	netns_check_exec || { netns_destroy; return 1; }
	if ! ip netns add "kashim-$1-client"; then
		netns_destroy
		return 1
	fi
	NETNS_CLIENT=kashim-$1-client
	if ! { ip -n "$NETNS_SERVER" link add "$NETNS_SERVER_IF" type veth \
			peer name "$NETNS_CLIENT_IF" netns "$NETNS_CLIENT" &&
		netns_bring_up "$NETNS_SERVER" "$NETNS_SERVER_IF" "$NETNS_SERVER_ADDR" &&
		netns_bring_up "$NETNS_CLIENT" "$NETNS_CLIENT_IF" "$NETNS_CLIENT_ADDR"; }; then
		netns_destroy
		return 1
	fi
}

# netns_check_exec: can commands run in the server's namespace? `ip netns
# exec` and `ip -n` first make / a slave mount, which mount(2) refuses with EINVAL
# where / is not a mount point (a chroot into a plain directory); ip says
# only that the mount failed, so say why.
netns_check_exec() {
	local error
	error=$(ip -n "$NETNS_SERVER" link show lo 2>&1 >/dev/null) && return 0
	case $error in
		*make-rslave*"Invalid argument"*)
			printf '%s\n' "$error:" \
				"  / is not a mount point here (a chroot into a plain directory?), and" \
				"  ip netns exec and ip -n make it a slave mount first. Make it one before" \
				"  the chroot (mount --bind DIR DIR), or run this on the machine itself." >&2 ;;
		*) printf '%s\n' "$error" >&2 ;;
	esac
	return 1
}

# netns_bring_up NS IF ADDR: give IF its address and bring it and lo up.
netns_bring_up() {
	ip -n "$1" link set lo up &&
		ip -n "$1" addr add "$3/24" dev "$2" &&
		ip -n "$1" link set "$2" up
}

# netns_destroy: end every process still in the two namespaces (all of
# them started by this run: the namespaces are its own), then delete them.
# Safe to call twice, or when netns_create failed half-way.
netns_destroy() {
	local ns pid
	for ns in "$NETNS_SERVER" "$NETNS_CLIENT"; do
		[ -n "$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
		# a moment for them to go, so nothing outlives its namespace's name
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
			sleep 0.1
		done
		ip netns del "$ns" 2>/dev/null
	done
	NETNS_SERVER='' NETNS_CLIENT=''
	return 0
}

netns_server() {
	ip netns exec "$NETNS_SERVER" "$@"
}

netns_client_exec() {
	ip netns exec "$NETNS_CLIENT" "$@"
}

# netns_wait_listening SECONDS PORT...: wait until the server's namespace
# listens on every PORT; non-zero if it does not within SECONDS.
netns_wait_listening() {
	local deadline=$((SECONDS + $1)) port
	shift
	for port in "$@"; do
		until [ -n "$(netns_server ss -tlnH "( sport = :$port )")" ]; do
			[ "$SECONDS" -lt "$deadline" ] || return 1
			sleep 0.05
		done
	done
}

# netns_drop_here: make the network namespace this runs in drop every
# packet, in and out, with nft, or with iptables where nft is missing or
# fails. Prints why and returns non-zero when neither works.
netns_drop_here() {
	if command -v nft >/dev/null &&
		nft -f - <<-'EOF'; then
			table inet kashim_drop {
				chain input { type filter hook input priority 0; policy drop; }
				chain output { type filter hook output priority 0; policy drop; }
			}
		EOF
		return 0
	fi
	if command -v iptables >/dev/null &&
		iptables -P INPUT DROP && iptables -P OUTPUT DROP; then
		return 0
	fi
	echo "netns: cannot drop packets: neither nft nor iptables works here" >&2
	return 1
}

# netns_client PORT...: in the client's namespace, connect to the server's
# PORTs (without the shim), print "connected", then read one line from
# stdin; send it on every connection and at once make the namespace drop
# every packet, print "vanished" and hold the dead connections until
# killed. With no line (stdin at its end) it just holds them, answering
# probes. Run it in the background; netns_destroy ends it.
netns_client() {
	# shellcheck disable=SC2016 # expanded by the client's own shell
	netns_client_exec bash -c "$(declare -f netns_drop_here)"'
		address=$1
		shift
		fds=()
		for port; do
			exec {fd}<>"/dev/tcp/$address/$port" || exit 1
			fds+=("$fd")
		done
		echo connected
		if IFS= read -r line; then
			for fd in "${fds[@]}"; do
				printf "%s\n" "$line" >&"$fd"
			done
			netns_drop_here || exit 1
			echo vanished
		fi
		exec sleep 600' netns-client "$NETNS_SERVER_ADDR" "$@"
}
