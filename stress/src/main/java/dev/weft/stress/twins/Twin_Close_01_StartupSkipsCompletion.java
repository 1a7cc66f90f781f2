package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Close_01_CloseVsPatchedSpawn;
import dev.weft.stress.shapes.CloseVsPatchedSpawnShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Close_01_CloseVsPatchedSpawn's shape
 * (CloseVsPatchedSpawnShape: a patched spawn racing close(), hangs turned into outcomes) on
 * BrokenPatchedStartup, whose patched fiber registers itself, and is killed by a close that
 * began, outside the try/finally that completes it: the fiber never ends and close() waits
 * for it (until the arbiter releases the copy). The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Close_01
 */
@JCStressTest
@Outcome(id = "done, returned", expect = ACCEPTABLE, desc = "The fiber completed (run, or killed by the close) and close() returned.")
@Outcome(id = "rejected, returned", expect = ACCEPTABLE, desc = "close() began first: the spawn was rejected, and close() returned.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The fiber never completed, or close() never returned, or not run after earlier hangs.")
@Description("Negative control of Close_01: a kill during a patched fiber's start-up skips its completion.")
@NegativeControl(of = Close_01_CloseVsPatchedSpawn.class, defect = "a patched fiber's start-up runs outside the try/finally that completes it")
@State
public class Twin_Close_01_StartupSkipsCompletion {
    private final CloseVsPatchedSpawnShape shape = new CloseVsPatchedSpawnShape(new BrokenPatchedStartup());

    @Actor
    public void spawner() {
        shape.spawner();
    }

    @Actor
    public void closer() {
        shape.closer();
    }

    @Arbiter
    public void outcome(LL_Result r) {
        shape.outcome(r);
    }
}
