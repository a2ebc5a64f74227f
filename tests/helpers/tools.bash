# Shared by the tests of the operator tools (kashim, kashim-inspect).
KASHIM=$BUILD/kashim
KASHIM_INSPECT=$BUILD/kashim-inspect
REPORT_SERVER=$KASHIM_ROOT/tests/helpers/report_server.py
INSPECT_MATCHES=$KASHIM_ROOT/tests/helpers/inspect_matches.py

# start_report_server REPORT [CMD...]: run report_server.py (behind CMD, such
# as "$KASHIM" --idle 41, when given) and wait for its report; sets
# SERVER_PID to the process that holds the sockets.
start_report_server() {
	local report=$1
	shift
	start_background "$@" python3 "$REPORT_SERVER" "$report" ${OWN_IDLE:+"$OWN_IDLE"}
	wait_until 10 test -s "$report" || flunk "report_server.py did not report"
	SERVER_PID=$(sed -n 's/^pid=//p' "$report")
}

# report_value REPORT FD OPTION: what the process itself read with getsockopt.
report_value() {
	sed -n "s/^fd$2\\.$3=//p" "$1"
}

# The fds of the report, by role: listener, client and accepted, IPv4 then IPv6.
report_fds() {
	sed -n 's/^fd\([0-9]*\)\.keepalive=.*/\1/p' "$1"
}
