#!/usr/bin/env python3
"""What the step debugger costs (`--inspect`), measured side by side in one run.

The median wall time of `jsw run bench/programs/compute.mjs` (recursion, JSON
and a sort, all in main), from source every time:

- without --inspect (the normal engine: what every module runs on);
- `--inspect` with no client attached (the debug engine, its hook off);
- `--inspect-brk` with a client that enables the debugger and sets a
  breakpoint on main's last line, so the interpreter asks the debugger before
  every instruction of the run, then resumes at the breakpoint;
- the same client pausing on uncaught exceptions instead (no breakpoint: only
  throws are looked at).

The variants take turns, -n times; the client is a raw Chrome DevTools
protocol client over WebSocket, as DevTools is.

    python3 bench/debugger.py [-n 9]
"""

import argparse
import base64
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "bench" / "programs" / "compute.mjs"
sys.path.insert(0, str(ROOT / "bench"))
from run import jsw_binary  # noqa: E402


class Client:
    """A minimal DevTools client: masked text frames out, JSON in."""

    def __init__(self, url):
        host, port, path = re.match(r"ws://([^:/]+):(\d+)(/.*)", url).groups()
        self.sock = socket.create_connection((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0
        self.events = []

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def read(self):
        head = self._exact(2)
        n = head[1] & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._exact(8))[0]
        payload = self._exact(n)
        if head[0] & 0x0F == 8:
            raise EOFError
        return json.loads(payload)

    def call(self, method, **params):
        self.next_id += 1
        data = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        frame = bytes([0x81])
        if len(data) < 126:
            frame += bytes([0x80 | len(data)])
        else:
            frame += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        self.sock.sendall(frame + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
        while True:
            message = self.read()
            if message.get("id") == self.next_id:
                return message
            self.events.append(message)

    def wait(self, method):
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            message = self.read()
            if message.get("method") == method:
                return message
            self.events.append(message)

    def drain(self):
        try:
            while True:
                self.read()
        except (EOFError, OSError):
            pass


def timed_run(jsw, variant, last_line):
    cmd = [jsw, "run", str(PROGRAM)]
    if variant == "--inspect, no client":
        cmd.append("--inspect=127.0.0.1:0")
    elif variant != "off":
        cmd.append("--inspect-brk=127.0.0.1:0")
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if variant in ("off", "--inspect, no client"):
        child.stderr.read()
        child.wait()
        return time.perf_counter() - started, 0.0
    url = re.search(r"ws://\S+", child.stderr.readline()).group(0)
    client = Client(url)
    client.call("Runtime.enable")
    client.call("Debugger.enable")
    if variant == "breakpoint on main's last line":
        client.call("Debugger.setBreakpointByUrl", urlRegex=r"compute\.mjs$", lineNumber=last_line)
    else:
        client.call("Debugger.setPauseOnExceptions", state="uncaught")
    client.call("Runtime.runIfWaitingForDebugger")
    client.wait("Debugger.paused")  # Break on start
    # The program runs from here; the time a client takes to attach is not the run's.
    resumed = time.perf_counter()
    client.call("Debugger.resume")
    if variant == "breakpoint on main's last line":
        client.wait("Debugger.paused")
        client.call("Debugger.resume")
    client.drain()
    child.stderr.read()
    child.wait()
    return time.perf_counter() - started, time.perf_counter() - resumed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=9)
    args = parser.parse_args()
    jsw = jsw_binary()
    last_line = next(i for i, l in enumerate(PROGRAM.read_text().splitlines()) if "console.log" in l)
    variants = ["off", "--inspect, no client", "breakpoint on main's last line", "pause on uncaught exceptions"]
    # One run of each first: the compiled-code cache warm for all.
    for v in variants:
        timed_run(jsw, v, last_line)
    wall = {v: [] for v in variants}
    after = {v: [] for v in variants}
    for _ in range(args.n):
        for v in variants:
            total, from_resume = timed_run(jsw, v, last_line)
            wall[v].append(total)
            after[v].append(from_resume)
    base = statistics.median(wall["off"])
    print(f"| `jsw run compute.mjs`, median of {args.n} | wall | vs off | from resume to exit |")
    print("| --- | --- | --- | --- |")
    for v in variants:
        w = statistics.median(wall[v])
        r = statistics.median(after[v])
        shown = f"{r * 1000:.1f} ms" if r else "–"
        print(f"| {v} | {w * 1000:.1f} ms | {w / base:.2f}× | {shown} |")


if __name__ == "__main__":
    main()
