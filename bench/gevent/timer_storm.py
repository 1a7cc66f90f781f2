"""Timer storm: 10,000 greenlets each call ``gevent.sleep(0.001)`` 10 times; wall time of the whole.

The JMH counterpart is ``TimerStorm`` (10,000 fibers x 10 x ``sleep(1 ms)``, wall time). The
ideal is 10 ms (10 sleeps of 1 ms, all greenlets sleeping at once). The time runs from the
first ``spawn`` to the return of ``joinall``; each greenlet's sleep is a libev timer.
"""

import gevent

import weftbench

TASKS = 10_000
SLEEPS = 10
SLEEP_S = 0.001


def sleeper():
    for _ in range(SLEEPS):
        gevent.sleep(SLEEP_S)


def storm():
    gevent.joinall([gevent.spawn(sleeper) for _ in range(TASKS)])


def main():
    s = weftbench.settings()
    samples = weftbench.timed(storm, s.warmup, s.iterations)
    weftbench.emit("timer_storm", "ms", [t * 1e3 for t in samples],
                   "%d greenlets x %d x gevent.sleep(%g), wall time from the first spawn to joinall; %s"
                   % (TASKS, SLEEPS, SLEEP_S, weftbench.describe()))


if __name__ == "__main__":
    main()
