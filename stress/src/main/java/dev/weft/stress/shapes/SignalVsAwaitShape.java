package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;

/**
 * The shape of {@code Lock_08_ConditionSignalVsAwait} (a termination test): a fiber of
 * {@code ActorCarrier} hub 0 takes a lock and awaits its condition until a flag is set; the
 * actor starts it and joins it; jcstress's signal sets the flag and signals under the lock. A
 * lost signal leaves the actor joining forever. One instance per sample.
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

    private final Subject condition;
    private boolean flag;
    private final Fiber<Void> waiter;

    public SignalVsAwaitShape(Subject condition) {
        this.condition = condition;
        this.waiter = ActorCarrier.unstarted(() -> {
            condition.lock();
            try {
                while (!flag) {
                    condition.await();
                }
            } finally {
                condition.unlock();
            }
        });
    }

    /** The actor: starts the waiter and joins it. */
    public void carrier() {
        ActorCarrier.start(waiter);
        while (!waiter.isDone()) {
            try {
                waiter.join();
            } catch (InterruptedException e) {
                // jcstress judges a hang by the clock; an interrupt must not end the wait
            }
        }
    }

    /** jcstress's signal: sets the flag and signals, under the lock. */
    public void signaller() {
        condition.lock();
        try {
            flag = true;
            condition.signal();
        } finally {
            condition.unlock();
        }
    }
}
