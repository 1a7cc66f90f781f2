"""Spawn + join: a greenlet spawns BATCH greenlets that do nothing, then joins each; BATCHES batches.

The JMH counterpart is ``SpawnJoin.hub_inFiber_join`` (1,000 strands started, then each joined,
10 batches per invocation). Here the spawner is the main greenlet, which runs on the hub's
thread like any other greenlet. ``gevent.spawn`` schedules the greenlet to start on the hub's
next loop turn; ``join`` switches to the hub until it has run. The score is ns per task.
"""

import gevent

import weftbench

BATCH = 1_000
BATCHES = 10


def nothing():
    pass


def one_invocation():
    for _ in range(BATCHES):
        tasks = [gevent.spawn(nothing) for _ in range(BATCH)]
        for t in tasks:
            t.join()


def main():
    s = weftbench.settings()
    samples = weftbench.timed(one_invocation, s.warmup, s.iterations)
    weftbench.emit("spawn_join", "ns/op", [t * 1e9 / (BATCH * BATCHES) for t in samples],
                   "spawn %d no-op greenlets then join each, %d batches, per task; %s"
                   % (BATCH, BATCHES, weftbench.describe()))


if __name__ == "__main__":
    main()
