package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.NegativeControl;
import org.openjdk.jcstress.annotations.Arbiter;
import dev.weft.stress.fibers.Park_02_UnparkBeforePark;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Park_02_UnparkBeforePark's shape on
 * BrokenParkHandshake with PARK_IGNORES_PERMIT: the park suspends although the earlier
 * unpark left its permit, so it never "returns at once". The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Park_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The park consumed the earlier unpark's permit and returned without suspending.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The park suspended although its permit was already available.")
@Description("Negative control of Park_02: a park that ignores an available permit.")
@NegativeControl(of = Park_02_UnparkBeforePark.class, defect = "park suspends although the permit is available")
@State
public class Twin_Park_02_ParkIgnoresPermit {
    private volatile boolean unparked;
    private volatile boolean suspended;
    private boolean returnedAtOnce;
    private final BrokenParkHandshake strand = new BrokenParkHandshake(BrokenParkHandshake.Defect.PARK_IGNORES_PERMIT, this::body);

    private void body() {
        ActorCarrier.execute(0, () -> suspended = true); // the probe, queued behind the strand on its hub
        strand.park();
        returnedAtOnce = !suspended;
        strand.park();
    }

    @Actor
    public void waker() {
        strand.unpark();
        unparked = true;
    }

    @Actor
    public void carrier() {
        ActorCarrier.awaitFlag(() -> unparked);
        strand.start();
    }

    @Arbiter
    public void result(I_Result r) {
        BrokenParkHandshake.settle();
        r.r1 = returnedAtOnce ? 1 : 0;
    }
}
