package dev.weft.stress.twins;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.locks.Semaphore;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.pool.PoolSlotActors;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A small copy of {@code dev.weft.locks.pool.Pool}'s slot
 * discipline with one step broken: a member gives its slot back at the end of its own body (a
 * {@code finally} around the task) instead of in its completion callback. A member killed
 * before its body ever ran (a kill of a fiber not yet started ends it at once, without running
 * it) never gives its slot back.
 *
 * <p>What is copied, as in the real pool: the slots are a fair {@link Semaphore} of
 * {@code size} permits; spawn and add take one (blocking, FIFO) before the fiber becomes a member;
 * the spawned fiber is made unstarted, becomes a member, then starts.
 */
public final class BrokenPool implements PoolSlotActors.Slots {
    private final Semaphore slots;
    private final Set<Fiber<?>> members = ConcurrentHashMap.newKeySet();

    public BrokenPool(int size) {
        this.slots = new Semaphore(size);
    }

    /** The body of a member: BROKEN, the slot is given back only if the body runs. */
    private CheckedRunnable freeingSlotAtEnd(CheckedRunnable body) {
        return () -> {
            try {
                body.run();
            } finally {
                slots.release();
            }
        };
    }

    @Override
    public Fiber<Void> addUnstarted(CheckedRunnable body) {
        slots.acquireUninterruptibly();
        CheckedRunnable member = freeingSlotAtEnd(body);
        Fiber<Void> f = ActorCarrier.unstarted(1, () -> {
            member.run();
            return null;
        });
        members.add(f);
        f.onComplete(members::remove);
        return f;
    }

    @Override
    public Fiber<Void> spawn(CheckedRunnable task) {
        slots.acquireUninterruptibly();
        Fiber<Void> f = Fiber.unstarted(freeingSlotAtEnd(task));
        members.add(f);
        f.onComplete(members::remove);
        f.start();
        return f;
    }

    @Override
    public int freeCount() {
        return slots.availablePermits();
    }
}
