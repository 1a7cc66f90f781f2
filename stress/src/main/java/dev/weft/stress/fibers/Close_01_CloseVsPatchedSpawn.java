package dev.weft.stress.fibers;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import dev.weft.stress.shapes.CloseVsPatchedSpawnShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: issue 10's D3. A patched fiber's first turn registers it with its scheduler, and a
 * scheduler that is closing kills it right there. That start-up ran outside the try/finally that
 * completes the fiber, so the kill skipped completion: the fiber never ended, and
 * MultiCarrierScheduler.close() waited for it forever (a Hub's close() returned, but the
 * fiber's join() hung). Whatever the timing, the fiber must complete, or its spawn be rejected,
 * and close() must return.
 *
 * Interleaving: per sample a fresh scheduler, a MultiCarrierScheduler with two carriers in even
 * samples and a Hub in odd ones. The spawner actor makes it and spawns a patched fiber with an
 * empty body (Monkey.spawn); the closer actor starts close() 0 to 30 us after the scheduler
 * exists, varying per sample, in a virtual thread of the JDK's scheduler, so that the fiber's
 * first turn comes before, while or after close began. The arbiter waits at most 2 s for close
 * and 2 s for the fiber; a wait that runs out is the outcome HUNG (never a hung fork: after a
 * hang the VM stops making schedulers, see CloseVsPatchedSpawnShape). Shape:
 * dev.weft.stress.shapes.CloseVsPatchedSpawnShape; its twin: Twin_Close_01_StartupSkipsCompletion.
 *
 * Run: ./weft stress quick Close_01
 */
@JCStressTest
@Outcome(id = "done, returned", expect = ACCEPTABLE, desc = "The fiber completed (run, or killed by the close) and close() returned.")
@Outcome(id = "rejected, returned", expect = ACCEPTABLE, desc = "close() began first: the spawn was rejected, and close() returned.")
@Outcome(id = "HUNG, HUNG", expect = FORBIDDEN, desc = "The fiber never completed and close() never returned (a MultiCarrierScheduler waiting for it).")
@Outcome(id = "HUNG, returned", expect = FORBIDDEN, desc = "close() returned but the fiber never completed: its join() hangs (a Hub).")
@Outcome(id = "not run, .*", expect = FORBIDDEN, desc = "Not run: earlier samples of this VM hung, and their schedulers cannot be stopped.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Something else went wrong.")
@Description("close() of a MultiCarrierScheduler or Hub racing a patched spawn: the fiber completes and close() returns.")
@State
public class Close_01_CloseVsPatchedSpawn {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final CloseVsPatchedSpawnShape shape = new CloseVsPatchedSpawnShape(
            new RealScheduler((SAMPLES.incrementAndGet() & 1) == 0));

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

    /** The shape's subject: a fresh MultiCarrierScheduler(2) or Hub, and a patched fiber of it. */
    static final class RealScheduler implements CloseVsPatchedSpawnShape.Subject {
        private final boolean group;
        private volatile Scheduler scheduler;
        private volatile Fiber<Void> fiber;

        RealScheduler(boolean group) {
            this.group = group;
        }

        @Override
        public void create() {
            scheduler = group ? new MultiCarrierScheduler(2) : new Hub("weft-close-race");
        }

        @Override
        public void spawn() {
            fiber = Monkey.spawn(scheduler, () -> {});
        }

        @Override
        public void close() {
            scheduler.close();
        }

        @Override
        public boolean awaitFiber(long nanos) throws InterruptedException {
            return fiber.join(Duration.ofNanos(nanos));
        }

        @Override
        public void release() {
            // a scheduler whose close hung cannot be stopped: its daemon carriers stay parked
        }
    }
}
