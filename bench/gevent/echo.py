"""TCP echo over loopback under gevent: the counterpart of ``dev.weft.bench.echo.EchoBench``.

CONNECTIONS clients each make ROUND_TRIPS round trips of a 64-byte message to a gevent
``StreamServer`` in the same process (one thread, one hub); every reply is compared with its
message. One sample is the whole exchange, from binding the listener to the server's stop:
round trips per second = CONNECTIONS * ROUND_TRIPS / sample. The message carries the client's
id and the round's number in its first eight bytes (big-endian) and ``x`` after them, as the
Java side's ``EchoMessage``. No monkey-patching: gevent's own sockets, as its StreamServer
example does.

Usage: ``/usr/bin/python3 echo.py [--short|--full]`` (Debian's python3-gevent). Prints one JSON
line to stdout through the shared harness (``weftbench.emit``):

    {"workload": "echo", "peer": "gevent", "unit": "ms", "median": ..., "error": ...,
     "samples": [...], "config": "50 connections x 2000 round trips, 64 B, StreamServer, one process; CPython ..."}

One exchange takes seconds, so this program runs fewer of them than ``weftbench``'s settings:
``--short`` (the default) 1 unmeasured and 3 measured, ``--full`` 3 and 10.
"""

import struct

import gevent
from gevent import socket
from gevent.pool import Pool
from gevent.server import StreamServer

import weftbench

CONNECTIONS = 50
ROUND_TRIPS = 2000
MESSAGE = 64
STUCK_SECONDS = 60

# (warm-up, measured) exchanges per mode
RUNS = {"short": (1, 3), "full": (3, 10)}


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
    # connect() rather than create_connection(): the latter resolves even a numeric address
    # through gevent's resolver, which starts a thread pool
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect(("127.0.0.1", port))
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
    """One run: start the server, run the clients, stop the server and wait for its handlers.

    The handlers run in a pool: without one, StreamServer.stop() neither waits for nor kills
    them, and they would end during the next run.
    """
    server = StreamServer(("127.0.0.1", 0), echo, spawn=Pool())
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
    warmup, iterations = RUNS[weftbench.settings().mode]
    samples = weftbench.timed(exchange, warmup, iterations)
    weftbench.emit("echo", "ms", [t * 1e3 for t in samples],
                   "%d connections x %d round trips, %d B, StreamServer, one process; %s"
                   % (CONNECTIONS, ROUND_TRIPS, MESSAGE, weftbench.describe()))


if __name__ == "__main__":
    main()
