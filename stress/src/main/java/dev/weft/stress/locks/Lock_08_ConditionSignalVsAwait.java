package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

import java.util.concurrent.locks.Condition;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: ReentrantLock + Condition, no lost signal. A waiter checks its predicate and awaits
 * under the lock; a signaller sets the predicate and signals under the lock. However they
 * interleave, the waiter must return: await releases the lock only once the waiter's node is
 * on the condition queue, so a signal cannot slip between the check and the wait.
 *
 * Interleaving: the actor starts a fiber on its hub (ActorCarrier hub 0, whose carrier runs
 * every segment of it: the lock's owner is the fiber, never a thread it moved from) that
 * locks, awaits until a flag is set, and unlocks; the actor then waits for the fiber to end. jcstress delivers the signal
 * from another platform thread: lock, set the flag, signal, unlock.
 *
 * Run: ./weft stress quick Lock_08
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The signal reached the waiter, or the waiter saw the flag first.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost signal: the waiter stayed in await although the flag was set and signalled.")
@Description("A Condition signal racing an await is never lost.")
@State
public class Lock_08_ConditionSignalVsAwait {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private boolean flag;
    private final Fiber<Void> waiter = ActorCarrier.unstarted(() -> {
        lock.lock();
        try {
            while (!flag) {
                ready.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    });

    @Actor
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

    @Signal
    public void signaller() {
        lock.lock();
        try {
            flag = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
    }
}
