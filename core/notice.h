/*
 * Messages about the configuration (a bad value, an unknown name, a note),
 * said by the library only in a process that has a TCP socket, once, in
 * a bounded number of lines. A start script's every program loads the
 * library, and most of them (sh, ls, date) never make a connection: they
 * must say nothing, and keep their stderr as it was. So the library holds
 * what its load has to say, and says it at the first TCP socket the
 * process opens, accepts or inherits. Tools never hold: their messages
 * are written at once.
 */
#ifndef KASHIM_NOTICE_H
#define KASHIM_NOTICE_H

/* Held messages kept word for word; the rest are only counted. */
#define KASHIM_NOTICE_LINES 8

/*
 * Hold every kashim_notice from now until kashim_notice_settle. The
 * library's load calls it first, under pthread_once: holding is for one
 * thread, before any other can read what is held.
 */
void kashim_notice_hold(void);

/*
 * A message about the configuration, one line: written now, as
 * kashim_log writes, or held while holding. The first
 * KASHIM_NOTICE_LINES held are kept, longer ones cut; more are counted,
 * and said as one line "... and N more". No allocation, no lock.
 */
void kashim_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * End of holding (the end of the library's load). If anything is held,
 * remember which file fd 2 is (device and inode), so that a message said
 * later goes only there: a daemon may have closed fd 2 by then and handed
 * the number to a client's connection. Nothing is ever said when fd 2 is
 * closed at load or is a TCP socket itself (inetd hands the connection
 * over as 0, 1 and 2).
 */
void kashim_notice_settle(void);

/* Is anything held and not yet said? One relaxed load. */
int kashim_notice_pending(void);

/*
 * The process has a TCP socket: say what is held, once. Threads that get
 * here at once say it once between them (an atomic exchange), and only
 * into the stderr of load (fstat, compared with what settle saw);
 * otherwise the messages are dropped. A child forked before this runs
 * says them itself at its own first TCP socket; one forked after stays
 * silent, its parent having said them on the same stderr. Async-signal-
 * safe (fstat, getpid, write); keeps errno.
 */
void kashim_notice_say(void);

#endif
