"""gevent.lock.Semaphore: uncontended acquire+release, and the hand-off between two greenlets.

``semaphore_uncontended`` (JMH: ``SemaphoreBench.uncontended_*``): the main greenlet calls
``acquire(); release()`` OPS times on a ``Semaphore(1)`` of its own; ns per pair. The Python
``for`` loop around the pair is included (JMH's harness loop is not, and costs about 1 ns).

``semaphore_handoff`` (JMH: ``SemaphoreBench.handoff_*``): two greenlets on one hub contend for
one permit, ROUNDS rounds each; both are queued in ``acquire`` before the first permit is
released. In the Java loop (``acquire(); release()``) every release hands the permit to the
parked waiter. gevent's Semaphore has no hand-off: ``release`` only schedules the waiter's
wake-up, and a greenlet that re-acquires before it blocks takes the permit again (barging), so
the same loop under gevent blocks almost never (the program counts it and says so in the
config). To measure a real hand-off, each greenlet here yields twice per round:
``acquire(); sleep(0); release(); sleep(0)``: the other greenlet is then queued in ``acquire``
when the permit is released, and every acquire blocks (checked). The score is ns per hand-off
and includes those two ``gevent.sleep(0)`` calls: gevent cannot do the Java workload without them.
"""

import gevent
from gevent.lock import Semaphore

import weftbench

OPS = 1_000_000
ROUNDS = 10_000
HANDOFFS = 2 * ROUNDS


def uncontended():
    sem = Semaphore(1)
    for _ in range(OPS):
        sem.acquire()
        sem.release()


def acquire_counting(sem, blocked):
    """``sem.acquire()``, adding 1 to ``blocked[0]`` when the permit was not free."""
    if not sem.acquire(blocking=False):
        blocked[0] += 1
        sem.acquire()


def java_loop(sem, blocked):
    for _ in range(ROUNDS):
        acquire_counting(sem, blocked)
        sem.release()


def handoff_loop(sem, blocked):
    for _ in range(ROUNDS):
        acquire_counting(sem, blocked)
        gevent.sleep(0)
        sem.release()
        gevent.sleep(0)


def two_greenlets(loop):
    """Runs ``loop`` in two greenlets queued on one semaphore; returns how many acquires blocked."""
    sem = Semaphore(0)
    blocked = [0]
    a = gevent.spawn(loop, sem, blocked)
    b = gevent.spawn(loop, sem, blocked)
    while sem.linkcount() < 2:
        gevent.sleep(0)  # a and b run up to their first acquire and queue
    blocked[0] = 0
    sem.release()
    a.join()
    b.join()
    return blocked[0]


def main():
    s = weftbench.settings()
    env = weftbench.describe()

    samples = weftbench.timed(uncontended, s.warmup, s.iterations)
    weftbench.emit("semaphore_uncontended", "ns/op", [t * 1e9 / OPS for t in samples],
                   "Semaphore(1), %d x acquire(); release() in a Python loop, per pair; %s" % (OPS, env))

    java_blocked = two_greenlets(java_loop)
    handoff_blocked = []
    samples = weftbench.timed(lambda: handoff_blocked.append(two_greenlets(handoff_loop)), s.warmup, s.iterations)
    weftbench.emit("semaphore_handoff", "ns/op", [t * 1e9 / HANDOFFS for t in samples],
                   "two greenlets x %d rounds of acquire(); sleep(0); release(); sleep(0) on one Semaphore, "
                   "per hand-off, the two sleep(0) included; %d of %d acquires blocked (min over rounds). "
                   "The Java loop acquire(); release() without the yields blocked %d of %d times "
                   "(gevent lets the releaser barge); %s"
                   % (ROUNDS, min(handoff_blocked), HANDOFFS, java_blocked, HANDOFFS, env))


if __name__ == "__main__":
    main()
