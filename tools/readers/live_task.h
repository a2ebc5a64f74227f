/*
 * The thread through which another process is read and reached. While its
 * main thread runs, that is the process itself. Once main has called
 * pthread_exit while other threads go on (some daemons do), the main
 * thread is a zombie: /proc/PID/fd lists nothing, /proc/PID/net, exe and
 * maps are gone, and pidfd_getfd through the process's pidfd fails. A
 * running thread's /proc/TID (not listed in /proc, but there) and its own
 * pidfd (PIDFD_THREAD, Linux 6.9) reach the files, memory and network
 * namespace that every thread of the process shares.
 */
#ifndef KASHIM_LIVE_TASK_H
#define KASHIM_LIVE_TASK_H

#include <sys/types.h>

/*
 * The thread to read process pid through: pid itself unless its main
 * thread has exited, else another of its threads that still runs; 0 when
 * none does (the process has exited). A /proc that cannot be read gives
 * pid, so that the caller's own read of it says why.
 */
pid_t kashim_live_task(pid_t pid);

/*
 * A pidfd through which pidfd_getfd reaches the fds of process pid, for
 * task, a kashim_live_task answer: the process's pidfd when task is pid,
 * else the thread's (PIDFD_THREAD). Returns it, or -1 with errno: ESRCH
 * when the process or thread has exited meanwhile, EOPNOTSUPP when the
 * kernel cannot open a thread's pidfd (before Linux 6.9, which says
 * EINVAL).
 */
int kashim_task_pidfd_open(pid_t pid, pid_t task);

#endif
