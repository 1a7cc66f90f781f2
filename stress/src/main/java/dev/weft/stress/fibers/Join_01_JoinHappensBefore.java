package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Fiber guarantee 4, "its effects happen-before the return of join()". The fiber writes
 * two plain fields; a joiner that returns from join() must see both, though nothing but the
 * fiber's completion protocol (publish the outcome, then wake the joiners) orders them.
 *
 * Interleaving: the first actor starts the fiber on its hub (ActorCarrier hub 0), whose
 * carrier runs it to its end: two plain writes, then completion. The second actor joins it from a platform thread and reads the
 * fields: it may register as a joiner before the fiber starts, while it runs, or find it done.
 *
 * Run: ./weft stress quick Join_01
 */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The joiner saw every write the fiber made.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "join() returned before the fiber's writes were visible.")
@Description("Writes made by a fiber are visible after join() returns.")
@State
public class Join_01_JoinHappensBefore {
    private int x;
    private int y;
    private final Fiber<Void> fiber = ActorCarrier.unstarted(() -> {
        x = 1;
        y = 2;
    });

    @Actor
    public void carrier() {
        ActorCarrier.start(fiber);
    }

    @Actor
    public void joiner(II_Result r) {
        try {
            fiber.join();
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress interrupted the joiner", e);
        }
        r.r1 = x;
        r.r2 = y;
    }
}
