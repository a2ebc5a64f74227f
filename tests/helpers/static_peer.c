/*
 * static-peer: an unmodified program, linked statically (gcc -static) so
 * that LD_PRELOAD cannot reach it, for tests/static.bats. It never sets a
 * socket option; whatever keepalive its sockets carry came from outside.
 *
 *   static-peer serve PORT [COUNT]
 *       listen on 127.0.0.1:PORT, accept COUNT connections (default 1),
 *       print "accepted" after each, and hold them until killed
 *   static-peer connect PORT
 *       connect to 127.0.0.1:PORT, print "connected", hold it until killed
 *   static-peer relisten PORT
 *       listen, turn SO_KEEPALIVE off itself, listen again (as nginx
 *       does), accept one connection and print the accepted socket's
 *       SO_KEEPALIVE as "accepted.keepalive=N"
 *   static-peer wait
 *       print "pid=P ppid=Q" and wait for a signal; on SIGTERM or SIGUSR1
 *       print "got=N" and exit 100+N (SIGUSR2 keeps its default action)
 *   static-peer pid [ANY]
 *       print "pid=P" and "ppid=Q" lines and exit 0 (ANY: a #! script's path)
 *   static-peer exit N
 *       exit with status N
 *   static-peer fork PORT
 *       fork; the parent prints "daemon=PID" and exits 0 at once, the
 *       child lets go of stdio and connects a second later, as a daemon
 *       that forks into the background does (see connect)
 *   static-peer threads PORT
 *       connect from a second thread (see connect)
 *   static-peer leader-exit PORT
 *       main calls pthread_exit; a second thread connects once it has
 *       ended (see connect), as some daemons do
 *   static-peer reconnect PORT
 *       every 50 ms connect to 127.0.0.1:PORT, print "connect=N" (N
 *       counting from 1) and close, until killed
 *   static-peer hangup SECONDS
 *       print "bye", close stdin and stdout, then live SECONDS more: a
 *       reader of its stdout, or an inetd-style peer on fds 0 and 1,
 *       sees the end at once
 *   static-peer eintr COUNT
 *       under a 1 kHz SIGALRM whose handler lacks SA_RESTART, COUNT
 *       non-blocking connects to a loopback listener and COUNT listens;
 *       prints connects=, connect_eintr= (how many failed with EINTR),
 *       listens=, listen_eintr= and ticks= (signals handled) lines
 *       (without a supervisor neither call ever sleeps, so neither is
 *       ever interrupted)
 */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "test_util.h"

#define die(what) do { perror(what); exit(3); } while (0)

static struct sockaddr_in loopback(const char *port)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons((unsigned short)atoi(port));
	return in;
}

static void say(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
}

static int listener(const char *port)
{
	struct sockaddr_in in = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    bind(fd, (struct sockaddr *)&in, sizeof in) != 0 || listen(fd, 16) != 0)
		die("listen");
	return fd;
}

static void serve(const char *port, int count)
{
	int fd = listener(port), i;

	for (i = 0; i < count; i++) {
		if (accept(fd, NULL, NULL) < 0)
			die("accept");
		say("accepted");
	}
	for (;;)
		pause();
}

static void *connect_and_hold(void *port)
{
	struct sockaddr_in in = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&in, sizeof in) != 0)
		die("connect");
	say("connected");
	for (;;)
		pause();
	return NULL;
}

/* Connect once main's thread, the process's first, has ended. */
static void *connect_after_leader(void *port)
{
	char path[64], state[256];
	int fd;
	ssize_t got;

	/* /proc/PID/stat's state after the name: Z once main has exited */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)getpid());
	for (;;) {
		fd = open(path, O_RDONLY);
		got = fd < 0 ? -1 : read(fd, state, sizeof state - 1);
		if (fd >= 0)
			close(fd);
		state[got > 0 ? got : 0] = '\0';
		if (strstr(state, ") Z ") != NULL)
			break;
		usleep(10000);
	}
	return connect_and_hold(port);
}

static void reconnect(const char *port)
{
	struct sockaddr_in in = loopback(port);
	int n, fd;

	for (n = 1;; n++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&in, sizeof in) != 0)
			die("connect");
		printf("connect=%d\n", n);
		fflush(stdout);
		close(fd);
		usleep(50000);
	}
}

static void hangup(const char *seconds)
{
	say("bye");
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	sleep((unsigned)atoi(seconds));
	exit(0);
}

static volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/* Non-blocking connects and listens under a 1 kHz signal without SA_RESTART. */
static void count_eintr(int count)
{
	struct sockaddr_in in = loopback("0");
	socklen_t length = sizeof in;
	struct itimerval every_ms = { { 0, 1000 }, { 0, 1000 } };
	struct linger reset = { 1, 0 };
	struct sigaction action;
	int server = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), i, fd, accepted;
	int connect_eintr = 0, listen_eintr = 0;

	if (server < 0 || bind(server, (struct sockaddr *)&in, sizeof in) != 0 ||
	    listen(server, 4096) != 0 || getsockname(server, (struct sockaddr *)&in, &length) != 0)
		die("listener");
	memset(&action, 0, sizeof action);
	action.sa_handler = on_tick; /* no SA_RESTART */
	if (sigaction(SIGALRM, &action, NULL) != 0 || setitimer(ITIMER_REAL, &every_ms, NULL) != 0)
		die("timer");
	for (i = 0; i < count; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		/* closed with a reset: no TIME_WAIT to run out of ports */
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) != 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&in, sizeof in) != 0 && errno != EINPROGRESS) {
			if (errno != EINTR)
				die("connect");
			connect_eintr++;
		}
		while ((accepted = accept(server, NULL, NULL)) >= 0 || errno == EINTR)
			if (accepted >= 0)
				close(accepted);
		close(fd);
	}
	for (i = 0; i < count; i++) {
		struct sockaddr_in any = loopback("0");

		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&any, sizeof any) != 0)
			die("bind");
		if (listen(fd, 1) != 0) {
			if (errno != EINTR)
				die("listen");
			listen_eintr++;
		}
		close(fd);
	}
	printf("connects=%d\nconnect_eintr=%d\nlistens=%d\nlisten_eintr=%d\nticks=%d\n", count,
	       connect_eintr, count, listen_eintr, (int)ticks);
	exit(0);
}

static void relisten(const char *port)
{
	int fd = listener(port), off = 0, accepted;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &off, sizeof off) != 0 ||
	    listen(fd, 16) != 0)
		die("relisten");
	say("listening");
	accepted = accept(fd, NULL, NULL);
	if (accepted < 0)
		die("accept");
	printf("accepted.keepalive=%d\n", get_int(accepted, SOL_SOCKET, SO_KEEPALIVE));
	exit(0);
}

/* Only SIGTERM (15) and SIGUSR1 (10) come here: two digits. */
static void on_signal(int sig)
{
	char line[] = "got=NN\n";

	line[4] = (char)('0' + sig / 10);
	line[5] = (char)('0' + sig % 10);
	if (write(STDOUT_FILENO, line, sizeof line - 1) < 0)
		_exit(2);
	_exit(100 + sig);
}

int main(int argc, char **argv)
{
	pthread_t thread;

	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		serve(argv[2], 1);
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		serve(argv[2], atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "connect") == 0)
		connect_and_hold(argv[2]);
	if (argc == 3 && strcmp(argv[1], "relisten") == 0)
		relisten(argv[2]);
	if (argc == 2 && strcmp(argv[1], "wait") == 0) {
		signal(SIGTERM, on_signal);
		signal(SIGUSR1, on_signal);
		printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc >= 2 && strcmp(argv[1], "pid") == 0) {
		printf("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "fork") == 0) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid > 0) {
			printf("daemon=%d\n", (int)pid);
			return 0;
		}
		/* a daemon lets go of its caller's terminal and pipes */
		if (setsid() < 0 || !freopen("/dev/null", "r+", stdout) ||
		    dup2(STDOUT_FILENO, STDIN_FILENO) < 0 || dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
			die("daemon");
		sleep(1);
		connect_and_hold(argv[2]);
	}
	if (argc == 3 && strcmp(argv[1], "threads") == 0) {
		if (pthread_create(&thread, NULL, connect_and_hold, argv[2]) != 0)
			die("pthread_create");
		pthread_join(thread, NULL);
	}
	if (argc == 3 && strcmp(argv[1], "leader-exit") == 0) {
		if (pthread_create(&thread, NULL, connect_after_leader, argv[2]) != 0)
			die("pthread_create");
		pthread_exit(NULL);
	}
	if (argc == 3 && strcmp(argv[1], "reconnect") == 0)
		reconnect(argv[2]);
	if (argc == 3 && strcmp(argv[1], "hangup") == 0)
		hangup(argv[2]);
	if (argc == 3 && strcmp(argv[1], "eintr") == 0)
		count_eintr(atoi(argv[2]));
	fprintf(stderr, "usage: static-peer serve|connect|relisten|threads|fork|leader-exit|reconnect PORT, "
		"wait, pid, exit N, hangup SECONDS, eintr COUNT\n");
	return 2;
}
