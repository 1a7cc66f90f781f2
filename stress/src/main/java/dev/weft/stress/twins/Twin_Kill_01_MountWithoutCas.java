package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Kill_01_KillVsCompletion;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Kill_01_KillVsCompletion's shape (a strand
 * started on hub 0 raises a flag, yields once and returns a value; a platform thread kills it,
 * at once in even samples, after the flag in odd ones; the arbiter reads the outcome and the
 * callback count) on BrokenKillableStrand with MOUNT_WITHOUT_CAS: a kill that finds the strand
 * not mounted (not started yet, or queued after its yield) completes it as killed, but the
 * carrier then mounts the queued strand anyway, with a plain write instead of a CAS that would
 * have failed; the strand throws the kill at its yield and is completed a second time. The
 * callback runs twice, outcome "1, 0, 2", which Kill_01 forbids.
 *
 * Run: ./weft stress quick Twin_Kill_01
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Killed (before it started or at its yield); the callback ran once.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Completed with its value; the late kill changed nothing; the callback ran once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both or neither outcome, or the callback ran zero or two times.")
@Description("Negative control of Kill_01: a strand completed by its kill and then run again.")
@NegativeControl(of = Kill_01_KillVsCompletion.class, defect = "the carrier mounts a queued strand without a CAS, so one a kill completed runs on and completes again")
@State
public class Twin_Kill_01_MountWithoutCas {
    private final KillVsCompletionShape shape = new KillVsCompletionShape(Copy::new);

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

    /** The shape's subject: BrokenKillableStrand with the carrier mounting without a CAS. */
    static final class Copy implements KillVsCompletionShape.Subject {
        private final BrokenKillableStrand strand;

        Copy(Callable<Integer> body, Runnable onComplete) {
            strand = new BrokenKillableStrand(BrokenKillableStrand.Defect.MOUNT_WITHOUT_CAS, body, onComplete);
        }

        @Override
        public void start() {
            strand.start();
        }

        @Override
        public void yieldNow() {
            strand.yieldNow();
        }

        @Override
        public void kill() {
            strand.kill();
        }

        @Override
        public void awaitEndAndSettle() {
            ActorCarrier.awaitFlag(strand::isDone);
            ActorCarrier.settle(); // a second completion, by a segment still queued on the hub, has run too
        }

        @Override
        public boolean isCancelled() {
            return strand.isCancelled();
        }

        @Override
        public Integer value() {
            return strand.value();
        }
    }
}
