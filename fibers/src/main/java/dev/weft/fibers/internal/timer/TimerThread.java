package dev.weft.fibers.internal.timer;

import dev.weft.fibers.internal.sync.SpinLock;

import java.util.concurrent.locks.LockSupport;

/**
 * A {@link TimerWheel} shared by many threads, with its own daemon thread that fires the tasks.
 *
 * <p>Used by schedulers whose fibers move between carriers, so that a timer set on one carrier
 * can be cancelled from another. Guarantees: a task fires on this thread, never before its
 * deadline, in deadline-then-insertion order. Tasks fire outside the lock, so a
 * {@link #cancel} racing with the firing of the same task may return after the task has
 * been taken to fire: a task's action must tolerate one late, spurious run (a park timer's
 * does: a spurious unpark is allowed).
 */
public final class TimerThread implements AutoCloseable {
    /**
     * A spin lock, not a blocking one: patched fibers (virtual threads of a group's carriers) arm
     * and cancel here, and so do the carriers themselves; a carrier queued on a blocking lock
     * behind a parked virtual thread of its own would wait for it forever (see SpinLock).
     */
    private final SpinLock lock = new SpinLock();
    /** Guarded by {@code lock}. */
    private final TimerWheel wheel = new TimerWheel();
    private final Thread thread;
    private volatile boolean closed;
    /**
     * The wheel's size, written under {@code lock} after each change and read without it (a
     * group's deadlock watch asks on every quiet sleep of a carrier).
     */
    private volatile int size;

    /**
     * Creates and starts the timer thread.
     *
     * @param name the thread's name
     */
    public TimerThread(String name) {
        thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
        thread.start();
    }

    /** Schedules {@code task} to fire at {@code deadline} ({@link System#nanoTime()} units). */
    public void schedule(TimerTask task, long deadline) {
        boolean earliest;
        lock.lock();
        try {
            // NOTE: the thread sleeps until the wheel's last wake-up time at the latest: only an earlier deadline needs it now
            earliest = wheel.isEmpty() || deadline - wheel.nextWakeUp() < 0;
            wheel.add(task, deadline);
            size = wheel.size();
        } finally {
            lock.unlock();
        }
        if (earliest) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Cancels {@code task}.
     *
     * @return whether it was still scheduled
     */
    public boolean cancel(TimerTask task) {
        lock.lock();
        try {
            boolean removed = wheel.remove(task);
            size = wheel.size();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** The number of tasks scheduled now; never blocks. */
    public int size() {
        return size;
    }

    /** Stops the thread; tasks still scheduled never fire. Waits for the thread to end. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!closed) {
            long now = System.nanoTime();
            TimerTask due;
            long wait;
            lock.lock();
            try {
                due = wheel.pollExpired(now);
                size = wheel.size();
                wait = due != null ? 0 : wheel.isEmpty() ? Long.MAX_VALUE : wheel.nextWakeUp() - now;
            } finally {
                lock.unlock();
            }
            if (due != null) {
                due.fireAt(now);
            } else if (wait == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, wait);
            }
        }
    }
}
