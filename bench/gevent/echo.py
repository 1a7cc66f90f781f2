"""TCP echo over loopback under gevent: the counterpart of ``dev.weft.bench.echo.EchoBench``.

CONNECTIONS clients each make ROUND_TRIPS round trips of a 64-byte message to a gevent
``StreamServer`` in the same process (one thread, one hub); every reply is compared with its
message. One sample is the whole exchange, from binding the listener to the server's stop:
round trips per second = CONNECTIONS * ROUND_TRIPS / sample. The message carries the client's
id and the round's number in its first eight bytes (big-endian) and ``x`` after them, as the
Java side's ``EchoMessage``. No monkey-patching: gevent's own sockets, as its StreamServer
example does.

Usage: ``/usr/bin/python3 echo.py [--short|--full]`` (Debian's python3-gevent). Prints one JSON
line to stdout:

    {"workload": "echo", "peer": "gevent", "unit": "ms", "median": ..., "error": ...,
     "samples": [...], "config": "50 connections x 2000 round trips, 64 B, StreamServer, one process"}

``error`` is the largest distance from the median to a sample (``median +- error`` covers every
sample). ``--short`` (the default) runs 1 unmeasured exchange and 3 measured ones, ``--full``
3 and 10.
"""

import gc
import json
import os
import statistics
import struct
import sys
import time

import gevent
from gevent import socket
from gevent.server import StreamServer

CONNECTIONS = 50
ROUND_TRIPS = 2000
MESSAGE = 64
STUCK_SECONDS = 60

SHORT = (1, 3)
FULL = (3, 10)


def echo(connection, address):
    """The server's handler: echoes each read until the client closes (StreamServer closes it)."""
    while True:
        data = connection.recv(MESSAGE)
        if not data:
            return
        connection.sendall(data)


def client(port, cid, round_trips):
    """One client: each reply read in full and compared with its message; returns the correct ones."""
    message = bytearray(b"x" * MESSAGE)
    reply = bytearray(MESSAGE)
    view = memoryview(reply)
    correct = 0
    with socket.create_connection(("127.0.0.1", port)) as s:
        for r in range(round_trips):
            struct.pack_into(">ii", message, 0, cid, r)
            s.sendall(message)
            got = 0
            while got < MESSAGE:
                n = s.recv_into(view[got:])
                if n == 0:
                    raise EOFError("the server closed connection %d in round %d" % (cid, r))
                got += n
            if reply == message:
                correct += 1
    return correct


def exchange(connections=CONNECTIONS, round_trips=ROUND_TRIPS):
    """One run: start the server, run the clients, stop the server (its handlers have all seen EOF)."""
    server = StreamServer(("127.0.0.1", 0), echo)
    server.start()
    try:
        clients = [gevent.spawn(client, server.server_port, c, round_trips) for c in range(connections)]
        done = gevent.joinall(clients, timeout=STUCK_SECONDS, raise_error=True)
        if len(done) != len(clients):
            gevent.killall(clients)
            raise RuntimeError("an echo client did not end within %d s" % STUCK_SECONDS)
        correct = sum(c.value for c in clients)
    finally:
        server.stop(timeout=1)
    if correct != connections * round_trips:
        raise RuntimeError("echo exchange got %d correct replies of %d" % (correct, connections * round_trips))


def main():
    args = sys.argv[1:]
    if any(a not in ("--short", "--full") for a in args):
        raise SystemExit("usage: %s [--short|--full]" % os.path.basename(sys.argv[0]))
    warmup, iterations = FULL if "--full" in args else SHORT
    for _ in range(warmup):
        gc.collect()
        exchange()
    samples = []
    for _ in range(iterations):
        gc.collect()
        t0 = time.perf_counter()
        exchange()
        samples.append((time.perf_counter() - t0) * 1e3)
    m = statistics.median(samples)
    print(json.dumps({
        "workload": "echo",
        "peer": "gevent",
        "unit": "ms",
        "median": m,
        "error": max(abs(s - m) for s in samples),
        "samples": samples,
        "config": "%d connections x %d round trips, %d B, StreamServer, one process"
                  % (CONNECTIONS, ROUND_TRIPS, MESSAGE),
    }), flush=True)


if __name__ == "__main__":
    main()
