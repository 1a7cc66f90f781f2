"""gevent.queue.Channel (rendezvous): one-way transfer and ping-pong between two greenlets.

``channel_rendezvous`` (JMH: ``ChannelPeers.rendezvous_*``, jox's rendezvous shape): greenlet A
puts OPS items on a ``Channel()``, B gets them; ns per item. A ``put`` returns only after a getter
took the item, so every item costs a switch each way.

``channel_rendezvous_pingpong`` (JMH: ``ChannelBench.rendezvous_hub``): A puts on channel 1 and
gets from channel 2, B gets from channel 1 and puts on channel 2, ROUND_TRIPS times each; ns per
round trip (two items). Issue 13's goal for Weft is against its own yield round trip; gevent's
is shown beside it (``pingpong_yield.py`` has gevent's yield round trip).

The main greenlet spawns A and B and joins both, as the Java driver strand does.
"""

import gevent
from gevent.queue import Channel

import weftbench

OPS = 100_000
ROUND_TRIPS = 100_000


def one_way():
    ch = Channel()

    def sender():
        for _ in range(OPS):
            ch.put(1)

    def receiver():
        for _ in range(OPS):
            ch.get()

    ga = gevent.spawn(sender)
    gb = gevent.spawn(receiver)
    ga.join()
    gb.join()


def ping_pong():
    ping = Channel()
    pong = Channel()

    def a():
        for _ in range(ROUND_TRIPS):
            ping.put(1)
            pong.get()

    def b():
        for _ in range(ROUND_TRIPS):
            pong.put(ping.get())

    ga = gevent.spawn(a)
    gb = gevent.spawn(b)
    ga.join()
    gb.join()


def main():
    s = weftbench.settings()
    env = weftbench.describe()

    samples = weftbench.timed(one_way, s.warmup, s.iterations)
    weftbench.emit("channel_rendezvous", "ns/op", [t * 1e9 / OPS for t in samples],
                   "Channel(): one greenlet puts %d items, another gets them, per item; %s" % (OPS, env))

    samples = weftbench.timed(ping_pong, s.warmup, s.iterations)
    weftbench.emit("channel_rendezvous_pingpong", "ns/op", [t * 1e9 / ROUND_TRIPS for t in samples],
                   "two Channel()s, two greenlets x %d round trips (put on one, get from the other), "
                   "per round trip; %s" % (ROUND_TRIPS, env))


if __name__ == "__main__":
    main()
