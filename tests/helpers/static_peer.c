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
 */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	fprintf(stderr, "usage: static-peer serve|connect|relisten|threads|fork PORT, wait, pid, exit N\n");
	return 2;
}
