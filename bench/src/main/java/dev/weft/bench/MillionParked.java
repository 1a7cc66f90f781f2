package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.Strand;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A million strands parked at once, then all woken (issue 5 §1): one operation is one whole
 * run, and the score is its wall time in milliseconds (goal: 1 s). The live heap at the run's
 * peak is a secondary result (goal: 500 MB), see {@link Heap}.
 *
 * <p>Every variant has the same shape. A driver strand on the scheduler under test starts
 * {@code count} strands and keeps them in an array; each counts itself in on a shared
 * {@link AtomicInteger} and parks until a {@code released} flag is set, the last one in also
 * waking the driver, which parks until then. The driver then sets the flag, unparks every strand
 * in start order and joins each. (The last strands to count themselves in on another carrier may
 * not have reached their park yet when the driver wakes them; their permit then makes the park
 * return at once, as for any early unpark.)
 * <ul>
 *   <li>{@code hub}: fibers on one {@link Hub}; {@link Strand#park()}, {@link Fiber#unpark()},
 *       {@link Fiber#join()}.</li>
 *   <li>{@code multiCarrier}: the same on a {@link MultiCarrierScheduler} with
 *       {@value #CARRIERS} carriers.</li>
 *   <li>{@code virtualThreads}: virtual threads on the JDK's default scheduler (one carrier per
 *       CPU), started from a virtual thread; {@link LockSupport#park()},
 *       {@link LockSupport#unpark(Thread)}, {@link Thread#join()}.</li>
 * </ul>
 * A run's garbage (a million ended strands) is collected during the runs that follow it, so
 * the score includes the GC work a run causes. {@code gc.alloc.rate.norm} ({@code -prof gc}) is
 * the allocation of one run, except in the iteration whose setup measures the heap (below).
 *
 * <p>The fork's heap is fixed at 4 GB ({@value #XMS} {@value #XMX}, the same for every variant),
 * so that the figure does not depend on the machine's memory (the JVM's default maximum is a
 * quarter of it, and a small machine's would not hold a million parked virtual threads, about
 * 550 MB live plus the previous run's garbage) nor on how the heap grows during the first runs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
        MillionParked.XMS, MillionParked.XMX, BenchFlags.LIVE_HEAP})
public class MillionParked {
    static final int CARRIERS = 2;
    static final String XMS = "-Xms4g";
    static final String XMX = "-Xmx4g";

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Strands per run; the CI smoke run makes it small. */
    @Param("1000000")
    public int count;

    private Hub hub;
    private MultiCarrierScheduler multiCarrier;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
        multiCarrier = new MultiCarrierScheduler(CARRIERS);
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
        multiCarrier.close();
    }

    /**
     * The live heap at the peak of a run, as JMH secondary results: {@code peakHeapMB} and
     * {@code bytesPerStrand}: one measurement per fork, reported by every iteration from the one
     * that makes it (so by every measurement iteration; the warm-up iterations before it report 0).
     *
     * <p>How: one extra run, untimed, in the setup of the last warm-up iteration (of the first
     * measurement iteration when there is no warm-up, as in the CI smoke run), so that the JIT
     * has compiled the strands' code as in the timed runs (an interpreted frame is bigger, and a
     * parked strand keeps its frames). Before the run and again once every strand is parked,
     * with the driver waiting, it takes the used heap from the {@link MemoryMXBean} after
     * {@code System.gc()} (twice, the smaller reading); the figure is the difference: what the
     * parked strands, their scheduler's bookkeeping for them and the driver's array of
     * references (4 MB for a million, compressed) keep alive. The garbage a run makes on the
     * way is not counted: this is the heap a program needs to hold that many parked strands. The
     * fork runs with {@link BenchFlags#LIVE_HEAP}, so no dead space left in a region by G1's full
     * collection counts either (before issue 16's session 13 it did: up to 5 %).
     *
     * <p>JMH resets these counters before each iteration and reports what they hold at its end,
     * so the iteration's teardown sets them. JMH gives an {@code EVENTS} counter's
     * <em>sum</em> over the iterations (and forks) as its score: read the per-iteration values
     * (the JSON's {@code rawData}, or the median in {@code scorePercentiles}), which are the
     * figure.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Heap {
        /** Live heap with every strand parked, minus before the run, in MiB. */
        public double peakHeapMB;
        /** The same, per strand, in bytes. */
        public double bytesPerStrand;
    }

    private int warmups;
    private boolean heapMeasured;
    private long peakHeapBytes;

    @Setup(Level.Iteration)
    public void measureHeap(BenchmarkParams benchmark, IterationParams iteration) throws Exception {
        boolean lastWarmup = iteration.getType() == IterationType.WARMUP && ++warmups == iteration.getCount();
        if (heapMeasured || !(lastWarmup || iteration.getType() == IterationType.MEASUREMENT)) {
            return;
        }
        heapMeasured = true;
        String method = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
        long[] peak = new long[1];
        long before = usedAfterGc();
        Runnable atPeak = () -> peak[0] = usedAfterGc();
        switch (method) {
            case "hub" -> fiberRun(hub, atPeak);
            case "multiCarrier" -> fiberRun(multiCarrier, atPeak);
            case "virtualThreads" -> threadRun(atPeak);
            default -> throw new IllegalStateException("MillionParked.measureHeap does not know benchmark " + method);
        }
        peakHeapBytes = peak[0] - before;
    }

    @TearDown(Level.Iteration)
    public void reportHeap(Heap heap) {
        if (heapMeasured) {
            heap.peakHeapMB = peakHeapBytes / (double) (1 << 20);
            heap.bytesPerStrand = peakHeapBytes / (double) count;
        }
    }

    /** The used heap after {@code System.gc()}, the smaller of two readings (also {@code KotlinMillionParked}'s). */
    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static final Runnable NOTHING = () -> {};

    @Benchmark
    public int hub() throws Exception {
        return fiberRun(hub, NOTHING);
    }

    @Benchmark
    public int multiCarrier() throws Exception {
        return fiberRun(multiCarrier, NOTHING);
    }

    @Benchmark
    public int virtualThreads() throws InterruptedException {
        return threadRun(NOTHING);
    }

    // ------------------------------------------------------------------ the runs

    /** What the parked strands share with their driver. A fresh one per run. */
    private static final class Gate {
        final int count;
        final AtomicInteger parked = new AtomicInteger();
        volatile boolean released;

        Gate(int count) {
            this.count = count;
        }
    }

    /** One run on {@code scheduler}; {@code atPeak} runs in the driver with every fiber parked. */
    int fiberRun(Scheduler scheduler, Runnable atPeak) throws Exception {
        int n = count;
        return scheduler.invoke(() -> {
            Gate gate = new Gate(n);
            Fiber<?> driver = Fiber.current();
            CheckedRunnable body = () -> {
                if (gate.parked.incrementAndGet() == n) {
                    driver.unpark();
                }
                while (!gate.released) {
                    Strand.park();
                }
            };
            Fiber<?>[] fibers = new Fiber<?>[n];
            for (int i = 0; i < n; i++) {
                fibers[i] = Fiber.spawn(body);
            }
            while (gate.parked.get() < n) {
                Strand.park();
            }
            atPeak.run();
            gate.released = true;
            for (Fiber<?> f : fibers) {
                f.unpark();
            }
            int done = 0;
            for (Fiber<?> f : fibers) {
                f.join();
                done += f.isSuccessful() ? 1 : 0;
            }
            return done;
        });
    }

    /** One run of virtual threads on the default scheduler, driven from one of them. */
    int threadRun(Runnable atPeak) throws InterruptedException {
        int n = count;
        int[] done = new int[1];
        Thread.ofVirtual().start(() -> {
            Gate gate = new Gate(n);
            Thread driver = Thread.currentThread();
            Runnable body = () -> {
                if (gate.parked.incrementAndGet() == n) {
                    LockSupport.unpark(driver);
                }
                while (!gate.released) {
                    LockSupport.park();
                }
            };
            Thread[] threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = Thread.ofVirtual().start(body);
            }
            while (gate.parked.get() < n) {
                LockSupport.park();
            }
            atPeak.run();
            gate.released = true;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
            try {
                for (Thread t : threads) {
                    t.join();
                    done[0]++;
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("benchmark strand interrupted", e);
            }
        }).join();
        return done[0];
    }
}
