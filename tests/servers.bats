#!/usr/bin/env bats
# Real, unmodified servers (and a client) under the shim, checked from
# outside with ss -tno: the keepalive timer counts down from the shim's
# idle time, a value no program here would pick by itself.

load helpers/common
load helpers/nginx

setup() {
	PORT=$(free_port)
	WORK=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/kashim-servers.XXXXXX")
}

teardown() {
	stop_background
	rm -rf "$WORK"
}

# start_server CMD...: start a server that will listen on loopback $PORT.
start_server() {
	start_listener "$PORT" "$@"
}

# An idle client without the shim: whatever timer the server side shows
# is the server's (or the shim's) doing.
connect_idle_client() {
	start_idle_client "$PORT"
}

server_side() {
	echo "( sport = :$PORT )"
}

# start_redis [VAR=VALUE]... -- [REDIS ARGS]: redis-server under the shim.
start_redis() {
	local vars=()
	while [ "$1" != "--" ]; do vars+=("$1"); shift; done
	shift
	start_server env LD_PRELOAD="$SHIM" "${vars[@]}" redis-server --port "$PORT" \
		--bind 127.0.0.1 --save "" --appendonly no --daemonize no --dir "$WORK" \
		--logfile "" --loglevel warning "$@"
}

@test "nginx: a worker, whose environment nginx wiped, accepts configured connections" {
	write_nginx_conf "listen 127.0.0.1:$PORT; location / { return 200 \"ok\\n\"; }"
	start_server env LD_PRELOAD="$SHIM" KASHIM_KEEPIDLE=41 nginx -p "$WORK" -c "$WORK/nginx.conf" -e stderr
	local master=${BACKGROUND_PIDS[0]}
	connect_idle_client
	assert_timer_near "$(server_side)" 41
	# the socket belongs to a worker, not to the master that listened
	run ss -tnopH state established "$(server_side)"
	[[ $output =~ users:\(\(\"nginx\",pid=([0-9]+), ]] || flunk "no owner"
	[ "${BASH_REMATCH[1]}" != "$master" ] || flunk "accepted by the master, not a worker"
	[ "$(ps -o ppid= -p "${BASH_REMATCH[1]}" | tr -d ' ')" = "$master" ] || flunk "not the master's worker"
}

@test "control: nginx without the shim has no keepalive timer" {
	write_nginx_conf "listen 127.0.0.1:$PORT; location / { return 200 \"ok\\n\"; }"
	start_server nginx -p "$WORK" -c "$WORK/nginx.conf" -e stderr
	connect_idle_client
	wait_until 5 established "$(server_side)" || flunk "no connection"
	[ -z "$(ss_keepalive_seconds "$(server_side)")" ] || flunk "a timer without the shim"
}

@test "redis-server with tcp-keepalive 0: kashim's values apply" {
	start_redis KASHIM_KEEPIDLE=43 -- --tcp-keepalive 0
	connect_idle_client
	assert_timer_near "$(server_side)" 43
}

@test "redis-server's own 300 s, set after accept, has the last word under override" {
	start_redis KASHIM_KEEPIDLE=43 KASHIM_POLICY=override --
	connect_idle_client
	assert_timer_near "$(server_side)" 300
}

@test "redis-server's own 300 s has the last word under respect too" {
	start_redis KASHIM_KEEPIDLE=43 KASHIM_POLICY=respect --
	connect_idle_client
	assert_timer_near "$(server_side)" 300
}

@test "node http server (libuv's accept4)" {
	start_server env LD_PRELOAD="$SHIM" KASHIM_KEEPIDLE=44 node -e \
		'require("http").createServer(() => {}).listen(+process.argv[1], "127.0.0.1")' "$PORT"
	connect_idle_client
	assert_timer_near "$(server_side)" 44
}

@test "node http client (libuv's connect)" {
	start_listener "$PORT"
	# an agent without HTTP keep-alive: newer node's default agent sets a
	# 1 s keepalive of its own after connect, which would have the last word
	start_background env LD_PRELOAD="$SHIM" KASHIM_KEEPIDLE=45 node -e '
		const http = require("http");
		http.get("http://127.0.0.1:" + process.argv[1] + "/",
			 { agent: new http.Agent({ keepAlive: false }) });
		setTimeout(() => {}, 20000);' "$PORT"
	assert_timer_near "( dport = :$PORT )" 45
}

@test "python asyncio server" {
	start_server env LD_PRELOAD="$SHIM" KASHIM_KEEPIDLE=46 python3 -c '
import asyncio, sys

async def hold(reader, writer):
    await reader.read()

async def main():
    server = await asyncio.start_server(hold, "127.0.0.1", int(sys.argv[1]))
    await server.serve_forever()

asyncio.run(main())' "$PORT"
	connect_idle_client
	assert_timer_near "$(server_side)" 46
}

@test "socat server mode (TCP-LISTEN)" {
	start_server env LD_PRELOAD="$SHIM" KASHIM_KEEPIDLE=47 socat -u "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr" -
	connect_idle_client
	assert_timer_near "$(server_side)" 47
}

@test "ncat server mode (-l)" {
	start_server bash -c "sleep 20 | env LD_PRELOAD='$SHIM' KASHIM_KEEPIDLE=48 ncat -l 127.0.0.1 $PORT"
	connect_idle_client
	assert_timer_near "$(server_side)" 48
}
