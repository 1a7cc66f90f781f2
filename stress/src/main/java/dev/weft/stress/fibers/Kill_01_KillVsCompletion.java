package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.stress.shapes.KillVsCompletionShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.Callable;

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
    private final KillVsCompletionShape shape = new KillVsCompletionShape(RealFiber::new);

    @Actor
    public void carrier() {
        shape.carrier();
    }

    @Actor
    public void killer() {
        shape.killer();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: a plain fiber of ActorCarrier hub 0. */
    static final class RealFiber implements KillVsCompletionShape.Subject {
        private final Fiber<Integer> fiber;

        RealFiber(Callable<Integer> body, Runnable onComplete) {
            fiber = ActorCarrier.unstarted(body);
            fiber.onComplete(f -> onComplete.run());
        }

        @Override
        public void start() {
            ActorCarrier.start(fiber);
        }

        @Override
        public void yieldNow() {
            Fiber.yieldNow();
        }

        @Override
        public void kill() {
            fiber.kill();
        }

        @Override
        public void awaitEndAndSettle() {
            ActorCarrier.awaitEnd(fiber);
            ActorCarrier.settle(); // join() may return before the callbacks ran: they run, on the hub, after the outcome is published
        }

        @Override
        public boolean isCancelled() {
            return fiber.isCancelled();
        }

        @Override
        public Integer value() {
            return fiber.value();
        }
    }
}
