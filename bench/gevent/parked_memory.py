"""Memory per parked greenlet, with a shallow stack and with 50 extra frames.

The JMH-side counterpart is ``ParkedMemory`` (``weft-hub`` variant): COUNT strands parked at
once, the memory they retain divided by COUNT. Here each greenlet calls ``depth`` extra frames
of a recursive Python function, then waits on one shared ``gevent.event.Event`` (gevent's
park: the greenlet switches to the hub and stays referenced only by the event's waiter list and
by ``keep``). The main greenlet yields until every greenlet has reached its wait.

Measured as the growth of the resident set (``/proc/self/statm``) while COUNT greenlets are
parked, after ``gc.collect()`` before and after, divided by COUNT. RSS is what a gevent
greenlet costs the machine: its Python objects and frames, and the copy of its slice of the C
stack that greenlet keeps on the C heap while it is switched out (the part ``tracemalloc`` may
not see: it counted about half as much here, missing the frames). Each round runs in a fresh child interpreter, since CPython and glibc keep freed
memory for reuse and a second round in the same process would read low.
"""

import gc
import subprocess
import sys

import weftbench

COUNT = {"short": 20_000, "full": 100_000}
DEPTHS = (("parked_memory_shallow", 0), ("parked_memory_50", 50))


def park_at(depth, event):
    if depth > 0:
        park_at(depth - 1, event)
    else:
        event.wait()


def one_round(count, depth):
    """In a child: spawn ``count`` greenlets parked at ``depth``; print RSS growth per greenlet."""
    import gevent
    from gevent.event import Event
    gevent.sleep(0)  # the hub and its loop exist before the first reading
    event = Event()
    gc.collect()
    before = weftbench.rss_bytes()
    keep = [gevent.spawn(park_at, depth, event) for _ in range(count)]
    while event.linkcount() < count:
        gevent.sleep(0)
    gc.collect()
    after = weftbench.rss_bytes()
    event.set()
    gevent.joinall(keep)
    print((after - before) / count)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        one_round(int(sys.argv[2]), int(sys.argv[3]))
        return
    s = weftbench.settings()
    count = COUNT[s.mode]
    reps = min(s.iterations, 3) if s.mode == "short" else s.iterations
    for workload, depth in DEPTHS:
        samples = []
        for r in range(-1, reps):  # one unreported warm-up round, as ParkedMemory does
            out = subprocess.run([sys.executable, __file__, "--child", str(count), str(depth)],
                                 check=True, capture_output=True, text=True).stdout
            if r >= 0:
                samples.append(float(out.strip()))
        weftbench.emit(workload, "B", samples,
                       "RSS growth per greenlet, %d greenlets parked in Event.wait() at %d extra Python frames, "
                       "fresh interpreter per round; %s" % (count, depth, weftbench.describe()))


if __name__ == "__main__":
    main()
