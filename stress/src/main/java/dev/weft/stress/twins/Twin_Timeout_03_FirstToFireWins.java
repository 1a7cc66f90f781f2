package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Timeout_03_InnerThenOuterExpiry;
import dev.weft.stress.shapes.NestedExpiryShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Timeout_03_InnerThenOuterExpiry's shape
 * (NestedExpiryShape: an outer 40 us and an inner 20 us timeout, a spin of 0 to 150 us past
 * which both have expired, the inner handled in its scope, then a sleep in the outer scope) on
 * BrokenNestedTimeouts, where the first expiry to fire wins and a later one is dropped while
 * it is pending: the outer's expiry is lost whenever both fire before the fiber's next
 * suspension point. The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Timeout_03
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The inner expiry was handled in its scope, then the outer was thrown at the next sleep.")
@Outcome(id = "2, 2, 2", expect = ACCEPTABLE_INTERESTING, desc = "Not judged: the fiber was held up between opening the scopes, so the inner's deadline may be the later one.")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "The outer expiry was lost: its scope slept 5 ms past its deadline, nothing thrown.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Neither expiry thrown where it belongs, or the fiber never ended.")
@Description("Negative control of Timeout_03: the first expiry to fire wins, a later one is dropped.")
@NegativeControl(of = Timeout_03_InnerThenOuterExpiry.class, defect = "the first timeout to fire wins: a later expiry is dropped while one is pending")
@State
public class Twin_Timeout_03_FirstToFireWins {
    private final NestedExpiryShape shape = new NestedExpiryShape(new BrokenNestedTimeouts());

    @Actor
    public void starter() {
        shape.starter();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }
}
