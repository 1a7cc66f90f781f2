"""The shared harness of the gevent side of Weft's comparison suite (issue 5 section 2).

Every program in bench/gevent/ measures one workload of the JMH suite under gevent and prints
one JSON line per measurement to stdout (anything else goes to stderr), so that
``dev.weft.bench.report.Report`` can put it beside the Java figures:

    {"workload": "spawn_join", "peer": "gevent", "unit": "ns/op", "median": 15512.3,
     "error": 812.0, "samples": [...], "config": "free text: how gevent was driven"}

The API, for the programs here and for echo.py:

``settings()``
    Parses ``--short`` (the default) or ``--full`` from ``sys.argv`` and returns a
    ``Settings(mode, warmup, iterations)``: how many unreported warm-up rounds and measured
    rounds to run. ``short`` keeps a program to a few seconds; ``full`` repeats more.
``timed(body, warmup, iterations)``
    Calls ``body()`` ``warmup`` times unmeasured, then ``iterations`` times measured, each
    after a ``gc.collect()``; returns the wall time of each measured call in seconds
    (``time.perf_counter``). The collector stays enabled during a call, as in the JVM.
``emit(workload, unit, samples, config)``
    Prints one JSON line: ``median`` of ``samples`` and ``error``, the largest distance from
    the median to a sample (so ``median +- error`` covers every sample; with few samples this
    is more honest than a confidence interval).
``rss_bytes()`` / ``peak_rss_bytes()``
    The process's resident set now (``/proc/self/statm``) and its peak (``ru_maxrss``).

Python 3.11+ and gevent (Debian: ``apt-get install -y python3-gevent``; run with
``/usr/bin/python3``). The programs never monkey-patch: they use gevent's API directly.
"""

import gc
import json
import os
import resource
import statistics
import sys
import time
from collections import namedtuple

Settings = namedtuple("Settings", "mode warmup iterations")

SHORT = Settings("short", warmup=2, iterations=5)
FULL = Settings("full", warmup=5, iterations=15)


def settings(argv=None):
    """``--short`` (default) or ``--full`` from the command line."""
    args = sys.argv[1:] if argv is None else argv
    for a in args:
        if a not in ("--short", "--full"):
            raise SystemExit("usage: %s [--short|--full]" % os.path.basename(sys.argv[0]))
    return FULL if "--full" in args else SHORT


def timed(body, warmup, iterations):
    """Wall seconds of each measured call of ``body`` (after ``warmup`` unmeasured calls)."""
    for _ in range(warmup):
        gc.collect()
        body()
    samples = []
    for _ in range(iterations):
        gc.collect()
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    return samples


def median(samples):
    return statistics.median(samples)


def error(samples):
    """The largest distance from the median to a sample."""
    m = median(samples)
    return max(abs(s - m) for s in samples)


def emit(workload, unit, samples, config):
    """Prints one measurement as a JSON line (the protocol read by the report)."""
    line = {
        "workload": workload,
        "peer": "gevent",
        "unit": unit,
        "median": median(samples),
        "error": error(samples),
        "samples": list(samples),
        "config": config,
    }
    print(json.dumps(line), flush=True)


def describe():
    """The interpreter and gevent versions, for the config text."""
    import gevent
    import greenlet
    return "CPython %s, gevent %s, greenlet %s, loop %s" % (
        sys.version.split()[0], gevent.__version__, greenlet.__version__,
        type(gevent.get_hub().loop).__module__.split(".")[-1])


def rss_bytes():
    """Resident set size now."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes():
    """Peak resident set size of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
