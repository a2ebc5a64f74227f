"""Check kashim-inspect's JSON against what the process reported about
its own sockets (report_server.py). Usage: inspect_matches.py REPORT JSON
Prints every difference and exits 1 if there is one; prints the compared
sockets and exits 0 otherwise."""
import json
import sys

report = {}
pid = None
with open(sys.argv[1]) as f:
    for line in f:
        key, value = line.strip().split("=")
        if key == "pid":
            pid = int(value)
            continue
        fd, option = key[2:].split(".")
        report.setdefault(int(fd), {})[option] = int(value)

with open(sys.argv[2]) as f:
    document = json.load(f)
processes = [p for p in document["processes"] if p["pid"] == pid]
problems = []
if not report:
    problems.append("the process reported no socket: nothing to compare")
if len(processes) != 1:
    problems.append("pid %s is not in the output exactly once" % pid)
    sockets = {}
else:
    sockets = {s["fd"]: s for s in processes[0]["sockets"]}
if sorted(sockets) != sorted(report):
    problems.append("fds differ: inspect %s, process %s" % (sorted(sockets), sorted(report)))
for fd, inside in sorted(report.items()):
    seen = sockets.get(fd)
    if seen is None:
        continue
    options = seen["options"]
    if options is None:
        problems.append("fd %d: options unread: %s" % (fd, seen["options_error"]))
        continue
    for option, value in inside.items():
        shown = int(options[option]) if option == "keepalive" else options[option]
        if shown != value:
            problems.append("fd %d %s: inspect %s, getsockopt inside %s" % (fd, option, shown, value))
    print("fd %d %s %s ok" % (fd, seen["state"], inside))
for problem in problems:
    print("MISMATCH " + problem)
sys.exit(1 if problems else 0)
