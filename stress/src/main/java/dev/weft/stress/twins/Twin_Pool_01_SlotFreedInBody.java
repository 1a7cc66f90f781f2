package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.pool.PoolSlotActors;
import dev.weft.stress.pool.Pool_01_KilledMembersConserveSlots;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Pool_01_KilledMembersConserveSlots's actors
 * (PoolSlotActors: a holder of the only slot is started and killed at once while a spawner queues
 * for the slot and is killed too) on BrokenPool, which gives a member's slot back in a finally
 * around its body instead of in its completion callback. When the kill reaches the holder before
 * its body ran, the holder ends without running it and its slot is never given back: the spawner
 * stays queued until its own kill, and the arbiter reads "0, 0", the lost slot Pool_01 forbids.
 *
 * Run: ./weft stress sanity Twin_Pool_01
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The spawner was killed before it got the slot; the slot is free.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The spawner got the slot and spawned the child, which ran and gave it back.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "A slot was lost or given back twice, or a fiber did not end.")
@Description("Negative control of Pool_01: a pool that frees a member's slot only when its body runs.")
@NegativeControl(of = Pool_01_KilledMembersConserveSlots.class, defect = "a member's slot is given back at the end of its body, so a member killed before it ever ran keeps it forever")
@State
public class Twin_Pool_01_SlotFreedInBody {
    private final PoolSlotActors actors = new PoolSlotActors(new BrokenPool(1));

    @Actor
    public void spawner() {
        actors.startSpawner();
    }

    @Actor
    public void killer() {
        actors.killHolderThenSpawner();
    }

    @Arbiter
    public void left(II_Result r) {
        int[] seen = actors.settle();
        r.r1 = seen[0];
        r.r2 = seen[1];
    }
}
