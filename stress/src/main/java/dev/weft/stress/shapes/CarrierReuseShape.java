package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Carrier_03_ReusedCarrierRunsTask}: a pool of carrier threads whose idle
 * carriers wait {@value #KEEP_ALIVE_NANOS} ns for a task. A first task runs and raises a flag,
 * after which its carrier becomes idle; a starter waits for the flag, then 0 to 23 µs (varying
 * per sample, in steps of 0.75 µs), and starts a second task. The delays sweep the start across
 * the carrier's phases: still running the first task, becoming idle, idle, running out of its
 * keep-alive (a timed park: 2 µs and the timer's lateness), ended. The keep-alive is short
 * because jcstress runs a fixed number of samples per test, and the starter's delays, which
 * must reach past it, are most of a sample's time. The arbiter reads whether
 * the second task ran. One pool per sample; the pools' carriers are virtual threads, so that a
 * sample costs no OS thread (the protocol is the same for any thread: with platform threads a
 * sample cost 150 µs of thread creation, and the test 35 s of CI).
 */
public final class CarrierReuseShape {
    /** How long an idle carrier of the shape's pools waits for a task. */
    public static final long KEEP_ALIVE_NANOS = 2_000;

    /** A pool of carrier threads: the runtime's, or a twin's copy. */
    public interface Pool {
        /** Runs {@code task} on an idle carrier, or on a new thread. */
        void start(Runnable task);

        /** Whether a task was handed to a carrier that then ended without running it (only a twin can tell). */
        boolean lostTask();

        /** Ends the idle carriers (after the sample). */
        void retireIdle();
    }

    /** Makes a pool whose idle carriers wait {@code keepAliveNanos}, at most one at a time. */
    @FunctionalInterface
    public interface Factory {
        Pool create(long keepAliveNanos);
    }

    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long startDelayNanos = (SAMPLES.incrementAndGet() & 31) * 750L;
    private volatile boolean firstRan;
    private volatile boolean secondRan;
    private final Pool pool;

    public CarrierReuseShape(Factory factory) {
        this.pool = factory.create(KEEP_ALIVE_NANOS);
    }

    public void first() {
        pool.start(() -> firstRan = true);
    }

    public void second() {
        ActorCarrier.awaitFlag(() -> firstRan);
        long until = System.nanoTime() + startDelayNanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        pool.start(() -> secondRan = true);
    }

    public void ran(I_Result r) {
        boolean ended = ActorCarrier.awaitFlag(() -> secondRan || pool.lostTask());
        r.r1 = !ended ? -1 : secondRan ? 1 : 0;
        pool.retireIdle();
    }
}
