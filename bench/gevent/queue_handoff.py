"""gevent.queue.Queue: the hand-off between two greenlets, and buffered(16) producer/consumer.

Named queue_handoff.py, not queue.py: this directory is the first entry of sys.path, and a queue.py
here would shadow the standard library's queue module, which gevent.queue imports.

``queue_handoff`` (JMH: ``ChannelPeers.queueHandoff_*``): greenlet A puts an item on queue 1
and takes one from queue 2, B takes from queue 1 and puts on queue 2, ROUND_TRIPS times each,
on two unbounded ``Queue()``s. Every ``get`` finds its queue empty (checked: the program counts
the gets that did not block and says so in the config), so every item is handed to a waiting
getter: ``put`` schedules the getter's wake-up, the putter goes on to its own ``get`` and blocks,
and the hub runs the getter. The score is ns per hand-off (two per round trip). Issue 13's goal:
Weft's ``Queue`` at least 10x gevent's rate.

``channel_buffered16`` (JMH: ``ChannelPeers.buffered16_*``, jox's buffered shape): A puts OPS
items on a ``Queue(16)``, B gets them; ns per item. gevent has no buffered channel: its bounded
``Queue`` is the buffered channel of a gevent program.

The main greenlet spawns A and B and joins both, as the Java driver strand does.
"""

import gevent
from gevent.queue import Queue

import weftbench

ROUND_TRIPS = 100_000
HANDOFFS = 2 * ROUND_TRIPS
OPS = 100_000
CAPACITY = 16


def get_counting(q, unblocked):
    """``q.get()``, adding 1 to ``unblocked[0]`` when an item was already there."""
    if q.qsize() > 0:
        unblocked[0] += 1
    return q.get()


def handoff():
    """One invocation of the hand-off; returns how many gets found an item waiting."""
    ping = Queue()
    pong = Queue()
    unblocked = [0]

    def a():
        for _ in range(ROUND_TRIPS):
            ping.put(1)
            get_counting(pong, unblocked)

    def b():
        for _ in range(ROUND_TRIPS):
            pong.put(get_counting(ping, unblocked))

    ga = gevent.spawn(a)
    gb = gevent.spawn(b)
    ga.join()
    gb.join()
    return unblocked[0]


def buffered():
    q = Queue(CAPACITY)

    def producer():
        for _ in range(OPS):
            q.put(1)

    def consumer():
        for _ in range(OPS):
            q.get()

    ga = gevent.spawn(producer)
    gb = gevent.spawn(consumer)
    ga.join()
    gb.join()


def main():
    s = weftbench.settings()
    env = weftbench.describe()

    unblocked = []
    samples = weftbench.timed(lambda: unblocked.append(handoff()), s.warmup, s.iterations)
    weftbench.emit("queue_handoff", "ns/op", [t * 1e9 / HANDOFFS for t in samples],
                   "two greenlets x %d round trips over two unbounded Queue()s (A: put on 1, get from 2; "
                   "B: get from 1, put on 2), per hand-off; %d of %d gets found an item waiting (max over "
                   "rounds); %s" % (ROUND_TRIPS, max(unblocked), HANDOFFS, env))

    samples = weftbench.timed(buffered, s.warmup, s.iterations)
    weftbench.emit("channel_buffered16", "ns/op", [t * 1e9 / OPS for t in samples],
                   "Queue(%d): one greenlet puts %d items, another gets them, per item; %s"
                   % (CAPACITY, OPS, env))


if __name__ == "__main__":
    main()
