"""A plain TCP server that accepts and holds every connection, sending
nothing. It never sets a socket option: what ss shows on its sockets comes
from the shim or from nowhere. Usage: hold_server.py PORT"""
import socket
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(16)
held = []
while True:
    conn, _ = server.accept()
    held.append(conn)
