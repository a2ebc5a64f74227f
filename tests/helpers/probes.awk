# Classify, packet by packet, a tcpdump capture of one TCP connection, as
# printed by tcpdump -nn -tt (one line a packet, epoch timestamps). Used by
# the demo and the wire tests to find keepalive probes on the wire.
#
#   awk -v server=192.0.2.1.7000 -f probes.awk CAPTURE
#
# prints "TIME KIND PACKET" for each packet to or from the server
# endpoint, PACKET being tcpdump's text without window and options, KIND:
#   connect accept ack     the three-way handshake and other plain ACKs
#   data                   a segment carrying bytes, either way
#   probe                  the server's empty ACK that is not acknowledging
#                          fresh data: a keepalive probe (seq = snd_una - 1)
#   answer                 the client's empty ACK that follows a probe
#   fin reset              the end of the connection
# Probes and answers are told apart from plain ACKs by what came before:
# an empty ACK from the server within 0.2 s of the client's data
# acknowledges that data; any other is a probe.

function kind_of(from_server, flags, bytes) {
	if (flags ~ /R/) return "reset"
	if (flags ~ /S/) return from_server ? "accept" : "connect"
	if (flags ~ /F/) return "fin"
	if (bytes > 0) return "data"
	if (from_server)
		return (last_client_data != "" && $1 - last_client_data < 0.2) ? "ack" : "probe"
	return probe_pending ? "answer" : "ack"
}

$3 == server || $5 == server ":" {
	from_server = ($3 == server)
	flags = $0
	sub(/.*Flags \[/, "", flags)
	sub(/\].*/, "", flags)
	bytes = $0
	sub(/.*length /, "", bytes)
	bytes += 0
	kind = kind_of(from_server, flags, bytes)
	if (kind == "probe") probe_pending = 1
	if (kind == "answer") probe_pending = 0
	if (kind == "data" && !from_server) last_client_data = $1
	packet = $0
	sub(/^[^ ]+ /, "", packet)
	sub(/, win [0-9]+/, "", packet)
	sub(/, options \[[^]]*\]/, "", packet)
	print $1, kind, packet
}
