package dev.weft.stress.twins;

import dev.weft.fibers.Hub;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.shapes.CloserWakeShape;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. {@code Hub}'s close protocol, copied (the closer spins up
 * to 20 µs on {@code terminated}, then queues itself as a close waiter and parks; the carrier
 * writes {@code terminated}, then wakes every queued waiter), with one step broken on purpose:
 * after its spin the closer reads {@code terminated} and queues itself <em>after</em> that read,
 * and then parks without reading it again. A carrier that stops between the read and the
 * queueing finds no waiter to wake, and the closer parks for ever. The twin test runs it in the
 * shape of {@code Close_02_CloserWokenAfterSpin} to prove that test's delays reach that moment.
 *
 * <p>The carrier is a real hub's, per sample; the close queues the copy's stop on it, which wakes
 * it as the real close does, and it runs the killed fiber's delay, then the stop (the copy's;
 * the closer then closes the real hub too, as clean-up). The closer parks in steps of at
 * most {@value #LIMIT_MILLIS} ms, which only end a sample (the real closer would wait for ever):
 * once the carrier has stopped and woken its waiters without waking this closer, it reports that
 * it slept through the stop. Between its read and its queueing it spins briefly: the window is
 * widened so that a one-second CI run meets it; the defect is the order, not the wait.
 */
public final class BrokenHubClose implements CloserWakeShape.Subject {
    private static final long SPIN_NANOS = 20_000;
    private static final int LIMIT_MILLIS = 20;

    private final ConcurrentLinkedQueue<Thread> closeWaiters = new ConcurrentLinkedQueue<>();
    private volatile boolean terminated;
    private volatile boolean woken;
    /** The carrier has woken every waiter it found: a closer not woken by then never will be. */
    private volatile boolean drained;
    private volatile boolean sleptThrough;
    private Runnable killed;
    private Hub hub;

    @Override
    public void open(Runnable parked, Runnable killed) {
        this.killed = killed;
        this.hub = new Hub("weft-negative-control-close");
        parked.run();
    }

    @Override
    public void close() {
        try {
            closeCopy();
        } finally {
            hub.close();
        }
    }

    private void closeCopy() {
        ActorCarrier.execute(hub, this::stop);
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (!terminated) {
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            Thread.onSpinWait();
        }
        boolean stopped = terminated; // BROKEN: read before the closer is queued, and never again
        for (int i = 0; i < 64; i++) {
            Thread.onSpinWait(); // widens the window (see the class comment)
        }
        closeWaiters.add(Thread.currentThread());
        if (stopped) {
            return;
        }
        while (!woken && !drained) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS));
        }
        sleptThrough = !woken;
    }

    /** The carrier's last steps: the killed fiber's finally, then terminated, then the waiters. */
    private void stop() {
        killed.run();
        terminated = true;
        for (Thread waiter; (waiter = closeWaiters.poll()) != null; ) {
            woken = true;
            LockSupport.unpark(waiter);
        }
        drained = true;
    }

    @Override
    public boolean sleptThrough() {
        return sleptThrough;
    }
}
