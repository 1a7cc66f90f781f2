package dev.weft.stress.soak;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.locks.ReentrantLock;
import dev.weft.locks.Semaphore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak (issue 4, section 4): a long-running stress program, not a jcstress test.
 * Fibers on a {@link MultiCarrierScheduler} with 2 carriers, plus 2 platform threads, do random
 * acquire / release / timed tryAcquire / kill / {@link Timeout} operations on shared
 * {@link Semaphore}s and a {@link ReentrantLock} (which guards a counter incremented
 * non-atomically) until the deadline, then the program checks that
 * <ul>
 *   <li>permits are conserved (each semaphore's {@code availablePermits()} is back to its start),</li>
 *   <li>no waiter is left queued ({@code queueLength() == 0} on every semaphore and the lock),</li>
 *   <li>no fiber is alive (every fiber spawned is done once the scheduler is closed),</li>
 *   <li>the lock counter equals the number of increments made under the lock,</li>
 *   <li>no exception was thrown but the expected ones ({@link FiberExit} in killed fibers,
 *       {@link TimeoutExpired} of a fiber's own timeout, {@code false} from a timed-out
 *       {@code tryAcquire}).</li>
 * </ul>
 * Prints the count of each operation, and exits with status 1 and one line per violation if
 * any check fails. Usage: {@code Soak [seconds]} (60 by default); {@code ./weft stress soak}.
 */
public final class Soak {
    static final int PERMITS = 3;
    static final int SEMAPHORES = 2;
    static final int WORKER_FIBERS = 12;
    static final int PLATFORM_THREADS = 2;
    static final Duration GRACE = Duration.ofSeconds(30);

    enum Op {
        ACQUIRE_RELEASE, TRY_ACQUIRE_TIMED_OK, TRY_ACQUIRE_TIMED_OUT, TRY_ACQUIRE_NOW_OK, TRY_ACQUIRE_NOW_FAIL,
        TIMEOUT_SCOPE_DONE, TIMEOUT_EXPIRED, LOCKED_INCREMENT, LOCK_TRY_TIMED_OUT,
        KILL_QUEUED_OR_HOLDING, KILL_AFTER_DONE
    }

    final Semaphore[] sems = new Semaphore[SEMAPHORES];
    final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}; incremented by a read, a suspension, and a write. */
    long counter;
    /** Guarded by {@link #lock}: the increments that completed. */
    long lockedIncrements;
    final LongAdder[] counts = new LongAdder[Op.values().length];
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    /** The workers, and any victim that did not end (the ended victims are not kept: a long run spawns millions). */
    final Queue<Fiber<?>> fibers = new ConcurrentLinkedQueue<>();
    final LongAdder spawned = new LongAdder();
    final long deadline;

    Soak(long deadline) {
        this.deadline = deadline;
        for (int i = 0; i < SEMAPHORES; i++) {
            sems[i] = new Semaphore(PERMITS);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void count(Op op) {
        counts[op.ordinal()].increment();
    }

    void unexpected(String where, Throwable t) {
        StringBuilder sb = new StringBuilder("unexpected " + t + " in " + where);
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("\n        at ").append(e);
        }
        violations.add(sb.toString());
    }

    boolean running() {
        return System.nanoTime() - deadline < 0;
    }

    static Duration micros(long max) {
        return Duration.ofNanos(1_000L * ThreadLocalRandom.current().nextLong(max + 1));
    }

    /** A short hold: a suspension in a fiber, a spin or a short sleep in a thread. */
    /** Holds one permit of {@code s}, already acquired, for a pause, then gives it back. */
    static void holdThenRelease(Semaphore s, boolean fiber) throws InterruptedException {
        try {
            pause(fiber);
        } finally {
            s.release();
        }
    }

    static void pause(boolean fiber) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (fiber) {
            if (r.nextBoolean()) {
                Fiber.yieldNow();
            } else {
                Fiber.sleep(micros(300));
            }
        } else if (r.nextBoolean()) {
            Thread.onSpinWait();
        } else {
            Thread.sleep(0, r.nextInt(300_000));
        }
    }

    // ---------------------------------------------------------------- operations

    void step(boolean fiber, SpawnFn spawn) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Semaphore s = sems[r.nextInt(SEMAPHORES)];
        int choice = r.nextInt(fiber ? 7 : 6);
        switch (choice) {
            case 0 -> {
                s.acquire();
                holdThenRelease(s, fiber);
                count(Op.ACQUIRE_RELEASE);
            }
            case 1 -> {
                if (s.tryAcquire(micros(500))) {
                    holdThenRelease(s, fiber);
                    count(Op.TRY_ACQUIRE_TIMED_OK);
                } else {
                    count(Op.TRY_ACQUIRE_TIMED_OUT);
                }
            }
            case 2 -> {
                if (s.tryAcquire()) {
                    holdThenRelease(s, fiber);
                    count(Op.TRY_ACQUIRE_NOW_OK);
                } else {
                    count(Op.TRY_ACQUIRE_NOW_FAIL);
                }
            }
            case 3 -> {
                lock.lock();
                try {
                    long c = counter;
                    pause(fiber);        // a kill or timeout here leaves the counter untouched
                    counter = c + 1;
                    lockedIncrements++;  // no suspension between the write and this count
                } finally {
                    lock.unlock();
                }
                count(Op.LOCKED_INCREMENT);
            }
            case 4 -> {
                if (lock.tryLock(micros(500))) {
                    try {
                        long c = counter;
                        pause(fiber);
                        counter = c + 1;
                        lockedIncrements++;
                    } finally {
                        lock.unlock();
                    }
                    count(Op.LOCKED_INCREMENT);
                } else {
                    count(Op.LOCK_TRY_TIMED_OUT);
                }
            }
            case 5 -> killVictim(fiber, spawn, s);
            case 6 -> timeoutScope(s);
            default -> throw new AssertionError(choice);
        }
    }

    /** A fiber's own {@link Timeout} around a wait for a permit or the lock, and a hold. */
    void timeoutScope(Semaphore s) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Timeout t = Timeout.after(micros(400));
        try (t) {
            if (r.nextBoolean()) {
                s.acquire();
                try {
                    pause(true);
                } finally {
                    s.release();
                }
            } else {
                lock.lock();
                try {
                    long c = counter;
                    pause(true);
                    counter = c + 1;
                    lockedIncrements++;
                } finally {
                    lock.unlock();
                }
                count(Op.LOCKED_INCREMENT);
            }
            count(Op.TIMEOUT_SCOPE_DONE);
        } catch (TimeoutExpired e) {
            if (e.timeout() != t) {
                throw e;
            }
            count(Op.TIMEOUT_EXPIRED);
        }
    }

    /** Spawns a victim that waits for (or holds) a permit or the lock, and kills it after a while. */
    void killVictim(boolean fiber, SpawnFn spawn, Semaphore s) throws InterruptedException {
        boolean useLock = ThreadLocalRandom.current().nextInt(4) == 0;
        Fiber<?> victim = spawn.spawn(() -> {
            try {
                if (useLock) {
                    lock.lock();
                    try {
                        long c = counter;
                        Fiber.sleep(micros(500));
                        counter = c + 1;
                        lockedIncrements++;
                    } finally {
                        lock.unlock();
                    }
                    count(Op.LOCKED_INCREMENT);
                } else {
                    s.acquire();
                    try {
                        Fiber.sleep(micros(500));
                    } finally {
                        s.release();
                    }
                    count(Op.ACQUIRE_RELEASE);
                }
            } catch (FiberExit expected) {
                throw expected;
            } catch (Throwable t) {
                unexpected("a victim fiber", t);
            }
        });
        spawned.increment();
        if (fiber) {
            Fiber.sleep(micros(300));
        } else {
            Thread.sleep(0, ThreadLocalRandom.current().nextInt(300_000));
        }
        victim.kill();
        if (!victim.join(GRACE)) {
            fibers.add(victim);
            violations.add("a killed victim " + victim + " did not end within " + GRACE);
            return;
        }
        count(victim.isCancelled() ? Op.KILL_QUEUED_OR_HOLDING : Op.KILL_AFTER_DONE);
    }

    @FunctionalInterface
    interface SpawnFn {
        Fiber<?> spawn(Runnable task);
    }

    // ---------------------------------------------------------------- the run

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be at least 1, was " + seconds);
        }
        System.exit(run(seconds));
    }

    static int run(long seconds) throws InterruptedException {
        long start = System.nanoTime();
        Soak soak = new Soak(start + seconds * 1_000_000_000L);
        Fiber.setFailureHandler((f, t) -> soak.unexpected("fiber " + f + " (failure handler)", t));
        System.out.printf("soak: %d s, %d fibers on a MultiCarrierScheduler(2) + %d platform threads, "
                + "%d semaphores of %d permits, 1 ReentrantLock%n", seconds, WORKER_FIBERS, PLATFORM_THREADS,
                SEMAPHORES, PERMITS);

        MultiCarrierScheduler sched = new MultiCarrierScheduler(2);
        List<Fiber<?>> workers = new ArrayList<>();
        for (int i = 0; i < WORKER_FIBERS; i++) {
            Fiber<?> w = sched.spawn("soak-fiber-" + i, () -> {
                try {
                    while (soak.running()) {
                        soak.step(true, task -> Fiber.spawn(task::run));
                    }
                } catch (FiberExit | TimeoutExpired e) {
                    soak.unexpected("a worker fiber (nobody killed it or opened an outer timeout)", e);
                } catch (Throwable t) {
                    soak.unexpected("a worker fiber", t);
                }
            });
            workers.add(w);
            soak.fibers.add(w);
            soak.spawned.increment();
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < PLATFORM_THREADS; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (soak.running()) {
                        soak.step(false, task -> sched.spawn(task::run));
                    }
                } catch (Throwable e) {
                    soak.unexpected("a platform thread", e);
                }
            }, "soak-thread-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }

        // Bounded: every operation is short, so all end soon after the deadline.
        for (Fiber<?> w : workers) {
            if (!w.join(GRACE.plusSeconds(seconds))) {
                soak.violations.add("worker " + w + " still running " + GRACE + " after the deadline");
            }
        }
        for (Thread t : threads) {
            t.join(GRACE.toMillis());
            if (t.isAlive()) {
                soak.violations.add("platform thread " + t.getName() + " still running " + GRACE + " after the deadline");
            }
        }
        boolean ended = soak.violations.isEmpty();

        // Checks on the quiescent state (before close, which would kill what is still queued).
        for (int i = 0; i < SEMAPHORES; i++) {
            Semaphore s = soak.sems[i];
            if (s.availablePermits() != PERMITS) {
                soak.violations.add("permits not conserved: semaphore " + i + " has " + s.availablePermits()
                        + " available, started with " + PERMITS);
            }
            if (s.queueLength() != 0) {
                soak.violations.add("waiters left queued: semaphore " + i + " queueLength() = " + s.queueLength());
            }
        }
        if (soak.lock.queueLength() != 0) {
            soak.violations.add("waiters left queued: lock queueLength() = " + soak.lock.queueLength());
        }
        if (soak.lock.isLocked()) {
            soak.violations.add("the lock is still held: " + soak.lock);
        }
        soak.lock.lock();   // happens-before with the last increment
        long counter = soak.counter;
        long increments = soak.lockedIncrements;
        soak.lock.unlock();
        if (counter != increments) {
            soak.violations.add("lock counter " + counter + " != " + increments
                    + " increments made under the lock (mutual exclusion broken)");
        }

        sched.close();
        long alive = soak.fibers.stream().filter(f -> !f.isDone()).count();
        if (alive != 0) {
            soak.violations.add(alive + " fibers (of " + soak.spawned.sum() + " spawned) not done after the scheduler closed"
                    + (ended ? "" : " (the run did not end in time)"));
        }

        double took = (System.nanoTime() - start) / 1e9;
        System.out.println("soak: operations");
        long total = 0;
        for (Op op : Op.values()) {
            long n = soak.counts[op.ordinal()].sum();
            total += n;
            System.out.printf("  %-24s %,12d%n", op.name().toLowerCase(), n);
        }
        System.out.printf("  %-24s %,12d%n", "total", total);
        System.out.printf("soak: %,d fibers spawned, lock counter %,d, %.1f s%n", soak.spawned.sum(), counter, took);
        if (total == 0) {
            soak.violations.add("no operation completed");
        }
        if (!soak.violations.isEmpty()) {
            System.out.println("soak: FAILED, " + soak.violations.size() + " violation(s):");
            soak.violations.forEach(v -> System.out.println("  - " + v));
            return 1;
        }
        System.out.println("soak: PASSED (permits conserved, no waiter queued, no fiber alive, "
                + "counter == locked increments, no unexpected exception)");
        return 0;
    }
}
