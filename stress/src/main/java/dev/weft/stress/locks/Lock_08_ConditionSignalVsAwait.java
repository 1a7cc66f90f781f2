package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.locks.ReentrantLock;
import dev.weft.stress.shapes.SignalVsAwaitShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import java.util.concurrent.locks.Condition;

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
    private final SignalVsAwaitShape shape = new SignalVsAwaitShape(new WeftCondition());

    @Actor
    public void carrier() {
        shape.carrier();
    }

    @Signal
    public void signaller() {
        shape.signaller();
    }

    /** The shape's subject: Weft's ReentrantLock and one of its conditions. */
    static final class WeftCondition implements SignalVsAwaitShape.Subject {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition ready = lock.newCondition();

        @Override
        public void lock() {
            lock.lock();
        }

        @Override
        public void unlock() {
            lock.unlock();
        }

        @Override
        public void await() {
            ready.awaitUninterruptibly();
        }

        @Override
        public void signal() {
            ready.signal();
        }
    }
}
