package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.shapes.CloseVsPatchedSpawnShape;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of how a scheduler closes while a patched fiber of
 * it starts: {@link #spawn} is rejected once closing began; a spawned fiber (a virtual thread
 * that {@code ActorCarrier} hub 0's carrier runs) registers itself as live on its first turn,
 * and is killed right there if closing began, the kill thrown at once since it is the current
 * fiber; its body then runs in a try/finally that completes it and unregisters it; {@link #close}
 * kills the live fibers and waits until every spawned one has ended. One step is broken on
 * purpose: the start-up runs <em>outside</em> that try/finally (the runtime's
 * {@code patchedBody} before issue 10's fix), so a kill delivered there skips completion, and
 * close waits forever. The twin test runs it in the shape of {@code Close_01_CloseVsPatchedSpawn}.
 */
public final class BrokenPatchedStartup implements CloseVsPatchedSpawnShape.Subject {
    /** Thrown at a suspension point for a kill. */
    static final class Exit extends Error {
        private static final long serialVersionUID = 1L;

        Exit() {
            super("negative control: killed", null, false, false);
        }
    }

    private final Object lock = new Object();
    /** Guarded by lock. */
    private boolean closing;
    /** Guarded by lock: spawned and not yet ended. */
    private int unfinished;
    /** Guarded by lock: the fiber, once it registered on its first turn. */
    private Thread live;
    private final AtomicBoolean kill = new AtomicBoolean();
    private volatile Thread thread;
    private volatile Thread closeWaiter;
    private volatile boolean done;
    private volatile boolean released;

    @Override
    public void create() {
        // the copy lives on ActorCarrier hub 0, which outlives every sample
    }

    @Override
    public void spawn() {
        synchronized (lock) {
            if (closing) {
                throw new RejectedExecutionException("negative control: closed");
            }
            unfinished++;
        }
        Thread t = ActorFibers.virtualThreads(ActorCarrier.hub(0)).unstarted(this::body);
        thread = t;
        t.start();
    }

    private void body() {
        started(); // BROKEN: outside the try/finally, so a kill thrown here skips completion
        try {
            deliverKill();
        } catch (Exit killed) {
            // killed before the body ran: the body never runs
        } finally {
            synchronized (lock) {
                live = null;
                unfinished--;
            }
            done = true;
            Thread w = closeWaiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private void started() {
        boolean killNow;
        synchronized (lock) {
            live = Thread.currentThread();
            killNow = closing;
        }
        if (killNow) {
            kill.set(true);
            deliverKill(); // the current fiber is killed at once
        }
    }

    private void deliverKill() {
        if (kill.get()) {
            throw new Exit();
        }
    }

    @Override
    public void close() {
        Thread liveNow;
        synchronized (lock) {
            closing = true;
            liveNow = live;
        }
        if (liveNow != null && kill.compareAndSet(false, true)) {
            liveNow.interrupt();
        }
        closeWaiter = Thread.currentThread();
        for (;;) {
            synchronized (lock) {
                if (unfinished == 0) {
                    return;
                }
            }
            if (released) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public boolean awaitFiber(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (!done) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
        return true;
    }

    /** Lets a hung close return: the copy, unlike a real scheduler, can be told to give up. */
    @Override
    public void release() {
        released = true;
        Thread w = closeWaiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
