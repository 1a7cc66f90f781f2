package dev.weft.fibers;

import dev.weft.fibers.internal.Durations;
import dev.weft.fibers.internal.jfr.BlockedCarrierEvent;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The blocked-carrier monitor (gevent's monitor thread): one daemon thread for the JVM, started
 * with the first scheduler, that notices a carrier which has run one task longer than its
 * scheduler's threshold without switching, and reports that episode once.
 *
 * <h2>How it sees a blocked carrier, and what that costs the carrier</h2>
 * A carrier pays two opaque stores per task it runs (the task, and its switch counter, see
 * {@link Hub}), nothing else: no clock read, no fence. Every quarter threshold the watchdog reads
 * each carrier's counter: a carrier that is busy (not asleep for want of work), runs a task, and
 * shows the same count as at the watchdog's earlier look has been running that one task at least
 * since then. Once that lasts the threshold, the watchdog takes the carrier thread's stack, checks
 * that the count still has not moved (else the episode ended meanwhile and the stack would belong
 * to another task), and reports. So a report comes between one and one and a quarter thresholds
 * after the task began (up to two if every carrier slept at the look before, when the watchdog
 * looks only once a threshold), and says "at least" how long.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>One report per episode (a run of one task without a switch); a new episode needs a switch.</li>
 *   <li>The log line of a fiber's repeated episode is rate-limited: after a fiber was logged, its
 *       episodes in the next {@link #repeatWindowNanos} are counted, and the next line logged for
 *       it says how many were held back. The JFR event ({@code dev.weft.BlockedCarrier}) is
 *       committed for every episode.</li>
 *   <li>The watchdog holds no scheduler between two looks (it walks {@link Scheduler#forEachLive}
 *       each time) and the fibers it rate-limits only weakly: a closed scheduler and an ended
 *       fiber stay collectable. It is a daemon: it never keeps the JVM alive.</li>
 *   <li>A look that comes a whole threshold after the previous one (the watchdog itself was
 *       held up: a GC pause, an overloaded machine) restarts that scheduler's measurements
 *       instead of blaming its carriers for the delay: the carrier may have been stopped too.
 *       Shorter delays, frequent on a loaded machine, do not: the report would never come.</li>
 * </ol>
 * A carrier that the OS does not schedule for a threshold's time while it runs a fiber looks
 * blocked too: on an overloaded machine, raise the threshold.
 */
final class CarrierWatchdog {
    /** System property: the default threshold (see {@link Scheduler#blockedCarrierThreshold}). */
    static final String THRESHOLD_PROPERTY = "dev.weft.blockedCarrierThreshold";

    private static final System.Logger LOG = System.getLogger("dev.weft");

    /** After a fiber's episode was logged, its further episodes are only counted for this long. */
    static volatile long repeatWindowNanos = TimeUnit.SECONDS.toNanos(30);
    /** Where reports go; the default logs them. Tests replace it. */
    private static volatile Consumer<? super BlockedCarrier> reporter = CarrierWatchdog::log;

    private static Thread thread; // guarded by CarrierWatchdog.class
    /**
     * The smallest threshold of the schedulers the watchdog saw at its last count, so it looks
     * at least that often; 0 while it sleeps without a deadline (nothing watched). Guarded by
     * CarrierWatchdog.class, under which the watchdog counts the live schedulers.
     */
    private static long watchedThreshold;

    /*
     * Progress, for tests that must know the watchdog looked (rather than sleep and hope).
     * Written by the watchdog thread only.
     */
    /** Looks at the live schedulers so far. */
    static volatile long looks;
    /** Episodes seen so far (logged or held back by the rate limit). */
    static volatile long episodes;

    private CarrierWatchdog() {}

    /** The threshold a new scheduler starts with, from {@value #THRESHOLD_PROPERTY} (default 100 ms). */
    static long defaultThresholdNanos() {
        return Durations.parseNanos(THRESHOLD_PROPERTY, "100");
    }

    /**
     * A scheduler's carriers run, watched with {@code thresholdNanos} (0: not watched): start the
     * watchdog if it is not running, and wake it if it would otherwise look at the new scheduler
     * later than that threshold. A watchdog that already looks at least that often is left
     * asleep: waking it costs a context switch on every {@code new Hub()}.
     */
    static void schedulerStarted(long thresholdNanos) {
        Thread t;
        synchronized (CarrierWatchdog.class) {
            t = thread;
            if (t == null) {
                thread = t = Thread.ofPlatform().name("weft-watchdog").daemon().unstarted(CarrierWatchdog::watch);
                t.start();
                return;
            }
            // NOTE: the scheduler was added to the live set before this block; the watchdog counts
            // that set under this monitor, so either it counted the new one or we see its old count
            if (thresholdNanos == 0 || watchedThreshold != 0 && thresholdNanos >= watchedThreshold) {
                return;
            }
        }
        LockSupport.unpark(t);
    }

    /** A threshold changed: the watchdog recomputes how often it looks. */
    static void thresholdChanged() {
        Thread t;
        synchronized (CarrierWatchdog.class) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The watchdog thread, or {@code null} before the first scheduler. */
    static synchronized Thread thread() {
        return thread;
    }

    /** Replaces where reports go (tests); returns the reporter it replaced. */
    static Consumer<? super BlockedCarrier> installReporter(Consumer<? super BlockedCarrier> r) {
        Consumer<? super BlockedCarrier> old = reporter;
        reporter = Objects.requireNonNull(r, "reporter");
        return old;
    }

    /** The watchdog's notes on one carrier. Only the watchdog thread touches them. */
    static final class Watch {
        /** The carrier's switch count at the watchdog's last look. */
        long switches = -1;
        /** When the watchdog first saw that count: the task has run at least since then. */
        long since;
        /** Whether this episode was reported. */
        boolean reported;
    }

    /** A fiber's log lines held back by the rate limit. Holds no reference to the fiber (a weak key). */
    private static final class Repeats {
        long loggedAt;
        int heldBack;
    }

    // ---- the watchdog thread

    /** Fibers whose episode was logged recently; weak keys (fibers compare by identity). Watchdog thread only. */
    private static final Map<Fiber<?>, Repeats> REPEATS = new WeakHashMap<>();

    /** Whether the last look found a watched carrier busy. Watchdog thread only. */
    private static boolean sawBusy;

    private static void watch() {
        long lastLook = System.nanoTime();
        for (;;) {
            long threshold;
            synchronized (CarrierWatchdog.class) {
                watchedThreshold = threshold = smallestThreshold();
            }
            if (threshold == 0) {
                // NOTE: no look keeps the carriers' clocks fresh now: parks read the time themselves
                Scheduler.forEachLive(s -> s.forEachCarrier(h -> h.waitClock = 0));
                LockSupport.park(); // nothing is watched: a new scheduler or threshold unparks us
                lastLook = System.nanoTime();
                continue;
            }
            // every quarter threshold while a carrier works; every threshold while all sleep, so
            // that an idle JVM wakes us 10 times a second, not 40 (a block that starts then is
            // reported within two thresholds instead of one and a quarter)
            long asked = sawBusy ? Math.max(threshold / 4, TimeUnit.MILLISECONDS.toNanos(1)) : threshold;
            LockSupport.parkNanos(asked);
            long now = System.nanoTime();
            long overdue = now - lastLook - asked;
            lastLook = now;
            sawBusy = false;
            Scheduler.forEachLive(s -> {
                long t = s.blockedCarrierThresholdNanos();
                // NOTE: we were held up a whole threshold: a carrier's unchanged count proves nothing
                boolean late = overdue >= t;
                s.forEachCarrier(h -> look(s, h, t, now, late));
            });
            looks++; // NOTE: the watchdog is its only writer
        }
    }

    /** The smallest threshold of a live scheduler; 0 if none is watched. */
    private static long smallestThreshold() {
        long[] min = {Long.MAX_VALUE};
        Scheduler.forEachLive(s -> {
            long t = s.blockedCarrierThresholdNanos();
            if (t > 0 && t < min[0]) {
                min[0] = t;
            }
        });
        return min[0] == Long.MAX_VALUE ? 0 : min[0];
    }

    private static void look(Scheduler s, Hub h, long threshold, long now, boolean late) {
        h.waitClock = threshold == 0 ? 0 : Fiber.waitClockAt(now); // the clock its parks are stamped with
        Watch w = h.watch;
        long switches = h.switchCount();
        Object task = h.mountedTask();
        if (threshold != 0 && h.carrierBusy()) {
            sawBusy = true;
        }
        if (threshold == 0 || task == null || !h.carrierBusy() || switches != w.switches) {
            w.switches = switches; // a new episode (or none) begins
            w.since = now;
            w.reported = false;
            return;
        }
        if (late && !w.reported) {
            w.since = now; // the same task, but the time since our last look proves nothing
            return;
        }
        if (w.reported || now - w.since < threshold) {
            return;
        }
        w.reported = true;
        Thread.State state = h.carrier().getState();
        StackTraceElement[] stack = h.carrier().getStackTrace();
        if (h.switchCount() != switches) {
            return; // it switched while we took the stack: the stack may be another task's
        }
        episode(s, h, task, now - w.since, state, withoutCarrierFrames(stack), now);
    }

    /**
     * The stack without the frames that run every fiber's body on a carrier (the hub's loop, the
     * continuation, {@code Fiber.body}), which say nothing about this one; as it is if it has none.
     */
    static StackTraceElement[] withoutCarrierFrames(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (stack[i].getClassName().equals(Fiber.class.getName()) && stack[i].getMethodName().equals("body")) {
                int end = i;
                while (end > 0 && stack[end - 1].getClassName().equals(Fiber.class.getName())) {
                    end--; // Fiber.runRunnable: still the machinery
                }
                return Arrays.copyOf(stack, end);
            }
        }
        return stack;
    }

    /** What a task that is not a plain fiber is: mostly a turn of a patched fiber's virtual thread. */
    private static String describeTask(Object task) {
        // a turn is the JDK's VirtualThread::runContinuation, a lambda class nested in java.lang.VirtualThread
        return task.getClass().getName().startsWith("java.lang.VirtualThread")
                ? "of a patched fiber's virtual thread (monkey mode: the JDK hides its frames from the carrier's stack)"
                : String.valueOf(task);
    }

    private static void episode(Scheduler s, Hub h, Object task, long blocked, Thread.State state,
                                StackTraceElement[] stack, long now) {
        Fiber<?> fiber = task instanceof Fiber<?> f ? f : null;
        int heldBack = 0;
        boolean logged = true;
        if (fiber != null) {
            Repeats r = REPEATS.get(fiber);
            if (r != null && now - r.loggedAt < repeatWindowNanos) {
                r.heldBack++;
                logged = false;
            } else {
                if (r == null) {
                    REPEATS.put(fiber, r = new Repeats());
                }
                heldBack = r.heldBack;
                r.heldBack = 0;
                r.loggedAt = now;
            }
        }
        BlockedCarrier report = new BlockedCarrier(h.carrier(), s, fiber, fiber != null ? null : describeTask(task),
                blocked, state, stack, heldBack);
        if (FlightEvents.recorderOn()) {
            record(report, logged);
        }
        if (logged) {
            try {
                reporter.accept(report);
            } catch (Throwable t) {
                // a broken reporter must not stop the watchdog: the next episodes are still reported
            }
        }
        episodes++; // NOTE: after the report, so a test that saw the count sees the report; the watchdog is its only writer
    }

    /** Commits the episode's JFR event. Only once the recorder is initialized (see {@link FlightEvents}). */
    private static void record(BlockedCarrier report, boolean logged) {
        BlockedCarrierEvent e = new BlockedCarrierEvent();
        if (e.shouldCommit()) {
            e.carrier = report.carrier();
            e.scheduler = String.valueOf(report.scheduler());
            e.fiber = report.fiberName();
            e.blockedFor = report.blockedNanos();
            e.stack = report.stackText();
            e.logged = logged;
            e.commit();
        }
    }

    private static void log(BlockedCarrier report) {
        LOG.log(System.Logger.Level.WARNING, report.toString());
    }

    /**
     * One episode of a blocked carrier, as the watchdog saw it.
     *
     * @param carrier   the carrier thread
     * @param scheduler its scheduler
     * @param fiber     the fiber it ran, or {@code null} when the task was not a plain fiber
     * @param task      then, what the task was; else {@code null}
     * @param blockedNanos how long it had run that task without switching, at least
     * @param state     the carrier thread's state when the watchdog looked ({@code BLOCKED}: entering a monitor)
     * @param stack     the carrier thread's stack
     * @param heldBack  this fiber's earlier episodes whose log line the rate limit held back
     */
    record BlockedCarrier(Thread carrier, Scheduler scheduler, Fiber<?> fiber, String task, long blockedNanos,
                          Thread.State state, StackTraceElement[] stack, int heldBack) {

        String fiberName() {
            return fiber != null ? fiber.name() : "task " + task;
        }

        String stackText() {
            StringBuilder b = new StringBuilder();
            for (StackTraceElement e : stack) {
                b.append("\tat ").append(e).append(System.lineSeparator());
            }
            return b.toString();
        }

        @Override
        public String toString() {
            String nl = System.lineSeparator();
            StringBuilder b = new StringBuilder()
                    .append("Carrier ").append(carrier.getName()).append(" of ").append(scheduler)
                    .append(" has run ").append(fiber != null ? fiber.toString() : "the task " + task)
                    .append(" for at least ").append(TimeUnit.NANOSECONDS.toMillis(blockedNanos))
                    .append(" ms without switching; every other fiber of this carrier waits meanwhile.");
            if (heldBack > 0) {
                b.append(" (").append(heldBack).append(" earlier episode(s) of this fiber were not logged)");
            }
            b.append(nl).append("A fiber must not block its carrier (Thread.sleep, a java.util.concurrent lock or "
                    + "queue, blocking I/O, a long computation): use Fiber.sleep, Weft's locks and sockets, "
                    + "Blocking.run, or monkey mode.");
            if (state == Thread.State.BLOCKED) {
                // the JVM names no owner for a monitor a suspended continuation holds: the hint is all we can give cheaply
                b.append(nl).append("The carrier waits to enter a monitor (synchronized): if a suspended fiber of "
                        + "this carrier holds it (a synchronized block around Fiber.sleep, a park, a join, a Weft "
                        + "lock), this carrier is deadlocked, since that fiber can never run to leave it. Hold no "
                        + "monitor across a suspension; use Weft's ReentrantLock.");
            } else if (fiber instanceof ContinuationFiber<?> cf && cf.runState() == ContinuationFiber.PINNED) {
                b.append(nl).append("The fiber is pinned (it could not suspend, see PinnedYield) and parks its "
                        + "carrier thread.");
            }
            return b.append(nl).append("The fiber's frames on the carrier:").append(nl).append(stackText().stripTrailing()).toString();
        }
    }
}
