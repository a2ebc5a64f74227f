"""How long after a program closes its output its reader sees the end.

Usage: stream_end.py pipe|socket COMMAND [ARG]...
pipe: COMMAND's stdout is a pipe read here. socket: its stdin and stdout
are one connected TCP socket, as inetd and systemd's Accept=yes give
them, whose peer reads here. COMMAND prints one line, then closes them
and lives on (static-peer hangup). Prints "line=..." and
"end_ms=MILLISECONDS": from that line to EOF on the pipe, or to the FIN
on the socket; then waits for COMMAND and prints "status=N"."""
import socket
import subprocess
import sys
import time

if len(sys.argv) < 3 or sys.argv[1] not in ("pipe", "socket"):
    sys.exit(__doc__)
command = sys.argv[2:]
if sys.argv[1] == "pipe":
    program = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    reader = program.stdout
    read = lambda: reader.read1(4096)
else:
    server = socket.create_server(("127.0.0.1", 0))
    peer = socket.create_connection(server.getsockname())
    own, _ = server.accept()
    server.close()
    program = subprocess.Popen(command, stdin=own, stdout=own, stderr=subprocess.DEVNULL)
    own.close()
    read = lambda: peer.recv(4096)
got = b""
while not got.endswith(b"\n"):
    chunk = read()
    if not chunk:
        break
    got += chunk
start = time.monotonic()
while read():
    pass
print("line=%s" % got.decode().strip())
print("end_ms=%d" % ((time.monotonic() - start) * 1000))
print("status=%d" % program.wait(), flush=True)
