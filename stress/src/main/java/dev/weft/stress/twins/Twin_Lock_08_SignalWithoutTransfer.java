package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_08_ConditionSignalVsAwait;
import dev.weft.stress.shapes.SignalVsAwaitShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_08_ConditionSignalVsAwait's shape
 * (a fiber on hub 0 locks, awaits until a predicate is set, unlocks; the other actor, a platform
 * thread, locks, sets the predicate, signals, unlocks, 0 to 3 µs after the fiber started; the
 * arbiter waits at most 2 s for the fiber) on BrokenCondition with SIGNAL_WITHOUT_TRANSFER: the
 * signal takes the awaiter off the condition queue and unparks it without marking its node
 * GRANTED. Whenever the fiber is
 * already awaiting when the signal comes, it wakes, sees no grant, parks again and is never
 * signalled: the lost signal Lock_08 must catch as a hang (-1).
 *
 * Run: ./weft stress quick Twin_Lock_08
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The signal reached the waiter, or the waiter saw the predicate first.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Lost signal: the waiter stayed in await (or not run after an earlier one).")
@Description("Negative control of Lock_08: a signal that does not hand itself over to the awaiter.")
@NegativeControl(of = Lock_08_ConditionSignalVsAwait.class, defect = "signal unparks the awaiter without marking its node granted")
@State
public class Twin_Lock_08_SignalWithoutTransfer {
    private final SignalVsAwaitShape shape = new SignalVsAwaitShape(new BrokenCondition(BrokenCondition.Defect.SIGNAL_WITHOUT_TRANSFER));

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
}
