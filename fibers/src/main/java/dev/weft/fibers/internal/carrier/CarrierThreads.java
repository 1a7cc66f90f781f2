package dev.weft.fibers.internal.carrier;

import dev.weft.fibers.internal.sync.SpinLock;

import java.util.ArrayDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The platform threads that carry hubs. A carrier whose task (a hub's loop) has returned waits,
 * for a keep-alive, to carry the next one; {@link #start} hands a task to the idle carrier that
 * waited least, or starts a new thread when none waits. Starting a platform thread costs
 * 80–150 µs on a 2-CPU machine (the JVM creates the OS thread and waits for it to run), which
 * made opening a hub cost that much (issue 16); handing a task to an idle carrier costs an
 * unpark. {@code Executors.newCachedThreadPool()} and the JDK's own carrier pool keep their
 * idle threads the same way (for 60 s).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every task given to {@link #start} (or to {@link Carrier#run} after {@link #take})
 *       runs, exactly once, on that carrier's thread: a carrier decides to end only under the
 *       lock that {@code take} takes it under, and only if it was not taken (JCStress:
 *       {@code Carrier_03_ReusedCarrierRunsTask}). A taken carrier waits for its task past its
 *       keep-alive. {@code take} gives the thread before anything runs on it, so a hub stores
 *       its carrier before its loop can read it.</li>
 *   <li>A carrier runs one task at a time. Before it waits it clears what a task may have
 *       changed on its thread: the interrupt status, the name ({@value #IDLE_NAME} while it
 *       waits), the priority and the uncaught-exception handler; it takes the starter's
 *       context class loader and the task's name with the next task, as a new thread would.
 *       {@code ThreadLocal} values set on it stay (they cannot be cleared without opening
 *       {@code java.lang}): a plain fiber's {@code ThreadLocal} is its carrier's, shared with
 *       every fiber it carries, which is why {@code FiberLocal} exists.</li>
 *   <li>A task that throws ends its thread: a thread is only reused after a normal return.</li>
 *   <li>At most {@code maxIdle} carriers wait; an idle carrier ends once its keep-alive ran
 *       out. With a keep-alive of 0 every task gets a thread of its own, which ends with it.</li>
 * </ul>
 *
 * <p>Not API: this package is not exported. The lock is a {@link SpinLock} rather than a
 * monitor because a starter may be a patched fiber (see that class); it is held for a few field
 * updates and never across a park.
 */
public final class CarrierThreads {
    /** The name of a carrier while it waits for a task. */
    public static final String IDLE_NAME = "weft-idle-carrier";

    /**
     * How long an idle carrier waits for the next hub: {@code -Dweft.carrierKeepAliveMillis}
     * (1000 by default; 0 gives each hub a thread of its own, which ends with it).
     */
    private static final long KEEP_ALIVE_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("weft.carrierKeepAliveMillis", 1000));

    /** The carriers of every hub: at most twice as many idle ones as CPUs (at least 4). */
    public static final CarrierThreads SHARED = new CarrierThreads(KEEP_ALIVE_NANOS,
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().daemon().factory());

    private final long keepAliveNanos;
    private final int maxIdle;
    private final ThreadFactory threads;
    private final SpinLock lock = new SpinLock();
    /** Waiting carriers, the one that waited least first (so the others run out). Guarded by lock. */
    private final ArrayDeque<Carrier> idle = new ArrayDeque<>();
    /** Set by {@link #retire}: no carrier waits from then on. Guarded by lock. */
    private boolean retired;

    /**
     * A pool of its own (Weft's tests and JCStress suite use small keep-alives; the suite's
     * carriers are virtual threads, which start in a microsecond).
     *
     * @param keepAliveNanos how long a carrier waits for its next task; 0 or less: it does not wait
     * @param maxIdle        how many carriers may wait at once
     * @param threads        makes the carriers' threads
     */
    public CarrierThreads(long keepAliveNanos, int maxIdle, ThreadFactory threads) {
        if (maxIdle < 0) {
            throw new IllegalArgumentException("maxIdle must not be negative: " + maxIdle);
        }
        this.keepAliveNanos = keepAliveNanos;
        this.maxIdle = maxIdle;
        this.threads = threads;
    }

    /**
     * Runs {@code task} on an idle carrier, renamed {@code name}, or on a new thread of that
     * name; returns the thread. Never blocks. The task may begin before this returns: a caller
     * that must store the thread before its task runs calls {@link #take} and {@link Carrier#run}.
     */
    public Thread start(String name, Runnable task) {
        Carrier c = take(name);
        c.run(task);
        return c.thread();
    }

    /**
     * Takes the idle carrier that waited least, renamed {@code name} and given the caller's
     * context class loader, or makes a new (unstarted) thread of that name; it runs nothing
     * until {@link Carrier#run}, which must follow, once. Never blocks.
     */
    public Carrier take(String name) {
        Carrier c;
        lock.lock();
        try {
            c = idle.pollFirst();
            if (c != null) {
                c.taken = true; // NOTE: its keep-alive no longer ends it: it waits for run()
                c.nextName = name;
            }
        } finally {
            lock.unlock();
        }
        if (c == null) {
            c = new Carrier();
            c.thread = threads.newThread(c::loop); // NOTE: inherits the caller's context class loader
            c.thread.setName(name);
            c.unstarted = true;
            return c;
        }
        // NOTE: the carrier reset both before it became idle, under the lock it was taken under;
        // it renames itself too when its task comes, for the OS
        c.thread.setName(name);
        c.thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        return c;
    }

    /**
     * Ends every carrier that waits now, and every carrier whose task returns from now on,
     * without waiting for them to end: a retired pool keeps no thread once its tasks returned
     * (a task given to it later still runs, on a thread that then ends). Weft's tests use it to
     * leave no thread behind; the shared pool's carriers are daemons and end by their keep-alive.
     * The flag is read under the lock a carrier becomes idle under, so a carrier that is still
     * finishing its task when this is called ends too (a test that retired only the idle ones
     * raced that carrier, which then waited its hour-long keep-alive).
     */
    public void retire() {
        for (;;) {
            Carrier c;
            lock.lock();
            try {
                retired = true;
                c = idle.pollFirst();
                if (c != null) {
                    c.next = RETIRE;
                }
            } finally {
                lock.unlock();
            }
            if (c == null) {
                return;
            }
            LockSupport.unpark(c.thread);
        }
    }

    /** Handed to an idle carrier by {@link #retire}: it ends instead of running it. */
    private static final Runnable RETIRE = () -> { };

    /** How many carriers wait for a task now; racy, for tests. */
    public int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One carrier thread: runs its tasks one after another until its keep-alive runs out. Taken
     * by {@link #take}, given its task by {@link #run}.
     */
    public final class Carrier {
        /** Set before the carrier is idle or started, never changed. */
        private Thread thread;
        /** The task handed to this carrier, and its thread's name. Guarded by lock once started. */
        private Runnable next;
        private String nextName;
        /** Taken by {@link #take} and waiting for {@link #run}: its keep-alive no longer ends it. Guarded by lock. */
        private boolean taken;
        /** A new thread, not started yet: touched by the caller of take() and run() only. */
        private boolean unstarted;

        private Carrier() {}

        /** The carrier's thread. */
        public Thread thread() {
            return thread;
        }

        /** Starts {@code task} on this carrier, which {@link #take} returned. Call once per take. */
        public void run(Runnable task) {
            if (unstarted) {
                unstarted = false;
                next = task; // published by Thread.start
                thread.start();
                return;
            }
            lock.lock();
            try {
                next = task;
                taken = false;
            } finally {
                lock.unlock();
            }
            LockSupport.unpark(thread);
        }

        /** The thread's body. */
        private void loop() {
            do {
                runNext(); // NOTE: a throw ends the thread; it is not put back
            } while (awaitNext());
        }

        /**
         * Runs the task taken, in a frame of its own: no frame of an idle carrier refers to its
         * last task (a closed hub), which would stay reachable for the keep-alive otherwise.
         */
        private void runNext() {
            Runnable task = next;
            next = null;
            task.run();
        }

        /** Waits, idle, until a task is handed over (true) or the keep-alive ran out (or none may wait). */
        private boolean awaitNext() {
            Thread self = thread;
            self.setName(IDLE_NAME);
            self.setPriority(Thread.NORM_PRIORITY);
            self.setUncaughtExceptionHandler(null);
            self.setContextClassLoader(null);
            long deadline = System.nanoTime() + keepAliveNanos;
            lock.lock();
            try {
                if (retired || keepAliveNanos <= 0 || idle.size() >= maxIdle) {
                    return false;
                }
                idle.addFirst(this);
            } finally {
                lock.unlock();
            }
            for (;;) {
                Thread.interrupted(); // NOTE: an interrupt meant for the last task would end every park at once
                Runnable task;
                String name;
                boolean waitForRun;
                lock.lock();
                try {
                    task = next;
                    name = nextName;
                    waitForRun = taken;
                    if (task != null) {
                        nextName = null;
                    } else if (!taken && System.nanoTime() - deadline >= 0) {
                        // the decision to end is taken under the lock that take() takes a carrier
                        // under: once this carrier is out of idle, nobody can take it
                        idle.remove(this);
                        return false;
                    }
                } finally {
                    lock.unlock();
                }
                if (task == RETIRE) {
                    return false;
                }
                if (task != null) { // NOTE: runNext() takes it; only this carrier writes next from now on
                    Thread.interrupted(); // NOTE: also one that arrived after the loop's check: it was meant for the last task
                    self.setName(name); // NOTE: the same name take() set: only the carrier itself can rename its OS thread
                    return true;
                }
                if (waitForRun) {
                    LockSupport.park(this); // NOTE: taken: run() comes next, and unparks
                } else {
                    LockSupport.parkNanos(this, deadline - System.nanoTime());
                }
            }
        }
    }
}
