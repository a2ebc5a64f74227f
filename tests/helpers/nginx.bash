# nginx for the tests of real servers (servers.bats, realprograms.bats).

# write_nginx_conf SERVER...: a throw-away configuration in $WORK/nginx.conf:
# foreground, master and one worker, everything nginx writes kept in $WORK,
# and one http server block per argument, holding that argument.
write_nginx_conf() {
	local dir server servers=""
	for dir in body proxy fastcgi uwsgi scgi; do mkdir -p "$WORK/$dir"; done
	for server in "$@"; do
		servers+="    server { $server }"$'\n'
	done
	cat >"$WORK/nginx.conf" <<-EOF
		daemon off;
		master_process on;
		worker_processes 1;
		pid $WORK/nginx.pid;
		error_log stderr;
		events { worker_connections 64; }
		http {
		    access_log off;
		    client_body_temp_path $WORK/body;
		    proxy_temp_path $WORK/proxy;
		    fastcgi_temp_path $WORK/fastcgi;
		    uwsgi_temp_path $WORK/uwsgi;
		    scgi_temp_path $WORK/scgi;
		$servers}
	EOF
}
