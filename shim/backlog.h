/*
 * Connections a listener queued before kashim configured it. A listener
 * inherited already listening (socket activation: systemd, inetd-style
 * launchers, node's listen({fd})) has cloned each connection it holds from
 * its unconfigured self, and the program's listen() call, kashim's moment,
 * comes after them. The accept queue is first in, first out, so the next
 * so many accepts from that listener are exactly those connections: each
 * is configured itself; every later one inherits from the listener.
 */
#ifndef KASHIM_BACKLOG_H
#define KASHIM_BACKLOG_H

/*
 * Remember that the next count accepts from listener need configuring.
 * Returns 0, or -1 for a listener at or above KASHIM_SEEN_FDS, which
 * cannot be marked seen either: every accept from it is configured.
 */
int kashim_backlog_add(int listener, unsigned count);

/*
 * Has listener queued connections still to be taken? Asked before the
 * real accept: threads accepting at once take connections off the queue
 * in its order but may come back in another, so a thread that saw some
 * left configures what it got even when another thread has taken the
 * count's last unit (its socket may be the last queued one). At worst a
 * few sockets that inherited the options get them again, in the moment
 * after socket activation. One relaxed load while no listener has any
 * left, which is always but for that moment.
 */
int kashim_backlog_pending(int listener);

/* One of listener's queued connections was accepted: off the count. */
void kashim_backlog_take(int listener);

/* fd is now another socket: a count left for the old one is dropped. */
void kashim_backlog_forget(int fd);

/*
 * How many connections are waiting in listener's accept queue (TCP_INFO's
 * tcpi_unacked, for a listening socket); 0 when it cannot be read.
 * Keeps errno.
 */
unsigned kashim_backlog_queued(int listener);

#endif
