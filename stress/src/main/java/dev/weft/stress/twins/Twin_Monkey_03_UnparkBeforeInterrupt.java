package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Monkey_03_ExitLeavesNoInterrupt;
import dev.weft.stress.shapes.StrayInterruptShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Monkey_03_ExitLeavesNoInterrupt's shape
 * (StrayInterruptShape: a patched fiber yielding in a loop, killed or timed out while it is
 * being woken) on BrokenPatchedWakeup, which unparks the fiber before it interrupts it: the
 * fiber can take the kill or the expiry and clear its interrupt status before the interrupt
 * lands, and then no park of it parks. The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Monkey_03
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The kill or expiry was delivered; afterwards no interrupt status, and a park parks.")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "A stray interrupt landed after the delivery: every later park returns at once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Not delivered, an interrupt status left, a park that returns at once, or the fiber never ended.")
@Description("Negative control of Monkey_03: a kill or expiry that unparks before it interrupts leaves a stray interrupt.")
@NegativeControl(of = Monkey_03_ExitLeavesNoInterrupt.class, defect = "the kill and the expiry unpark the fiber before interrupting it")
@State
public class Twin_Monkey_03_UnparkBeforeInterrupt {
    private final StrayInterruptShape shape = new StrayInterruptShape(new BrokenPatchedWakeup());

    @Actor
    public void starter() {
        shape.starter();
    }

    @Actor
    public void killer() {
        shape.killer();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }
}
