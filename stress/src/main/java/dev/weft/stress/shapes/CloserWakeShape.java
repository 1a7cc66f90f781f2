package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.HangBudget;
import org.openjdk.jcstress.infra.results.I_Result;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Close_02_CloserWokenAfterSpin}: a thread that closes a hub first spins
 * for 20 µs, looking for the carrier to stop, and only then queues itself to be woken by it and
 * parks. Per sample a fresh hub runs one fiber that parks; one actor opens it and waits until the
 * fiber has parked, the other starts {@code close()} in a virtual thread. The close wakes the
 * carrier, which kills the fiber, whose {@code finally} then holds the carrier for 0 to 46.5 µs
 * (varying per sample, in steps of 1.5 µs) before the carrier stops. With the wake-up's own
 * latency, the stop sweeps across the closer's spin: seen in the spin, between the end of the
 * spin and the closer's queueing, or after the closer parked. {@code close()} must return.
 *
 * <p>A hang is an outcome, never a hung fork: the arbiter waits for the closer at most two
 * seconds. A closer that hangs cannot be freed (it waits for a carrier that is gone), so after
 * one hang in a VM the shape stops making hubs ({@link HangBudget}), and each later sample
 * reports "not run" (forbidden too). One instance per sample.
 */
public final class CloserWakeShape {
    /** A hub with one fiber, and the thread that closes it: the real one, or a twin's copy of the close. */
    public interface Subject {
        /**
         * Opens the hub and starts its fiber: the fiber runs {@code parked} right before it parks,
         * and {@code killed} when the close kills it, after which the carrier stops.
         */
        void open(Runnable parked, Runnable killed);

        /** Closes the hub: returns once the carrier has stopped. */
        void close();

        /** Whether the closer slept through the carrier's stop (only a twin can tell: a real one would hang). */
        boolean sleptThrough();
    }

    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final AtomicInteger SAMPLES = new AtomicInteger();
    private static final HangBudget HANGS = new HangBudget();

    private final long stopDelayNanos = (SAMPLES.incrementAndGet() & 31) * 1_500L;
    private final Subject subject;
    private final boolean run = !HANGS.spent();
    private volatile boolean parked;
    private volatile Thread closer;

    public CloserWakeShape(Subject subject) {
        this.subject = subject;
    }

    /** Actor 1: opens the hub; its fiber parks. */
    public void opener() {
        if (run) {
            subject.open(() -> parked = true, this::holdCarrier);
        }
    }

    /** Run by the killed fiber: keeps the carrier from stopping for this sample's delay. */
    private void holdCarrier() {
        for (long end = System.nanoTime() + stopDelayNanos; System.nanoTime() - end < 0; ) {
            Thread.onSpinWait();
        }
    }

    /** Actor 2: once the fiber parked, closes the hub in a virtual thread of the JDK's default scheduler. */
    public void closer() {
        if (run && ActorCarrier.awaitFlag(() -> parked)) {
            closer = Thread.ofVirtual().name("weft-stress-closer").start(subject::close);
        }
    }

    /** Arbiter: 1 close returned; 0 the closer slept through the stop; -1 close hung; -2 not run. */
    public void outcome(I_Result r) {
        if (!run) {
            r.r1 = -2;
            return;
        }
        try {
            Thread t = closer;
            boolean closed = t != null && t.join(Duration.ofNanos(BOUND_NANOS));
            if (!closed) {
                HANGS.hung();
                r.r1 = -1;
                return;
            }
            r.r1 = subject.sleptThrough() ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.r1 = -3;
        }
    }
}
