"""1,000,000 greenlets parked, then all woken: wall time, and the peak memory it took.

The JMH counterpart is ``MillionParked`` (10^6 fibers parked then woken; time and peak heap).
Each greenlet waits on one shared ``gevent.event.Event`` (gevent's park); the main greenlet
yields until all are waiting, then sets the event, which wakes every waiter in wait order, and
joins them all. The time runs from the first ``spawn`` to the return of ``joinall``.

``million_parked_heap`` is the growth of the process's peak resident set (``ru_maxrss``) over
its resident set before the first spawn, in MB (10^6 bytes): CPython has no separate heap
figure, and a parked greenlet's memory is mostly its frames and its saved C stack slice. Each
round runs in a fresh child interpreter, so its peak is its own. ``--full`` runs one round (a
single-shot workload, like JMH's single-shot mode; no warm-up, which would only inflate the
peak of the measured process). ``--short`` measures nothing: on 2 CPUs one round took 9.4
minutes and 8.6 GB (spawning and parking ~1 min, ``set()`` waking them most of the rest), more
than the whole short run may take, so the report shows the row as not measured.
"""

import gc
import subprocess
import sys
import time

import weftbench

COUNT = 1_000_000


def parked(event, done):
    event.wait()
    done[0] += 1


def one_round(count):
    """In a child: prints "seconds peak-growth-bytes"."""
    import gevent
    from gevent.event import Event
    gevent.sleep(0)  # the hub and its loop exist before the first reading
    gc.collect()
    before = weftbench.rss_bytes()
    event = Event()
    done = [0]
    t0 = time.perf_counter()
    keep = [gevent.spawn(parked, event, done) for _ in range(count)]
    while event.linkcount() < count:
        gevent.sleep(0)
    event.set()
    gevent.joinall(keep)
    elapsed = time.perf_counter() - t0
    assert done[0] == count, done[0]
    print(elapsed, weftbench.peak_rss_bytes() - before)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        one_round(int(sys.argv[2]))
        return
    s = weftbench.settings()
    if s.mode == "short":
        print("million_parked: not measured in --short (one round takes about 10 minutes and 9 GB "
              "under gevent); run --full", file=sys.stderr)
        return
    rounds = 1
    times, peaks = [], []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, __file__, "--child", str(COUNT)],
                             check=True, capture_output=True, text=True).stdout.split()
        times.append(float(out[0]) * 1e3)
        peaks.append(float(out[1]) / 1e6)
    env = weftbench.describe()
    weftbench.emit("million_parked", "ms", times,
                   "%d greenlets in Event.wait(), then set(); time from the first spawn to joinall, "
                   "fresh interpreter per round, %d round(s); %s" % (COUNT, rounds, env))
    weftbench.emit("million_parked_heap", "MB", peaks,
                   "peak RSS growth (ru_maxrss minus RSS before the first spawn) of the same rounds, "
                   "MB = 10^6 B; %s" % env)


if __name__ == "__main__":
    main()
