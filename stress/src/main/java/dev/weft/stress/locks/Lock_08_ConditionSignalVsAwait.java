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
 * Interleaving: one actor starts a fiber on its hub (ActorCarrier hub 0, whose carrier runs
 * every segment of it: the lock's owner is the fiber, never a thread it moved from) that
 * raises a flag, locks, awaits until a predicate is set, and unlocks. The other actor, a
 * platform thread, waits for the flag, then 0 to 3 µs (varying per sample), and locks, sets the
 * predicate, signals and unlocks: the signal meets the waiter before, during or after its
 * await. The arbiter waits at most 2 s for the fiber to end; a wait that runs out is the
 * outcome -1 (a hang, not a hung fork: see SignalVsAwaitShape). Shape:
 * dev.weft.stress.shapes.SignalVsAwaitShape; its twin: Twin_Lock_08_SignalWithoutTransfer.
 *
 * Run: ./weft stress quick Lock_08
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The signal reached the waiter, or the waiter saw the predicate first.")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "Lost signal: the waiter stayed in await although the predicate was set and signalled.")
@Outcome(id = "-2", expect = FORBIDDEN, desc = "Not run: an earlier sample of this VM lost a signal.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Something else went wrong.")
@Description("A Condition signal racing an await is never lost.")
@State
public class Lock_08_ConditionSignalVsAwait {
    private final SignalVsAwaitShape shape = new SignalVsAwaitShape(new WeftCondition());

    @Actor
    public void awaiter() {
        shape.awaiter();
    }

    @Actor
    public void signaller() {
        shape.signaller();
    }

    @Arbiter
    public void outcome(I_Result r) {
        shape.outcome(r);
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
