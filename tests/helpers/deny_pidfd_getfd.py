"""Run a command with pidfd_getfd(2) refused with EPERM, as the kernel
refuses it under kernel.yama.ptrace_scope=1 while /proc/PID/fd stays
readable; no global setting is touched. A seccomp filter in this process
only, inherited across exec.

Usage: deny_pidfd_getfd.py COMMAND [ARG]..."""
import ctypes
import errno
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SYS_PIDFD_GETFD = 438  # the same on every architecture but alpha


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


program = b"".join(struct.pack("=HBBI", *insn) for insn in (
    (0x20, 0, 0, 0),                            # A = seccomp_data.nr
    (0x15, 0, 1, SYS_PIDFD_GETFD),              # if A == pidfd_getfd
    (0x06, 0, 0, 0x00050000 | errno.EPERM),     #   return ERRNO(EPERM)
    (0x06, 0, 0, 0x7fff0000),                   # return ALLOW
))
fprog = SockFprog(len(program) // 8, program)
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
        libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit("deny_pidfd_getfd: prctl: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
