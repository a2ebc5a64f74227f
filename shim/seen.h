/*
 * Sockets kashim has dealt with, by fd number. A listener or a connecting
 * socket is configured (or deliberately left alone) once, at the first
 * listen, connect or Fast Open send kashim sees for it; a later call on the
 * same socket leaves it as the program has set it since (nginx calls listen
 * again after applying its so_keepalive). For a listener the mark also
 * says that its accepted sockets have inherited that decision: Linux
 * copies a listener's SO_KEEPALIVE, keepalive timers and TCP_USER_TIMEOUT
 * onto every socket accepted from it, so such an accept needs no call at
 * all, however it is made (libc, raw syscall, io_uring).
 */
#ifndef KASHIM_SEEN_H
#define KASHIM_SEEN_H

/* fds at or above this are never marked: each call configures them. */
#define KASHIM_SEEN_FDS 65536

/* Mark fd as a socket kashim has configured or chosen to leave alone. */
void kashim_seen_mark(int fd);

/* Was fd marked? One relaxed load: no lock, no syscall. */
int kashim_seen(int fd);

/*
 * fd is now another socket (socket() or accept() handed the number out
 * again): whatever socket held it before was closed, so drop its mark.
 */
void kashim_seen_forget(int fd);

#endif
