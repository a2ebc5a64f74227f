/*
 * Listening sockets that kashim's listen hook has dealt with. Linux copies
 * a listener's SO_KEEPALIVE, keepalive timers and TCP_USER_TIMEOUT onto
 * every socket accepted from it, so an accept from such a listener needs
 * no call at all, however it is made (libc, raw syscall, io_uring).
 */
#ifndef KASHIM_LISTENERS_H
#define KASHIM_LISTENERS_H

/* fds at or above this are never marked: their accepts are configured. */
#define KASHIM_LISTENER_FDS 65536

/*
 * Mark fd as a listener the listen hook has configured (or chose to leave
 * alone: then its accepted sockets are to be left alone too).
 */
void kashim_listener_mark(int fd);

/* Was fd marked? One relaxed load: no lock, no syscall. */
int kashim_listener_marked(int fd);

/*
 * fd is now something else (libc handed it out as an accepted socket):
 * whatever listener it held before was closed, so drop its mark.
 */
void kashim_listener_forget(int fd);

#endif
