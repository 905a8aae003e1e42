#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A stand-in for the WhatsApp bridge (docs/whatsapp-bridge-protocol.md) that a test plays live.

Started by the daemon as WHATSAPP_BRIDGE_COMMAND="python3 <this file>", it connects to the Unix
socket named by $FAKE_WA_SOCKET and relays: its stdin (the daemon's commands) goes to the socket
as is; each socket line is an order from the test:
  O<text>   print <text> and a newline on stdout (an event, or garbage)
  E<text>   print <text> on stderr
  X<code>   exit with <code>
First it sends {"fake_hello": {"argv", "cwd", "env"}} so the test sees how it was started. EOF on
stdin closes the socket and exits 0 (the bridge's "shut down"); the socket closing (the test
"crashing" it) exits 1.
"""
import json, os, selectors, socket, sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(os.environ["FAKE_WA_SOCKET"])
hello = {"fake_hello": {"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}
sock.sendall((json.dumps(hello) + "\n").encode())

sel = selectors.DefaultSelector()
sel.register(sys.stdin.buffer.raw, selectors.EVENT_READ, "stdin")
sel.register(sock, selectors.EVENT_READ, "sock")
pending = b""
while True:
    for key, _ in sel.select():
        if key.data == "stdin":
            data = os.read(0, 65536)
            if not data:
                sock.close()
                sys.exit(0)
            sock.sendall(data)
            continue
        data = sock.recv(1 << 20)
        if not data:
            sys.exit(1)
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            kind, rest = line[:1], line[1:]
            if kind == b"O":
                sys.stdout.buffer.write(rest + b"\n")
                sys.stdout.flush()
            elif kind == b"E":
                sys.stderr.buffer.write(rest + b"\n")
                sys.stderr.flush()
            elif kind == b"X":
                sys.stdout.flush()
                os._exit(int(rest or b"0"))
