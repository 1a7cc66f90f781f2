package dev.weft.stress.pool;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.locks.pool.Pool;
import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Pool guarantee 3, slot conservation under kill. A member gives its slot back exactly
 * once when it ends, also when it is killed before its body ever ran; a spawner killed while it
 * waits for a slot takes none, and one killed as the slot is handed to it passes the slot on.
 * Once every fiber has ended, all the pool's slots are free again.
 *
 * Interleaving (PoolSlotActors): Pool(1) whose slot an unstarted member of hub 1 (the holder)
 * holds. Actor 1 starts a spawner fiber on hub 0 that calls pool.spawn(child): it queues for the
 * slot. Actor 2 starts the holder and kills it at once (before it ran, or as it parks), then kills
 * the spawner (before it ran, while it is queued, as the holder's end hands it the slot, or
 * after it spawned the child). The arbiter waits for every fiber to end and reads whether the
 * child ran and the free slots.
 *
 * Run: ./weft stress sanity Pool_01
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The spawner was killed before it got the slot; the slot is free.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The spawner got the slot and spawned the child, which ran and gave it back.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "A slot was lost or given back twice, or a fiber did not end.")
@Description("Members and spawners killed as they take or return a pool slot leave every slot free.")
@State
public class Pool_01_KilledMembersConserveSlots {
    private final PoolSlotActors actors = new PoolSlotActors(new RealPool(new Pool(1)));

    /** The library's Pool, seen through the actors' interface. */
    record RealPool(Pool pool) implements PoolSlotActors.Slots {
        @Override
        public Fiber<Void> addUnstarted(CheckedRunnable body) {
            Fiber<Void> f = ActorCarrier.unstarted(1, () -> {
                body.run();
                return null;
            });
            pool.add(f);
            return f;
        }

        @Override
        public Fiber<Void> spawn(CheckedRunnable task) {
            return pool.spawn(task);
        }

        @Override
        public int freeCount() {
            return pool.freeCount();
        }
    }

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
