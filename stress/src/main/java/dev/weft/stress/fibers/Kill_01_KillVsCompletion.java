package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Fiber guarantees 3 to 5. A kill racing the fiber's completion must leave exactly one
 * outcome (killed, or a value), never both or neither, and the completion callbacks must run
 * exactly once whichever way it ended.
 *
 * Interleaving: the first actor starts the fiber on its hub (ActorCarrier hub 0): the hub's
 * carrier runs it until it yields, resumes it, and it returns a value. The second actor kills
 * it from a platform thread: in even samples at once (mostly before it starts: it must then
 * never run), in odd samples once the fiber has raised a flag just before its yield (so the
 * kill races the yield, the resumption and the completion). The arbiter waits for the fiber
 * to end and its hub to finish running the callbacks, and reads the outcome and the callback
 * count.
 *
 * Run: ./weft stress quick Kill_01
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Killed (before it started or at its yield); the callback ran once.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Completed with its value; the late kill changed nothing; the callback ran once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both or neither outcome, or the callback ran zero or two times.")
@Description("A kill racing completion leaves exactly one outcome, and onComplete runs exactly once.")
@State
public class Kill_01_KillVsCompletion {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final boolean waitForStart = (SAMPLES.incrementAndGet() & 1) != 0;
    private final AtomicInteger callbacks = new AtomicInteger();
    private volatile boolean started;
    private final Fiber<Integer> fiber = ActorCarrier.unstarted(() -> {
        started = true;
        Fiber.yieldNow();
        return 42;
    });

    public Kill_01_KillVsCompletion() {
        fiber.onComplete(f -> callbacks.incrementAndGet());
    }

    @Actor
    public void carrier() {
        ActorCarrier.start(fiber);
    }

    @Actor
    public void killer() {
        if (waitForStart) {
            ActorCarrier.awaitFlag(() -> started);
        }
        fiber.kill();
    }

    @Arbiter
    public void outcome(III_Result r) {
        ActorCarrier.awaitEnd(fiber);
        ActorCarrier.settle(); // join() may return before the callbacks ran: they run, on the hub, after the outcome is published
        r.r1 = fiber.isCancelled() ? 1 : 0;
        r.r2 = fiber.value() != null ? 1 : 0;
        r.r3 = callbacks.get();
    }
}
