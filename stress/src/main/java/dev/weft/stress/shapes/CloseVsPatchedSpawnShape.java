package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.HangBudget;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Close_01_CloseVsPatchedSpawn}: one actor makes a scheduler and spawns a
 * patched fiber with an empty body on it, the other closes that scheduler 0 to 30 us after it
 * exists (varying per sample), so that the fiber's first turn comes before, while or after
 * {@code close()} began. The fiber must complete (or its spawn be rejected) and {@code close()}
 * must return.
 *
 * <p>A hang is an outcome here, never a hung jcstress fork: {@code close()} runs in a virtual
 * thread of the JDK's default scheduler (a hung one costs only its memory), and the arbiter
 * waits for it and for the fiber at most two seconds each. A scheduler whose close hung cannot
 * be stopped (and a MultiCarrierScheduler whose close hangs keeps its carriers busy), so after
 * one hang in a VM the shape stops making schedulers ({@link HangBudget}), and each later
 * sample reports "not run" (forbidden as well), so that leaked carrier threads stay few and the
 * fork ends normally. One instance per sample.
 */
public final class CloseVsPatchedSpawnShape {
    /** A fresh scheduler with one patched fiber: the real one, or a twin's copy. */
    public interface Subject {
        /** Makes the scheduler (called by the spawning actor before it spawns). */
        void create();

        /** Spawns the patched fiber, an empty body. @throws RejectedExecutionException if closed */
        void spawn();

        /** Closes the scheduler: waits until its fibers have ended. */
        void close();

        /** Waits up to {@code nanos} for the spawned fiber to complete; false if it did not. */
        boolean awaitFiber(long nanos) throws InterruptedException;

        /** After a hang: frees what can be freed (a copy's hung close); the real schedulers cannot be. */
        void release();
    }

    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final AtomicInteger SAMPLES = new AtomicInteger();
    private static final HangBudget HANGS = new HangBudget();

    private final long closerLateness = (SAMPLES.incrementAndGet() & 15) * 2_000L;
    private final Subject subject;
    private final boolean run = !HANGS.spent();
    private volatile boolean created;
    private volatile boolean rejected;
    private volatile Thread closer;

    public CloseVsPatchedSpawnShape(Subject subject) {
        this.subject = subject;
    }

    /** Actor 1: makes the scheduler and spawns the fiber on it. */
    public void spawner() {
        if (!run) {
            return;
        }
        subject.create();
        created = true;
        try {
            subject.spawn();
        } catch (RejectedExecutionException closedFirst) {
            rejected = true;
        }
    }

    /** Actor 2: closes the scheduler, in a virtual thread of the JDK's default scheduler. */
    public void closer() {
        if (!run) {
            return;
        }
        ActorCarrier.awaitFlag(() -> created);
        for (long end = System.nanoTime() + closerLateness; System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
        closer = Thread.ofVirtual().name("close-racing-a-patched-spawn").start(subject::close);
    }

    /** Arbiter: (the fiber: done, rejected or HUNG; close: returned or HUNG). */
    public void outcome(LL_Result r) {
        if (!run) {
            r.r1 = "not run";
            r.r2 = "an earlier sample of this VM hung";
            return;
        }
        try {
            ActorCarrier.awaitFlag(() -> closer != null);
            boolean closed = closer.join(java.time.Duration.ofNanos(BOUND_NANOS));
            boolean done = rejected || subject.awaitFiber(BOUND_NANOS);
            r.r1 = rejected ? "rejected" : done ? "done" : "HUNG";
            r.r2 = closed ? "returned" : "HUNG";
            if (!closed || !done) {
                HANGS.hung();
                subject.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.r1 = "interrupted";
        }
    }
}
