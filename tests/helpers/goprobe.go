// goprobe: one loopback connection made and accepted by Go's net package,
// which makes its own system calls (no libc, no preload), and what
// getsockopt reads back on both ends as key=value lines.
//
//	goprobe [-1]
//
// Without an argument Go's own keepalive applies (Dialer and ListenConfig
// KeepAlive 0: on, 15 s); with -1 Go leaves keepalive alone.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

func show(side string, c net.Conn) {
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		panic(err)
	}
	raw.Control(func(fd uintptr) {
		get := func(level, name int) int {
			v, err := syscall.GetsockoptInt(int(fd), level, name)
			if err != nil {
				return -1
			}
			return v
		}
		fmt.Printf("%s.keepalive=%d\n", side, get(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE))
		fmt.Printf("%s.idle=%d\n", side, get(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE))
		fmt.Printf("%s.intvl=%d\n", side, get(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL))
		fmt.Printf("%s.cnt=%d\n", side, get(syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT))
		fmt.Printf("%s.user_timeout=%d\n", side, get(syscall.IPPROTO_TCP, 18))
	})
}

func main() {
	keepAlive := time.Duration(0)
	if len(os.Args) > 1 && os.Args[1] == "-1" {
		keepAlive = -1
	}
	lc := net.ListenConfig{KeepAlive: keepAlive}
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	d := net.Dialer{KeepAlive: keepAlive}
	c, err := d.Dial("tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	a, err := l.Accept()
	if err != nil {
		panic(err)
	}
	show("connected", c)
	show("accepted", a)
}
