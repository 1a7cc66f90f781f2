package dev.weft.stress.pool;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.stress.harness.ActorCarrier;

/**
 * The actor bodies of Pool_01 and of its broken twin, which differ only in the pool they run
 * on (jcstress forbids a test class that inherits, so both compose this one).
 *
 * <p>A pool of one slot; the slot is held by {@code holder}, an unstarted member fiber of hub 1.
 * The spawner, a fiber of hub 0, calls the pool's blocking spawn (it queues for the slot). One
 * actor starts the spawner; the other starts the holder and at once kills it and then the
 * spawner. The holder is killed before it ever ran, or while it runs; its end hands the slot to
 * the spawner (queued or not yet), which is killed before it queued, while queued, as the slot
 * is handed to it, or after it spawned the child.
 */
public final class PoolSlotActors {

    /** What the actors need of a pool: the real one, or the twin's broken copy. */
    public interface Slots {
        /** Makes an unstarted fiber of hub 1 running {@code body} and adds it as a member (takes a slot). */
        Fiber<Void> addUnstarted(CheckedRunnable body);

        /** The pool's blocking spawn, called by a fiber. */
        Fiber<Void> spawn(CheckedRunnable task);

        /** Slots free now. */
        int freeCount();
    }

    private final Slots pool;
    private final Fiber<Void> holder;
    private final Fiber<Void> spawner;
    private volatile Fiber<Void> child;
    private volatile int childRan;

    public PoolSlotActors(Slots pool) {
        this.pool = pool;
        this.holder = pool.addUnstarted(() -> {
            for (;;) {
                Strand.park(); // holds its slot until it is killed
            }
        });
        this.spawner = ActorCarrier.unstarted(0, () -> {
            child = pool.spawn(() -> childRan = 1);
        });
    }

    /** Actor 1: the spawner starts, and queues for the slot. */
    public void startSpawner() {
        ActorCarrier.start(spawner);
    }

    /** Actor 2: the holder starts and is killed (giving its slot back), then the spawner is killed. */
    public void killHolderThenSpawner() {
        ActorCarrier.start(holder);
        holder.kill();
        spawner.kill();
    }

    /**
     * The arbiter's reading once everything ended: whether the child ran, and the free slots
     * (-1 for a fiber that did not end).
     */
    public int[] settle() {
        boolean ended = ActorCarrier.awaitEnd(spawner) && ActorCarrier.awaitEnd(holder);
        Fiber<Void> c = child;
        ended &= c == null || ActorCarrier.awaitEnd(c);
        ended &= ActorCarrier.settle();
        return new int[] {ended ? childRan : -1, pool.freeCount()};
    }
}
