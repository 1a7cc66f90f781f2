package dev.weft.fibers;

import dev.weft.fibers.timer.TimerTask;
import dev.weft.fibers.timer.TimerThread;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler with N carrier threads that steal work from each other (a FIFO-mode
 * {@link ForkJoinPool}, like the JDK's virtual-thread scheduler), for fibers that need CPU
 * parallelism.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>A fiber runs on one carrier at a time; it may resume on a different carrier after
 *       any suspension point, and everything it did before happens-before what it does
 *       after.</li>
 *   <li>Waking a fiber never switches away from the waker; a woken or yielding fiber is
 *       queued on the carrier that woke it (FIFO) or taken by an idle carrier.</li>
 *   <li>Timers fire on a dedicated timer thread, never before their deadline.</li>
 * </ol>
 * Unlike the {@link Hub}, fibers on different carriers run in parallel and in no fixed
 * order relative to each other: guard shared state with Weft's locks.
 */
public final class WorkStealingScheduler extends Scheduler {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final ForkJoinPool carriers;
    private final TimerThread timers;
    /** Spawned, unfinished fibers: what close must kill. */
    private final Set<Fiber<?>> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /** Creates a scheduler with one carrier per available processor. */
    public WorkStealingScheduler() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Creates a scheduler with {@code carriers} carrier threads (daemons).
     *
     * @throws IllegalArgumentException if {@code carriers < 1}
     */
    public WorkStealingScheduler(int carriers) {
        if (carriers < 1) {
            throw new IllegalArgumentException("a scheduler needs at least one carrier, was asked for " + carriers);
        }
        String prefix = "weft-carrier-" + COUNT.incrementAndGet() + "-";
        AtomicInteger n = new AtomicInteger();
        this.carriers = new ForkJoinPool(carriers, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, null, true);
        this.timers = new TimerThread(prefix + "timer");
    }

    /** The number of carrier threads. */
    public int carrierCount() {
        return carriers.getParallelism();
    }

    @Override
    void admit(Fiber<?> f) {
        if (closing) {
            throw new RejectedExecutionException(this + " is closed: it spawns no more fibers");
        }
        live.add(f);
        // NOTE: re-check after publishing the fiber: close sets closing, then kills what it
        // finds in live; a spawn that slips between is either seen by close or rejected here.
        if (closing) {
            live.remove(f);
            throw new RejectedExecutionException(this + " is closed: it spawns no more fibers");
        }
        submit(f);
    }

    @Override
    void submit(Fiber<?> f) {
        carriers.execute(f::runOnCarrier);
    }

    @Override
    void onStart(Fiber<?> f) {
    }

    @Override
    void onTerminate(Fiber<?> f) {
        live.remove(f);
    }

    @Override
    void schedule(TimerTask task, long deadline) {
        timers.schedule(task, deadline);
    }

    @Override
    void cancel(TimerTask task) {
        timers.cancel(task);
    }

    /** Spawned fibers that have not ended. */
    int liveFibers() {
        return live.size();
    }

    /** Timers armed now. */
    int pendingTimers() {
        return timers.size();
    }

    @Override
    public void close() {
        requireNotOwnFiber("WorkStealingScheduler.close()");
        closing = true;
        ArrayList<Fiber<?>> unfinished = new ArrayList<>(live);
        Fiber.killAll(unfinished);
        boolean interrupted = false;
        for (Fiber<?> f : unfinished) {
            interrupted |= joinUninterruptibly(f);
        }
        carriers.shutdown();
        while (!carriers.isTerminated()) {
            try {
                carriers.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        timers.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    @Override
    public String toString() {
        return "WorkStealingScheduler[" + carriers.getParallelism() + " carriers]";
    }
}
