"""Run a command with pidfd_getfd(2) refused with EPERM, as the kernel
refuses it under kernel.yama.ptrace_scope=1 while /proc/PID/fd stays
readable; no global setting is touched. deny_syscall.py does the work.

Usage: deny_pidfd_getfd.py COMMAND [ARG]..."""
import os
import sys

helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deny_syscall.py")
os.execv(sys.executable, [sys.executable, helper, "pidfd_getfd", "EPERM"] + sys.argv[1:])
