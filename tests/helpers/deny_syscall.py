"""Run a command with one system call failing, as on a kernel or under a
policy that lacks it: a seccomp filter in this process only, inherited
across exec and fork; no global setting is touched.

Usage: deny_syscall.py NAME ERRNO COMMAND [ARG]...
NAME is seccomp, pidfd_open, pidfd_getfd or process_vm_readv (x86_64
numbers), or pidfd_open_thread: pidfd_open with PIDFD_THREAD only, as a
kernel before 6.9 refuses it (EINVAL) and opens a process's pidfd, or
seccomp_killable: seccomp with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
only, as a kernel before 5.19 refuses it (EINVAL); ERRNO a name such as
ENOSYS or EPERM."""
import ctypes
import errno
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xc000003e
SYSCALLS = {"seccomp": 317, "pidfd_open": 434, "pidfd_getfd": 438,
            "process_vm_readv": 310, "pidfd_open_thread": 434, "seccomp_killable": 317}
# NAME: (offset of the argument's low 32 bits in seccomp_data, the bits
# that must be set in it for the call to be refused)
ARGUMENT_BITS = {"pidfd_open_thread": (24, 0o200),  # flags, PIDFD_THREAD
                 "seccomp_killable": (24, 0x20)}     # flags, WAIT_KILLABLE_RECV


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


if len(sys.argv) < 4 or sys.argv[1] not in SYSCALLS or \
        not hasattr(errno, sys.argv[2]) or os.uname().machine != "x86_64":
    sys.exit(__doc__)
number, error = SYSCALLS[sys.argv[1]], getattr(errno, sys.argv[2])
argument = ARGUMENT_BITS.get(sys.argv[1])
check = [] if argument is None else [
    (0x20, 0, 0, argument[0]),                  #   A = the argument
    (0x45, 0, 1, argument[1]),                  #   if A & bits
]
program = b"".join(struct.pack("=HBBI", *insn) for insn in [
    (0x20, 0, 0, 4),                            # A = seccomp_data.arch
    (0x15, 1, 0, AUDIT_ARCH_X86_64),            # if A != x86_64
    (0x06, 0, 0, 0x7fff0000),                   #   return ALLOW
    (0x20, 0, 0, 0),                            # A = seccomp_data.nr
    (0x15, 0, 1 + len(check), number),          # if A == the call
] + check + [
    (0x06, 0, 0, 0x00050000 | error),           #   return ERRNO(error)
    (0x06, 0, 0, 0x7fff0000),                   # return ALLOW
])
fprog = SockFprog(len(program) // 8, program)
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
        libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit("deny_syscall: prctl: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[3], sys.argv[3:])
