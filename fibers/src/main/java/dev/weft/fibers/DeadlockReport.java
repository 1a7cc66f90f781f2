package dev.weft.fibers;

import dev.weft.fibers.internal.io.PolledChannel;
import dev.weft.fibers.internal.jfr.DeadlockReportEvent;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * The deadlock check of a hub or a multi-carrier group (gevent's {@code LoopExit}) and its
 * report. A hub calls {@link #check} when it is about to sleep with live fibers but no timer, no
 * socket and nothing queued (a group: when all its carriers are so, and no patched fiber's timer
 * is armed); the check then decides whether each live fiber waits on something only a fiber of the
 * same scheduler can give, and if all do, reports: a WARNING to the {@code System.Logger}
 * {@code dev.weft}, or, on a strict scheduler, a {@link DeadlockDetected} thrown in every fiber
 * that runs an {@code invoke}; either way also a JFR event {@code dev.weft.DeadlockReport}.
 *
 * <p>What counts as a wake-up from outside, so not a deadlock: a patched fiber inside a JDK call
 * (not in a {@code Strand} park) or in a timed park; a fiber waiting for offloaded work (a
 * {@link CompletionStage}, as {@link dev.weft.fibers.io.Blocking} waits), for the JVM's shared
 * poller (a patched fiber's socket), for a fiber of another scheduler, or for a scheduler to
 * close. Any other blocker (a lock, a queue, an event, a fiber of the same scheduler, nothing
 * named) counts as stuck: a thread outside that would release it is invisible from here, which
 * is what the grace period is for.
 */
final class DeadlockReport {
    private static final System.Logger LOG = System.getLogger("dev.weft");
    private static volatile java.util.function.Consumer<? super String> handler = DeadlockReport::log;

    private DeadlockReport() {}

    /**
     * Checks the live fibers of {@code scheduler} (a hub, or a group whose carriers are all
     * quiet), on a carrier; reports if all are stuck.
     *
     * @return whether it reported
     */
    static boolean check(Scheduler scheduler, List<Fiber<?>> live, long quietMillis) {
        return check(scheduler, live, () -> FiberDump.ofAll(live), quietMillis);
    }

    /**
     * As {@link #check(Scheduler, List, long)}, with the fibers' snapshots taken by
     * {@code snapshots} once the fibers are found stuck (a group's carriers each take their own
     * fibers': a frozen stack is walked only by its own carrier).
     */
    static boolean check(Scheduler scheduler, List<Fiber<?>> live,
                         java.util.function.Supplier<List<FiberDump.FiberSnapshot>> snapshots, long quietMillis) {
        for (Fiber<?> f : live) {
            if (!waitsOnItsOwnScheduler(f)) {
                return false;
            }
        }
        boolean strict = scheduler.strictAboutDeadlocks();
        boolean throwing = strict && live.stream().anyMatch(scheduler::isInvoked);
        String report = report(scheduler, snapshots.get(), quietMillis, strict, throwing);
        if (jdk.jfr.FlightRecorder.isInitialized()) { // else touching an event class loads all of JFR (>100 ms)
            DeadlockReportEvent event = new DeadlockReportEvent();
            if (event.shouldCommit()) {
                event.scheduler = scheduler.toString();
                event.fibers = live.size();
                event.report = report;
                event.commit();
            }
        }
        if (throwing) {
            for (Fiber<?> f : live) {
                if (scheduler.isInvoked(f)) {
                    f.kill(new DeadlockDetected(report));
                }
            }
        } else {
            try {
                handler.accept(report);
            } catch (Throwable broken) {
                log(report); // a broken handler must not hide the report, nor stop the carrier
            }
        }
        return true;
    }

    static void installHandler(java.util.function.Consumer<? super String> h) {
        handler = java.util.Objects.requireNonNull(h, "handler");
    }

    private static void log(String report) {
        LOG.log(System.Logger.Level.WARNING, report);
    }

    /** Whether {@code f}, a live fiber of a quiet hub, can only be woken by a fiber of its own scheduler. */
    private static boolean waitsOnItsOwnScheduler(Fiber<?> f) {
        if (f instanceof ContinuationFiber<?> c) {
            if (c.runState() != ContinuationFiber.PARKED) {
                return false;
            }
        } else if (!f.inStrandPark() || f.inTimedPark()) {
            return false;
        }
        Object b = f.parkBlocker();
        return !(b instanceof CompletionStage<?> || b instanceof PolledChannel || b instanceof Scheduler
                || (b instanceof Fiber<?> joined && joined.scheduler() != f.scheduler()));
    }

    static String report(Scheduler s, List<FiberDump.FiberSnapshot> fibers, long quietMillis, boolean strict,
                         boolean throwing) {
        StringBuilder b = new StringBuilder()
                .append("Weft deadlock on ").append(s).append(": all ").append(fibers.size())
                .append(fibers.size() == 1 ? " fiber is" : " fibers are")
                .append(" parked with no timer armed, no socket registered, no work offloaded and no patched fiber "
                        + "inside a JDK call, so none can run again unless a thread outside wakes one. ")
                .append(throwing ? "Thrown by invoke() at once (Scheduler.strictDeadlocks)."
                        : strict ? "Strict mode, but no invoke() is running to throw it to: logged."
                        : String.format(Locale.ROOT, "Quiet for %,d ms: logged once per episode after the grace period "
                        + "(Scheduler.deadlockGrace); Scheduler.strictDeadlocks(true) makes invoke() throw it at once.",
                        quietMillis))
                .append(System.lineSeparator());
        for (FiberDump.FiberSnapshot f : fibers) {
            FiberDump.appendFiber(b, f, "  ");
        }
        return b.toString();
    }
}
