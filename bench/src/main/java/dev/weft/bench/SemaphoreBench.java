package dev.weft.bench;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * Weft's {@link Semaphore} against {@code java.util.concurrent.Semaphore} (issue 3 §5).
 * <ul>
 *   <li>{@code uncontended_*}: one thread, {@code acquire()} then {@code release()} on a
 *       semaphore with one permit; the score is one pair. Weft vs the JDK's fair and non-fair
 *       semaphore.</li>
 *   <li>{@code adapter_*}: the same pair, called as an independent harness calls it: through a
 *       thin adapter interface ({@link Permits}), from a method that is not inlined into the
 *       benchmark loop and whose call sites have seen all three semaphores (megamorphic: an
 *       interface dispatch per call, nothing inlined across it).</li>
 *   <li>{@code handoff_*}: two strands on one carrier contend for one permit; each does
 *       {@value #ROUNDS} x {@code acquire(); release()}. Both are queued before the first
 *       permit is released, and both semaphores are FIFO, so every release hands the permit to
 *       the other strand, which is parked in {@code acquire}: the score is one hand-off (one
 *       blocked acquire, its release and one switch). {@code hub}: Weft fibers on a
 *       {@link Hub}; {@code vtCustom1}: the JDK's {@code Semaphore(0, true)} with virtual
 *       threads on one carrier ({@link OneCarrierVirtualThreads}). Its {@code
 *       gc.alloc.rate.norm} is the allocation of one blocked acquire (the two strands' start
 *       and join are spread over {@value #HANDOFFS} hand-offs).</li>
 *   <li>{@code threads2_*} / {@code threads4_*} / {@code threads8_*}: two / four / eight
 *       platform threads (JMH threads) each doing {@code acquire(); release()} on one shared
 *       one-permit semaphore: Weft vs the JDK's {@code Semaphore(1, true)}. The score is the
 *       average time of one pair per thread. Whether a pair finds the permit free or waits for
 *       it depends on how the OS schedules the threads, so this is contention, not a strict
 *       hand-off.</li>
 *   <li>{@code handoffThreads_*}: the hand-off above with {@code threads} (2, 4, 8) platform
 *       threads instead of two fibers: the benchmark thread starts them on a semaphore with no
 *       permit, waits until all are queued in {@code acquire}, then releases one permit; each
 *       does {@code acquire(); release()} until they have made {@value #THREAD_HANDOFFS}
 *       hand-offs together. A queued thread is woken by the OS (a futex wake), so a hand-off
 *       costs microseconds. Weft vs the JDK's {@code Semaphore(0, true)}; the score is one
 *       hand-off (the threads' start and join are spread over them).</li>
 *   <li>{@code mixed_*}: fibers and threads on one semaphore: two strands on one carrier and two
 *       platform threads, all queued before the first release, then {@value #MIXED_ROUNDS} x
 *       {@code acquire(); release()} each, so the permit goes round the four in FIFO order:
 *       {@code weft}: two fibers on a {@link Hub} and two platform threads on Weft's
 *       {@code Semaphore}; {@code jucFair}: two virtual threads on one carrier
 *       ({@link OneCarrierVirtualThreads}) and two platform threads on the JDK's
 *       {@code Semaphore(0, true)}. The score is one hand-off.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class SemaphoreBench {
    static final int ROUNDS = 10_000;
    /** Hand-offs per invocation: every release but the very last one hands the permit over. */
    static final int HANDOFFS = 2 * ROUNDS;
    /** Hand-offs per invocation of {@code handoffThreads_*}, shared out among the threads. */
    static final int THREAD_HANDOFFS = 4_000;
    /** {@code acquire(); release()} pairs per strand in {@code mixed_*}, whose four strands hand off. */
    static final int MIXED_ROUNDS = 1_000;
    static final int MIXED_HANDOFFS = 4 * MIXED_ROUNDS;

    // ------------------------------------------------------------------ uncontended

    /** One semaphore of each kind per benchmark thread. */
    @State(Scope.Thread)
    public static class Own {
        final Semaphore weft = new Semaphore(1);
        final java.util.concurrent.Semaphore jucFair = new java.util.concurrent.Semaphore(1, true);
        final java.util.concurrent.Semaphore jucNonFair = new java.util.concurrent.Semaphore(1, false);
    }

    @Benchmark
    public void uncontended_weft(Own s) throws InterruptedException {
        s.weft.acquire();
        s.weft.release();
    }

    @Benchmark
    public void uncontended_jucFair(Own s) throws InterruptedException {
        s.jucFair.acquire();
        s.jucFair.release();
    }

    @Benchmark
    public void uncontended_jucNonFair(Own s) throws InterruptedException {
        s.jucNonFair.acquire();
        s.jucNonFair.release();
    }

    /** The thin adapter an independent harness drives each semaphore through. */
    interface Permits {
        void acquire() throws InterruptedException;

        void release();
    }

    /** One semaphore of each kind per benchmark thread, behind the adapter. */
    @State(Scope.Thread)
    public static class Adapted {
        final Permits weft;
        final Permits jucFair;
        final Permits jucNonFair;

        public Adapted() {
            Own own = new Own();
            weft = new WeftPermits(own.weft);
            jucFair = new JucFairPermits(own.jucFair);
            jucNonFair = new JucNonFairPermits(own.jucNonFair);
        }

        /** Every kind through {@link #pairVia} before the benchmark: its call sites are megamorphic. */
        @Setup(Level.Trial)
        public void makeCallSitesMegamorphic() throws InterruptedException {
            for (int i = 0; i < 20_000; i++) {
                pairVia(weft);
                pairVia(jucFair);
                pairVia(jucNonFair);
            }
        }
    }

    /* One adapter class per kind, as a harness has one per library: three receiver classes make the call sites megamorphic. */

    record WeftPermits(Semaphore sem) implements Permits {
        @Override
        public void acquire() throws InterruptedException {
            sem.acquire();
        }

        @Override
        public void release() {
            sem.release();
        }
    }

    record JucFairPermits(java.util.concurrent.Semaphore sem) implements Permits {
        @Override
        public void acquire() throws InterruptedException {
            sem.acquire();
        }

        @Override
        public void release() {
            sem.release();
        }
    }

    record JucNonFairPermits(java.util.concurrent.Semaphore sem) implements Permits {
        @Override
        public void acquire() throws InterruptedException {
            sem.acquire();
        }

        @Override
        public void release() {
            sem.release();
        }
    }

    /** One pair through the adapter; never inlined, so its profile is its own (all three kinds). */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static void pairVia(Permits p) throws InterruptedException {
        p.acquire();
        p.release();
    }

    @Benchmark
    public void adapter_weft(Adapted s) throws InterruptedException {
        pairVia(s.weft);
    }

    @Benchmark
    public void adapter_jucFair(Adapted s) throws InterruptedException {
        pairVia(s.jucFair);
    }

    @Benchmark
    public void adapter_jucNonFair(Adapted s) throws InterruptedException {
        pairVia(s.jucNonFair);
    }

    // ------------------------------------------------------------------ two strands, one carrier

    @State(Scope.Benchmark)
    public static class OneCarrier {
        Hub hub;
        OneCarrierVirtualThreads vt;

        @Setup(Level.Trial)
        public void start() {
            hub = new Hub("bench-hub");
            vt = new OneCarrierVirtualThreads();
        }

        @TearDown(Level.Trial)
        public void stop() {
            hub.close();
            vt.close();
        }
    }

    private static Void weftRounds(Semaphore sem) throws InterruptedException {
        return weftRounds(sem, ROUNDS);
    }

    private static Void weftRounds(Semaphore sem, int rounds) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            sem.acquire();
            sem.release();
        }
        return null;
    }

    /** {@link #weftRounds(Semaphore, int)} for a thread's {@code Runnable}. */
    private static void weftRoundsInThread(Semaphore sem, int rounds) {
        try {
            weftRounds(sem, rounds);
        } catch (InterruptedException e) {
            throw new IllegalStateException("benchmark strand interrupted", e);
        }
    }

    private static void jucRounds(java.util.concurrent.Semaphore sem) {
        jucRounds(sem, ROUNDS);
    }

    private static void jucRounds(java.util.concurrent.Semaphore sem, int rounds) {
        try {
            for (int i = 0; i < rounds; i++) {
                sem.acquire();
                sem.release();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("benchmark strand interrupted", e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public int handoff_hub(OneCarrier c) throws Exception {
        return c.hub.invoke(() -> {
            Semaphore sem = new Semaphore(0);
            Fiber<Void> a = Fiber.spawn(() -> weftRounds(sem));
            Fiber<Void> b = Fiber.spawn(() -> weftRounds(sem));
            while (sem.queueLength() < 2) {
                Fiber.yieldNow(); // a and b run up to their first acquire and queue
            }
            sem.release();
            a.join();
            b.join();
            return sem.availablePermits();
        });
    }

    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public int handoff_vtCustom1(OneCarrier c) throws InterruptedException {
        Thread.Builder.OfVirtual vt = c.vt.builder();
        java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(0, true);
        vt.start(() -> {
            Thread a = vt.start(() -> jucRounds(sem));
            Thread b = vt.start(() -> jucRounds(sem));
            while (sem.getQueueLength() < 2) {
                Thread.yield();
            }
            sem.release();
            try {
                a.join();
                b.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException("benchmark strand interrupted", e);
            }
        }).join();
        return sem.availablePermits();
    }

    // ------------------------------------------------------------------ platform threads

    /** One semaphore of each kind shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        final Semaphore weft = new Semaphore(1);
        final java.util.concurrent.Semaphore jucFair = new java.util.concurrent.Semaphore(1, true);
    }

    @Benchmark
    @Threads(2)
    public void threads2_weft(Shared s) throws InterruptedException {
        s.weft.acquire();
        s.weft.release();
    }

    @Benchmark
    @Threads(2)
    public void threads2_jucFair(Shared s) throws InterruptedException {
        s.jucFair.acquire();
        s.jucFair.release();
    }

    @Benchmark
    @Threads(4)
    public void threads4_weft(Shared s) throws InterruptedException {
        s.weft.acquire();
        s.weft.release();
    }

    @Benchmark
    @Threads(4)
    public void threads4_jucFair(Shared s) throws InterruptedException {
        s.jucFair.acquire();
        s.jucFair.release();
    }

    @Benchmark
    @Threads(8)
    public void threads8_weft(Shared s) throws InterruptedException {
        s.weft.acquire();
        s.weft.release();
    }

    @Benchmark
    @Threads(8)
    public void threads8_jucFair(Shared s) throws InterruptedException {
        s.jucFair.acquire();
        s.jucFair.release();
    }

    // ------------------------------------------------------------------ hand-off between platform threads

    @State(Scope.Benchmark)
    public static class PlatformThreads {
        /** Platform threads sharing the semaphore. */
        @Param({"2", "4", "8"})
        public int threads;
    }

    @Benchmark
    @OperationsPerInvocation(THREAD_HANDOFFS)
    public int handoffThreads_weft(PlatformThreads p) throws InterruptedException {
        Semaphore sem = new Semaphore(0);
        int rounds = THREAD_HANDOFFS / p.threads;
        Thread[] threads = new Thread[p.threads];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofPlatform().start(() -> weftRoundsInThread(sem, rounds));
        }
        while (sem.queueLength() < threads.length) {
            Thread.yield(); // the threads run up to their first acquire and queue
        }
        sem.release();
        joinAll(threads);
        return sem.availablePermits();
    }

    @Benchmark
    @OperationsPerInvocation(THREAD_HANDOFFS)
    public int handoffThreads_jucFair(PlatformThreads p) throws InterruptedException {
        java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(0, true);
        int rounds = THREAD_HANDOFFS / p.threads;
        Thread[] threads = new Thread[p.threads];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofPlatform().start(() -> jucRounds(sem, rounds));
        }
        while (sem.getQueueLength() < threads.length) {
            Thread.yield();
        }
        sem.release();
        joinAll(threads);
        return sem.availablePermits();
    }

    // ------------------------------------------------------------------ fibers and threads mixed

    @Benchmark
    @OperationsPerInvocation(MIXED_HANDOFFS)
    public int mixed_weft(OneCarrier c) throws InterruptedException {
        Semaphore sem = new Semaphore(0);
        Fiber<Void> a = c.hub.spawn(() -> weftRounds(sem, MIXED_ROUNDS));
        Fiber<Void> b = c.hub.spawn(() -> weftRounds(sem, MIXED_ROUNDS));
        Thread x = Thread.ofPlatform().start(() -> weftRoundsInThread(sem, MIXED_ROUNDS));
        Thread y = Thread.ofPlatform().start(() -> weftRoundsInThread(sem, MIXED_ROUNDS));
        while (sem.queueLength() < 4) {
            Thread.yield();
        }
        sem.release();
        a.join();
        b.join();
        joinAll(x, y);
        return sem.availablePermits();
    }

    @Benchmark
    @OperationsPerInvocation(MIXED_HANDOFFS)
    public int mixed_jucFair(OneCarrier c) throws InterruptedException {
        java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(0, true);
        Thread.Builder.OfVirtual vt = c.vt.builder();
        Thread a = vt.start(() -> jucRounds(sem, MIXED_ROUNDS));
        Thread b = vt.start(() -> jucRounds(sem, MIXED_ROUNDS));
        Thread x = Thread.ofPlatform().start(() -> jucRounds(sem, MIXED_ROUNDS));
        Thread y = Thread.ofPlatform().start(() -> jucRounds(sem, MIXED_ROUNDS));
        while (sem.getQueueLength() < 4) {
            Thread.yield();
        }
        sem.release();
        joinAll(a, b, x, y);
        return sem.availablePermits();
    }

    private static void joinAll(Thread... threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }
}
