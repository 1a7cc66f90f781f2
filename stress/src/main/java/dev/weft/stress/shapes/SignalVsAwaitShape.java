package dev.weft.stress.shapes;

import dev.weft.fibers.Fiber;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.HangBudget;
import org.openjdk.jcstress.infra.results.I_Result;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Lock_08_ConditionSignalVsAwait}: a fiber of {@code ActorCarrier} hub 0
 * raises a flag, takes a lock and awaits its condition until a predicate is set; one actor
 * starts it, the other waits for its flag, then 0 to 3 µs (varying per sample, in steps of
 * 200 ns), and sets the predicate and signals under the lock. The delays sweep the signal across
 * the waiter's lock, its check of the predicate, its queueing on the condition, the release of
 * the lock and its park. The arbiter waits at most two seconds for the waiter to return.
 *
 * <p>A lost signal is an outcome here, never a hung jcstress fork (jcstress's termination mode
 * waits 30 s for each hang): the waiter it leaves parked cannot be freed, so after one hang in a
 * VM the shape stops ({@link HangBudget}) and each later sample reports "not run" (forbidden
 * too). One instance per sample.
 */
public final class SignalVsAwaitShape {
    /** A lock and one of its conditions: Weft's, or a twin's copy. */
    public interface Subject {
        void lock();

        void unlock();

        /** Awaits the condition, uninterruptibly; the lock is held before and after. */
        void await();

        void signal();
    }

    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final HangBudget HANGS = new HangBudget();
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long signalDelayNanos = (SAMPLES.incrementAndGet() & 15) * 200L;
    private final Subject condition;
    private final boolean run = !HANGS.spent();
    private volatile boolean started;
    /** The predicate: guarded by the lock. */
    private boolean set;
    private final Fiber<Void> waiter;

    public SignalVsAwaitShape(Subject condition) {
        this.condition = condition;
        this.waiter = ActorCarrier.unstarted(() -> {
            started = true;
            condition.lock();
            try {
                while (!set) {
                    condition.await();
                }
            } finally {
                condition.unlock();
            }
        });
    }

    /** Actor 1: starts the waiter on its hub. */
    public void awaiter() {
        if (run) {
            ActorCarrier.start(waiter);
        }
    }

    /** Actor 2: once the waiter started, sets the predicate and signals, under the lock. */
    public void signaller() {
        if (!run || !ActorCarrier.awaitFlag(() -> started)) {
            return;
        }
        for (long end = System.nanoTime() + signalDelayNanos; System.nanoTime() - end < 0; ) {
            Thread.onSpinWait();
        }
        condition.lock();
        try {
            set = true;
            condition.signal();
        } finally {
            condition.unlock();
        }
    }

    /** Arbiter: 1 the waiter returned; -1 it stayed in await (a lost signal); -2 not run. */
    public void outcome(I_Result r) {
        if (!run) {
            r.r1 = -2;
            return;
        }
        try {
            if (waiter.join(Duration.ofNanos(BOUND_NANOS))) {
                r.r1 = 1;
            } else {
                HANGS.hung();
                r.r1 = -1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.r1 = -3;
        }
    }
}
