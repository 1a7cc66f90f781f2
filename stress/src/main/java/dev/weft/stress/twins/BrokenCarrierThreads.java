package dev.weft.stress.twins;

import dev.weft.stress.shapes.CarrierReuseShape;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. {@code CarrierThreads}' protocol, copied (idle carriers in
 * a list under a lock, the one that waited least first; a start takes one under the lock and
 * hands it the task, or starts a new thread; an idle carrier parks until a task is handed to it
 * or its keep-alive ran out, then leaves the list and ends), with one step broken on purpose: the
 * idle carrier reads that no task was handed to it <em>before</em> it takes the lock, and then
 * leaves the list without reading again. A start that takes it between the two hands its task to
 * a thread that ends. The twin test runs it in the shape of {@code Carrier_03_ReusedCarrierRunsTask}
 * to prove that test's delays reach that moment; its carriers are virtual threads, as that test's are.
 *
 * <p>Between the read and the lock it spins briefly: the window is widened so that a
 * one-second CI run meets it; the defect is the order, not the wait. A carrier that ends with a
 * task handed to it says so ({@link #lostTask()}).
 */
public final class BrokenCarrierThreads implements CarrierReuseShape.Pool {
    private static final long WINDOW_NANOS = 3_000;

    private final long keepAliveNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Carrier> idle = new ArrayDeque<>();
    private volatile boolean lost;

    public BrokenCarrierThreads(long keepAliveNanos) {
        this.keepAliveNanos = keepAliveNanos;
    }

    @Override
    public void start(Runnable task) {
        Carrier c;
        lock.lock();
        try {
            c = idle.pollFirst();
            if (c != null) {
                c.next = task;
            }
        } finally {
            lock.unlock();
        }
        if (c == null) {
            Carrier fresh = new Carrier(task);
            fresh.thread = Thread.ofVirtual().name("weft-negative-control-carrier").unstarted(fresh);
            fresh.thread.start();
        } else {
            LockSupport.unpark(c.thread);
        }
    }

    @Override
    public boolean lostTask() {
        return lost;
    }

    @Override
    public void retireIdle() {
        lock.lock();
        try {
            for (Carrier c : idle) {
                c.retired = true;
                LockSupport.unpark(c.thread);
            }
            idle.clear();
        } finally {
            lock.unlock();
        }
    }

    private final class Carrier implements Runnable {
        Thread thread;
        volatile Runnable next;
        volatile boolean retired;

        Carrier(Runnable first) {
            this.next = first;
        }

        @Override
        public void run() {
            Runnable task = next;
            next = null;
            while (task != null) {
                task.run();
                task = awaitNext();
            }
        }

        private Runnable awaitNext() {
            long deadline = System.nanoTime() + keepAliveNanos;
            lock.lock();
            try {
                idle.addFirst(this);
            } finally {
                lock.unlock();
            }
            for (;;) {
                Runnable task = next;
                if (task != null) {
                    next = null;
                    return task;
                }
                if (retired) {
                    return null;
                }
                if (System.nanoTime() - deadline >= 0) {
                    // BROKEN: decided outside the lock; a start may take this carrier now
                    long until = System.nanoTime() + WINDOW_NANOS;
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    lock.lock();
                    try {
                        idle.remove(this);
                    } finally {
                        lock.unlock();
                    }
                    if (next != null) {
                        lost = true; // handed over after the decision: it never runs
                    }
                    return null;
                }
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        }
    }
}
