package dev.weft.stress.soak;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.FiberLocal;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.locks.ReentrantLock;
import dev.weft.locks.Semaphore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak (issue 4, section 4; widened by issue 10, section 3 and issue 13, section 5): a long-running stress program,
 * not a jcstress test. Plain and patched ({@link Monkey}) fibers on a {@link MultiCarrierScheduler}
 * with 2 carriers, plus 2 platform threads, do random acquire / release / timed tryAcquire /
 * kill / {@link Timeout} operations on shared {@link Semaphore}s and a {@link ReentrantLock}
 * (which guards a counter incremented non-atomically), nested timeouts, timed joins on
 * long-lived fibers, and {@link FiberLocal} churn until the deadline, while a platform thread
 * closes other schedulers in the middle of their work (plain and patched fibers, and patched
 * spawns racing the close), and {@link ItemFlows} moves items through channels and a queue and
 * fibers through a pool (issue 13). Then the program checks that
 * <ul>
 *   <li>items are conserved: every item sent is received exactly once, or was still queued and
 *       is drained after the run; pool permits are conserved (see {@link ItemFlows}),</li>
 *   <li>permits are conserved (each semaphore's {@code availablePermits()} is back to its start),</li>
 *   <li>no waiter is left queued ({@code queueLength() == 0} on every semaphore and the lock),</li>
 *   <li>no fiber is alive (every fiber spawned is done once the scheduler is closed),</li>
 *   <li>the lock counter equals the number of increments made under the lock,</li>
 *   <li>every nested timeout that expired before a suspension point in its scope was thrown
 *       there (expected against delivered: an inner one in its scope, then the outer one),</li>
 *   <li>every close-while-busy round's {@code close()} returned within {@link #WIND_DOWN} and left
 *       every fiber of that scheduler done,</li>
 *   <li>no carrier spins: once every fiber is parked (the long-lived ones) or done, the
 *       carriers use less than {@link #IDLE_CPU_SHARE} of a CPU over a one-second window
 *       ({@link ThreadMXBean} thread CPU time; a carrier livelocked by a fiber whose park
 *       returns at once shows a whole CPU),</li>
 *   <li>heap after GC, taken at that point (the long-lived fibers still alive, so that what a
 *       timed join or a fiber-local leaves on them is still reachable), is back near its
 *       baseline taken after warm-up (at most {@link #HEAP_SLACK_BYTES} more),</li>
 *   <li>no exception was thrown but the expected ones ({@link FiberExit} in killed fibers,
 *       {@link TimeoutExpired} of a fiber's own timeout, {@code false} from a timed-out
 *       {@code tryAcquire} or {@code join}).</li>
 * </ul>
 * Prints the count of each operation and the figures of each check, and exits with status 1 and
 * one line per violation if any check fails. Usage: {@code Soak [seconds]} (60 by default);
 * {@code ./weft stress soak}.
 */
public final class Soak {
    static final int PERMITS = 3;
    static final int SEMAPHORES = 2;
    static final int WORKER_FIBERS = 12;
    static final int PATCHED_WORKER_FIBERS = 4;
    static final int PLATFORM_THREADS = 2;
    /** Long-lived fibers (half of them patched), targets of timed joins, parked until the checks. */
    static final int LONG_LIVED = 4;
    static final Duration GRACE = Duration.ofSeconds(30);
    /** How long the workers may take to finish their last operation after the deadline. */
    static final Duration WIND_DOWN = Duration.ofSeconds(10);
    /** The share of one CPU the carriers may use together while every fiber is parked. */
    static final double IDLE_CPU_SHARE = 0.10;
    static final long HEAP_SLACK_BYTES = 8L << 20;
    /** How often a long-lived fiber wakes from its wait (and sets a fresh FiberLocal). */
    static final Duration LONG_LIVED_WAKE = Duration.ofMillis(20);
    /** Timed joins (or gets) per timed-join operation. */
    static final int TIMED_JOINS = 16;
    /** A sleep long enough to span any deadline of a nested-timeout scope. */
    static final Duration PAST_DEADLINES = Duration.ofMillis(20);

    enum Op {
        ACQUIRE_RELEASE, TRY_ACQUIRE_TIMED_OK, TRY_ACQUIRE_TIMED_OUT, TRY_ACQUIRE_NOW_OK, TRY_ACQUIRE_NOW_FAIL,
        TIMEOUT_SCOPE_DONE, TIMEOUT_EXPIRED, LOCKED_INCREMENT, LOCK_TRY_TIMED_OUT,
        KILL_QUEUED_OR_HOLDING, KILL_AFTER_DONE,
        NESTED_TIMEOUTS, TIMED_JOIN_TIMED_OUT, TIMED_GET_TIMED_OUT, FIBER_LOCAL_CHURN, CLOSE_WHILE_BUSY
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
    /** Expired timeouts that had to be thrown in their scope, and those that were. */
    final LongAdder timeoutsExpected = new LongAdder();
    final LongAdder timeoutsDelivered = new LongAdder();
    /** The lost ones, by kind: an inner one (outer thrown in its place) or an outer one; plain or patched fibers. */
    final LongAdder[] timeoutsLost = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    /** The carrier threads of the main scheduler, as plain fibers see them. */
    final Set<Thread> carriers = ConcurrentHashMap.newKeySet();
    /** Released once the checks are done: the long-lived fibers wait on it. */
    final Semaphore gate = new Semaphore(0);
    final List<Fiber<?>> longLived = new ArrayList<>();
    final FiberLocal<long[]> ownCounter = new FiberLocal<>();
    /** Set before the final close, whose kills end what is still running then. */
    volatile boolean closing;
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
        int choice = r.nextInt(fiber ? 11 : 8);
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
            case 6 -> timedJoin();
            case 7 -> fiberLocalChurn(fiber);
            case 8 -> timeoutScope(s);
            case 9, 10 -> nestedTimeouts();
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

    /**
     * An outer and an inner timeout (the inner expiring first, at half the outer's 20-300 us),
     * a spin of up to 400 us without a suspension point (so that both may expire before the
     * next one, in one timer pass), then a sleep past both deadlines in each scope: the inner
     * must be thrown in its scope and the outer after it, at the second sleep.
     */
    void nestedTimeouts() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long outerNanos = 20_000 + r.nextLong(280_000);
        long start = System.nanoTime();
        boolean innerExpected = false;
        boolean innerThrown = false;
        boolean outerThrown = false;
        Timeout outer = Timeout.after(Duration.ofNanos(outerNanos));
        try (outer) {
            long innerNanos = Math.max(1, start + outerNanos / 2 - System.nanoTime());
            Timeout inner = Timeout.after(Duration.ofNanos(innerNanos));
            innerExpected = System.nanoTime() + innerNanos - start < outerNanos; // else held up: the outer may go first
            try (inner) {
                for (long end = System.nanoTime() + r.nextLong(400_000); System.nanoTime() < end; ) {
                    Thread.onSpinWait();
                }
                Fiber.sleep(PAST_DEADLINES);
            } catch (TimeoutExpired e) {
                if (e.timeout() != inner) {
                    throw e;
                }
                innerThrown = true;
            }
            Fiber.sleep(PAST_DEADLINES);
        } catch (TimeoutExpired e) {
            if (e.timeout() != outer) {
                throw e;
            }
            outerThrown = true;
        }
        timeoutsExpected.add(innerExpected ? 2 : 1);
        timeoutsDelivered.add((innerExpected && innerThrown ? 1 : 0) + (outerThrown ? 1 : 0));
        int patched = Thread.currentThread().isVirtual() ? 1 : 0; // a patched fiber runs as a virtual thread
        if (innerExpected && !innerThrown) {
            timeoutsLost[patched].increment();
        }
        if (!outerThrown) {
            timeoutsLost[2 + patched].increment();
        }
        count(Op.NESTED_TIMEOUTS);
    }

    /**
     * {@value #TIMED_JOINS} timed joins, or timed gets, of up to 20 us on a long-lived fiber: they
     * time out, and must leave nothing behind on it.
     */
    void timedJoin() throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Fiber<?> target = longLived.get(r.nextInt(longLived.size()));
        for (int i = 0; i < TIMED_JOINS; i++) {
            long nanos = 1 + r.nextLong(20_000);
            if (r.nextBoolean()) {
                if (!target.join(Duration.ofNanos(nanos))) {
                    count(Op.TIMED_JOIN_TIMED_OUT);
                }
            } else {
                try {
                    target.get(nanos, TimeUnit.NANOSECONDS);
                } catch (TimeoutException expected) {
                    count(Op.TIMED_GET_TIMED_OUT);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                    unexpected("a timed get on a long-lived fiber", e);
                }
            }
        }
    }

    /**
     * A fresh {@link FiberLocal} set and read back, and the strand's own counter (one local for
     * the whole run) incremented across a suspension: a strand must see only its own values.
     */
    void fiberLocalChurn(boolean fiber) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        FiberLocal<Long> fresh = new FiberLocal<>();
        long v = r.nextLong();
        fresh.set(v);
        long[] own = ownCounter.get();
        if (own == null) {
            own = new long[1];
            ownCounter.set(own);
        }
        long before = ++own[0];
        pause(fiber);
        if (fresh.get() != v || ownCounter.get() != own || own[0] != before) {
            violations.add("a FiberLocal read back another strand's value (or lost its own) across a suspension");
        }
        if (r.nextBoolean()) {
            fresh.remove();
        }
        count(Op.FIBER_LOCAL_CHURN);
    }

    /**
     * One close-while-busy round: a fresh scheduler (a MultiCarrierScheduler(2) or a Hub) with
     * plain and patched fibers that sleep, yield, wait for a semaphore or open timeouts, and
     * patched spawns racing the close. {@code close()} must return within {@link #WIND_DOWN} and
     * leave every fiber done.
     *
     * @return false if the round hung (its scheduler cannot be stopped: no more rounds)
     */
    boolean closeWhileBusy(boolean group) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Scheduler sched = group ? new MultiCarrierScheduler(2) : new Hub("soak-close-round");
        Semaphore local = new Semaphore(1);
        List<Fiber<?>> busy = new ArrayList<>();
        Runnable work = () -> {
            ThreadLocalRandom fr = ThreadLocalRandom.current();
            try {
                for (;;) {
                    switch (fr.nextInt(4)) {
                        case 0 -> Fiber.yieldNow();
                        case 1 -> Fiber.sleep(micros(200));
                        case 2 -> {
                            local.acquire();
                            try {
                                Fiber.sleep(micros(100));
                            } finally {
                                local.release();
                            }
                        }
                        default -> {
                            try (Timeout t = Timeout.after(micros(100))) {
                                Fiber.sleep(micros(200));
                            } catch (TimeoutExpired expected) {
                                // its own timeout
                            }
                        }
                    }
                }
            } catch (FiberExit closed) {
                throw closed;
            } catch (InterruptedException closed) {
                // the close's kill reaches a patched fiber's wait as an interrupt: it ends killed
            } catch (Throwable t) {
                unexpected("a fiber of a close-while-busy round", t);
            }
        };
        for (int i = 0; i < 8; i++) {
            busy.add(i % 2 == 0 ? sched.spawn(work::run) : Monkey.spawn(sched, work::run));
        }
        Thread.sleep(0, r.nextInt(1_000_000));
        for (int i = 0; i < 2; i++) {
            busy.add(Monkey.spawn(sched, () -> {})); // its first turn may come after close began
        }
        Thread closer = Thread.ofPlatform().daemon().name("soak-closer").start(sched::close);
        closer.join(WIND_DOWN);
        long notDone = busy.stream().filter(f -> !f.isDone()).count();
        if (closer.isAlive()) {
            violations.add("close() of " + sched + " in a close-while-busy round did not return within " + WIND_DOWN
                    + " (" + notDone + " of its fibers not done)");
            System.out.println("soak: a close-while-busy round hangs; the fibers of every scheduler now:");
            System.out.println(Scheduler.dumpAll());
            return false;
        }
        if (notDone != 0) {
            violations.add(sched + " closed in a close-while-busy round left " + notDone + " of its fibers not done");
            return false;
        }
        count(Op.CLOSE_WHILE_BUSY);
        return true;
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
            } catch (InterruptedException killed) {
                // a victim's only interrupter is its kill, which reaches a patched victim's wait so
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
        System.out.printf("soak: %d s, %d plain and %d patched fibers on a MultiCarrierScheduler(2) + %d platform threads, "
                + "%d semaphores of %d permits, 1 ReentrantLock, %d long-lived fibers, close-while-busy rounds%n", seconds,
                WORKER_FIBERS, PATCHED_WORKER_FIBERS, PLATFORM_THREADS, SEMAPHORES, PERMITS, LONG_LIVED);

        MultiCarrierScheduler sched = new MultiCarrierScheduler(2);
        for (int i = 0; i < LONG_LIVED; i++) {
            Runnable parked = () -> {
                try {
                    while (!soak.gate.tryAcquire(LONG_LIVED_WAKE)) {
                        new FiberLocal<>().set(Boolean.TRUE); // a fresh local in a fiber that lives on
                    }
                } catch (Throwable t) {
                    soak.unexpected("a long-lived fiber", t);
                }
            };
            Fiber<?> f = i % 2 == 0 ? sched.spawn("soak-long-lived-" + i, parked::run) : Monkey.spawn(sched, parked::run);
            soak.longLived.add(f);
            soak.fibers.add(f);
            soak.spawned.increment();
        }
        SpawnFn victims = task -> ThreadLocalRandom.current().nextBoolean() ? Fiber.spawn(task::run) : Monkey.spawn(sched, task::run);
        List<Fiber<?>> workers = new ArrayList<>();
        for (int i = 0; i < WORKER_FIBERS + PATCHED_WORKER_FIBERS; i++) {
            boolean patched = i >= WORKER_FIBERS;
            Runnable body = () -> {
                try {
                    while (soak.running()) {
                        if (!patched) {
                            soak.carriers.add(Thread.currentThread()); // a plain fiber's thread is its carrier
                        }
                        soak.step(true, victims);
                    }
                } catch (FiberExit | TimeoutExpired e) {
                    if (!(e instanceof FiberExit && soak.closing)) { // a worker still running at the close is reported already
                        soak.unexpected("a worker fiber (nobody killed it or opened an outer timeout)", e);
                    }
                } catch (Throwable t) {
                    soak.unexpected("a worker fiber", t);
                }
            };
            Fiber<?> w = patched ? Monkey.spawn(sched, body::run) : sched.spawn("soak-fiber-" + i, body::run);
            workers.add(w);
            soak.fibers.add(w);
            soak.spawned.increment();
        }
        List<Thread> threads = new ArrayList<>();
        ItemFlows flows = new ItemFlows(soak, sched);
        flows.start(workers, threads);
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

        Thread closeRounds = new Thread(() -> {
            try {
                for (boolean group = true; soak.running(); group = !group) {
                    if (!soak.closeWhileBusy(group)) {
                        return; // a hung scheduler cannot be stopped: no more rounds
                    }
                    Thread.sleep(20);
                }
            } catch (Throwable e) {
                soak.unexpected("the close-while-busy thread", e);
            }
        }, "soak-close-rounds");
        closeRounds.setDaemon(true);
        closeRounds.start();
        threads.add(closeRounds);

        // The heap baseline, once the run is warm (the scheduler's queues and heaps grown, classes loaded).
        Thread.sleep(Math.min(seconds * 1000 / 10, 3000));
        long heapBaseline = heapAfterGc();

        // Bounded: every operation is short, so all end soon after the deadline.
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(soak.deadline - System.nanoTime())));
        while (soak.running()) {
            Thread.onSpinWait(); // the sleep's milliseconds may end just before the deadline
        }
        flows.closeConduits(); // blocked senders fail, consumers drain what is left and end
        int violationsBefore = soak.violations.size();
        long windDownEnd = System.nanoTime() + WIND_DOWN.toNanos();
        for (Fiber<?> w : workers) {
            if (!w.join(until(windDownEnd))) {
                soak.violations.add("worker " + w + " still running " + WIND_DOWN + " after the deadline");
            }
        }
        for (Thread t : threads) {
            t.join(until(windDownEnd));
            if (t.isAlive()) {
                soak.violations.add("platform thread " + t.getName() + " still running " + WIND_DOWN + " after the deadline");
            }
        }
        boolean ended = soak.violations.size() == violationsBefore;
        if (!ended) {
            System.out.println("soak: the run did not wind down; the fibers of every scheduler now:");
            System.out.println(Scheduler.dumpAll()); // what each stuck fiber waits on, and its stack
        }

        // Every fiber is now parked (the long-lived ones) or done: the carriers must be idle, and the heap back.
        Map<String, Long> cpuPerCarrier = carrierCpuNanos(carriersOfGroup(soak.carriers), Duration.ofSeconds(1));
        long carrierCpu = cpuPerCarrier.values().stream().mapToLong(Long::longValue).sum();
        if (carrierCpu > IDLE_CPU_SHARE * 1e9) {
            soak.violations.add(String.format("a carrier spins: the carriers used %.0f ms of CPU in 1 s (%s) while every "
                    + "fiber was parked or done (a park that returns at once?)", carrierCpu / 1e6, millis(cpuPerCarrier)));
        }
        long heapEnd = heapAfterGc();
        if (heapEnd > heapBaseline + HEAP_SLACK_BYTES) {
            soak.violations.add(String.format("heap after GC %,d KB, baseline %,d KB: %,d KB more than the %,d KB "
                    + "allowed (timed waits or fiber-locals left behind on live fibers?)", heapEnd >> 10, heapBaseline >> 10,
                    (heapEnd - heapBaseline) >> 10, HEAP_SLACK_BYTES >> 10));
        }
        long expected = soak.timeoutsExpected.sum();
        long delivered = soak.timeoutsDelivered.sum();
        if (delivered != expected) {
            soak.violations.add(String.format("timeouts lost: %,d nested-timeout scopes expired before a suspension point "
                    + "in them, %,d threw there (inner ones lost: %,d in plain fibers, %,d in patched ones; outer ones "
                    + "lost: %,d plain, %,d patched)", expected, delivered, soak.timeoutsLost[0].sum(), soak.timeoutsLost[1].sum(),
                    soak.timeoutsLost[2].sum(), soak.timeoutsLost[3].sum()));
        }
        soak.gate.release(LONG_LIVED);
        long releasedEnd = System.nanoTime() + WIND_DOWN.toNanos();
        for (Fiber<?> f : soak.longLived) {
            if (!f.join(until(releasedEnd))) {
                soak.violations.add("long-lived fiber " + f + " did not end within " + WIND_DOWN + " of its release");
            }
        }

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
        flows.check();
        if (soak.lock.queueLength() != 0) {
            soak.violations.add("waiters left queued: lock queueLength() = " + soak.lock.queueLength());
        }
        if (soak.lock.isLocked()) {
            soak.violations.add("the lock is still held: " + soak.lock);
        }
        long counter = -1;
        long increments = -1;
        if (soak.lock.tryLock(WIND_DOWN)) { // happens-before with the last increment
            try {
                counter = soak.counter;
                increments = soak.lockedIncrements;
            } finally {
                soak.lock.unlock();
            }
        } else {
            soak.violations.add("the lock could not be taken within " + WIND_DOWN + " after the run: its holder never "
                    + "released it (a fiber stuck on a spinning carrier?)");
        }
        if (counter != increments) {
            soak.violations.add("lock counter " + counter + " != " + increments
                    + " increments made under the lock (mutual exclusion broken)");
        }

        soak.closing = true;
        Thread closer = Thread.ofPlatform().daemon().name("soak-close").start(sched::close);
        closer.join(WIND_DOWN);
        if (closer.isAlive()) {
            soak.violations.add("close() of the soak's scheduler did not return within " + WIND_DOWN);
            System.out.println("soak: close() hangs; the fibers of every scheduler now:");
            System.out.println(Scheduler.dumpAll());
        }
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
        System.out.println(flows.summary());
        System.out.printf("soak: %,d fibers spawned, lock counter %,d, %.1f s%n", soak.spawned.sum(), counter, took);
        System.out.printf("soak: nested timeouts expected %,d, delivered %,d; carriers' CPU while parked %s in 1 s; "
                + "heap after GC %,d KB (baseline %,d KB)%n", expected, delivered, millis(cpuPerCarrier), heapEnd >> 10, heapBaseline >> 10);
        if (total == 0) {
            soak.violations.add("no operation completed");
        }
        if (!soak.violations.isEmpty()) {
            System.out.println("soak: FAILED, " + soak.violations.size() + " violation(s):");
            soak.violations.forEach(v -> System.out.println("  - " + v));
            return 1;
        }
        System.out.println("soak: PASSED (permits conserved, items conserved, pool permits conserved, no waiter queued, no fiber alive, "
                + "counter == locked increments, every timeout delivered, every close returned, no carrier spinning, "
                + "heap back to its baseline, no unexpected exception)");
        return 0;
    }

    /** The time left until {@code end} (a System.nanoTime() value), at least zero. */
    static Duration until(long end) {
        return Duration.ofNanos(Math.max(0, end - System.nanoTime()));
    }

    /** Used heap after a full collection (two, so that what finalization released is gone too). */
    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Every carrier of the group whose carriers the plain workers ran on (they may all have run
     * on one): a MultiCarrierScheduler names its carriers {@code weft-carrier-G-i}.
     */
    static Set<Thread> carriersOfGroup(Set<Thread> seen) {
        Set<String> prefixes = new java.util.HashSet<>();
        for (Thread t : seen) {
            prefixes.add(t.getName().substring(0, t.getName().lastIndexOf('-') + 1));
        }
        Set<Thread> all = new java.util.HashSet<>(seen);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            for (String p : prefixes) {
                if (name.startsWith(p) && name.substring(p.length()).chars().allMatch(Character::isDigit)) {
                    all.add(t);
                }
            }
        }
        return all;
    }

    /** The CPU time each of the given threads uses over {@code window} (a sleep of the caller), by name. */
    static Map<String, Long> carrierCpuNanos(Set<Thread> threads, Duration window) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Thread, Long> before = new java.util.HashMap<>();
        for (Thread t : threads) {
            before.put(t, Math.max(0, mx.getThreadCpuTime(t.threadId())));
        }
        Thread.sleep(window);
        Map<String, Long> used = new java.util.TreeMap<>();
        for (Thread t : threads) {
            used.put(t.getName(), Math.max(0, mx.getThreadCpuTime(t.threadId())) - before.get(t));
        }
        return used;
    }

    private static String millis(Map<String, Long> nanosByName) {
        StringBuilder s = new StringBuilder();
        nanosByName.forEach((name, nanos) -> s.append(s.isEmpty() ? "" : ", ").append(name).append(": ")
                .append(nanos / 1_000_000).append(" ms"));
        return s.toString();
    }
}
