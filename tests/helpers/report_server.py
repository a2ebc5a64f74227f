"""Open TCP sockets the way a plain program does (a listener, a connection
to it and the accepted end, over IPv4 and IPv6), print what getsockopt
reports on each from inside the process, then hold them all open.

Usage: report_server.py REPORT_FILE [OWN_IDLE]
The report is written atomically as key=value lines: pid=N, then
fdN.keepalive, fdN.keepidle, fdN.keepintvl, fdN.keepcnt, fdN.user_timeout
for every socket. With OWN_IDLE the program itself turns keepalive on with
that idle time on its accepted IPv4 socket, as some programs do."""
import os
import socket
import sys
import time

report_path = sys.argv[1]
own_idle = int(sys.argv[2]) if len(sys.argv) > 2 else None

sockets = []
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.bind((host, 0))
    listener.listen(4)
    client = socket.create_connection(listener.getsockname()[:2])
    accepted, _ = listener.accept()
    sockets += [listener, client, accepted]
    if own_idle is not None and family == socket.AF_INET:
        accepted.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        accepted.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, own_idle)

OPTIONS = (
    ("keepalive", socket.SOL_SOCKET, socket.SO_KEEPALIVE),
    ("keepidle", socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
    ("keepintvl", socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
    ("keepcnt", socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
    ("user_timeout", socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
)
lines = ["pid=%d" % os.getpid()]
for s in sockets:
    for name, level, option in OPTIONS:
        value = s.getsockopt(level, option)
        if name == "keepalive":
            value = int(value != 0)
        lines.append("fd%d.%s=%d" % (s.fileno(), name, value))
with open(report_path + ".tmp", "w") as f:
    f.write("\n".join(lines) + "\n")
os.rename(report_path + ".tmp", report_path)
while True:
    time.sleep(60)
