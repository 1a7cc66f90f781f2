"""Yield ping-pong: two greenlets on one hub each call ``gevent.sleep(0)`` ROUND_TRIPS times.

The JMH counterpart is ``PingPong.yield_*``: strands A and B each yield ROUND_TRIPS times, so one
round trip is each of them switched out and in once. ``gevent.sleep(0)`` is gevent's yield: it
puts the caller at the tail of the run queue and switches to the hub, which runs the other
greenlet (round-robin). The score is wall time / ROUND_TRIPS, in ns per round trip. The main
greenlet spawns A and B and joins both, as the Java driver strand does; that start and join are
spread over the round trips. (The park/unpark variant of the Java suite has no gevent row.)
"""

import gevent

import weftbench

ROUND_TRIPS = 100_000


def yield_loop():
    for _ in range(ROUND_TRIPS):
        gevent.sleep(0)


def one_invocation():
    a = gevent.spawn(yield_loop)
    b = gevent.spawn(yield_loop)
    a.join()
    b.join()


def main():
    s = weftbench.settings()
    samples = weftbench.timed(one_invocation, s.warmup, s.iterations)
    weftbench.emit("pingpong_yield", "ns/op", [t * 1e9 / ROUND_TRIPS for t in samples],
                   "two greenlets x %d gevent.sleep(0), per round trip; %s" % (ROUND_TRIPS, weftbench.describe()))


if __name__ == "__main__":
    main()
