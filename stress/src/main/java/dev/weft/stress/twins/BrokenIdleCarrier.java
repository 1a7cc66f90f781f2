package dev.weft.stress.twins;

import dev.weft.stress.shapes.IdleCarrierWakeShape;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A carrier thread with {@code Hub}'s idle protocol for a
 * carrier of a group, copied (an inbox, a state BUSY / SPINNING / PARKED that only the carrier
 * writes, a spin of 20 µs looking at the inbox, then a park; a waker enqueues, then reads the
 * state and unparks only a PARKED carrier), with one step broken on purpose: the carrier looks
 * at its inbox a last time <em>before</em> it publishes PARKED, instead of after. A task enqueued
 * between the two reads SPINNING (so its waker does not unpark) and is not seen: the carrier
 * parks with work queued. The twin test runs it in the shape of
 * {@code Carrier_02_IdleCarrierWakes} to prove that test's delays reach that moment.
 *
 * <p>The carrier parks for at most {@value #LIMIT_MILLIS} ms, which only ends a sample (the real
 * carrier would sleep until the next wake-up); when that park ends with a task queued that no
 * waker unparked it for, the carrier reports that it slept through it. Between its last look and
 * the store of PARKED it spins briefly: the window is widened so that a one-second CI run meets
 * it; the defect is the order, not the wait.
 */
public final class BrokenIdleCarrier implements IdleCarrierWakeShape.Subject {
    private static final int BUSY = 0;
    private static final int SPINNING = 1;
    private static final int PARKED = 2;
    private static final long SPIN_NANOS = 20_000;
    private static final int LIMIT_MILLIS = 20;

    private static final ConcurrentLinkedQueue<Runnable> INBOX = new ConcurrentLinkedQueue<>();
    /** A waker unparked the carrier since its last park: set by the waker, cleared by the carrier. */
    private static final AtomicBoolean UNPARKED = new AtomicBoolean();
    private static volatile int sleep = BUSY;
    /** Carrier only: the last park ended by its limit with a task queued that no waker unparked it for. */
    private static boolean sleptThroughLast;
    private static final Thread CARRIER = Thread.ofPlatform().daemon().name("weft-negative-control-idle-carrier")
            .start(BrokenIdleCarrier::loop);

    private final Runnable first;
    private final Runnable second;
    private volatile boolean sleptThrough;

    public BrokenIdleCarrier(Runnable first, Runnable second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public void start() {
        submit(first);
    }

    @Override
    public void wake() {
        submit(() -> {
            sleptThrough = sleptThroughLast;
            second.run();
        });
    }

    @Override
    public boolean sleptThrough() {
        return sleptThrough;
    }

    /** The carrier wakes by its limit: nothing to undo. */
    @Override
    public void abandon() {
    }

    private static void submit(Runnable task) {
        INBOX.offer(task);
        // NOTE: the offer is published before the state is read, as in Hub.enqueue
        if (sleep == PARKED) {
            UNPARKED.set(true);
            LockSupport.unpark(CARRIER);
        }
    }

    private static void loop() {
        for (;;) {
            Runnable task = INBOX.poll();
            if (task != null) {
                task.run();
                sleptThroughLast = false;
                continue;
            }
            sleep = SPINNING;
            long deadline = System.nanoTime() + SPIN_NANOS;
            boolean work = false;
            while (!work && System.nanoTime() - deadline < 0) {
                work = !INBOX.isEmpty();
                Thread.onSpinWait();
            }
            if (work) {
                sleep = BUSY;
                continue;
            }
            boolean empty = INBOX.isEmpty(); // BROKEN: the last look comes before PARKED is published
            for (int i = 0; i < 64; i++) {
                Thread.onSpinWait(); // widens the window (see the class comment)
            }
            sleep = PARKED;
            if (empty) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS));
                sleptThroughLast = !UNPARKED.get() && !INBOX.isEmpty();
            }
            UNPARKED.set(false);
            sleep = BUSY;
        }
    }
}
