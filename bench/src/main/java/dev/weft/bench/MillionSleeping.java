package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A million sleeping strands (issue 16): the shape of the public async-runtimes memory benchmark
 * (every task sleeps; 10 s there, {@value #SLEEP_SECONDS} s here: see below), with what ends them
 * measured too. One operation is one run: a driver strand starts {@code count} strands that each
 * sleep {@value #SLEEP_SECONDS} s, waits until all have started, then ends them one by one, each
 * ended and joined before the next (Weft {@link Fiber#kill()} + {@link Fiber#join()}; virtual
 * threads {@link Thread#interrupt()} + {@link Thread#join()}); the score is the run's wall time.
 * No sleep may run out, and a run in which one did fails: its ending phase would have been capped
 * by the sleep (before its carriers spun while idle, a multi-carrier run reported 10.0 µs per
 * kill + join, which was a 10 s sleep running out, not the kills). The sleeps last 60 s, not the
 * public benchmark's 10 s, because on 2 CPUs the virtual threads' interrupt + join of 10⁶ takes
 * longer than 10 s (half their sleeps ran out in the full run of {@code ecbeff7}, which left
 * their row unmeasured), as did a cold multi-carrier warm-up once; what a sleeping strand keeps
 * does not depend on how long it sleeps.
 *
 * <p>Secondary results (JMH {@code @AuxCounters}, one value per iteration, see
 * {@link MillionParked.Heap} for how to read them):
 * <ul>
 *   <li>{@code peakHeapMB} and {@code bytesPerStrand}: the live heap with every strand asleep,
 *       minus before the run, measured once per fork in an untimed run in the setup of the last
 *       warm-up iteration, as {@link MillionParked} does (a sleeping strand keeps its timer: a
 *       Weft timer task in the scheduler's timer wheel, a virtual thread's a task in the JDK's
 *       timer queue);</li>
 *   <li>{@code killJoinNs}: the ending phase of the iteration's last run, per strand: kill and
 *       join of a strand asleep among a million (its timer cancelled among a million).</li>
 * </ul>
 * {@link SleepingHubClose} ends them the other way, by closing their hub.
 *
 * <p>The fork's heap is fixed at 4 GB, as {@link MillionParked}'s (a million sleeping virtual
 * threads need about 1 GB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
        MillionParked.XMS, MillionParked.XMX, BenchFlags.LIVE_HEAP})
public class MillionSleeping {
    static final int CARRIERS = 2;
    static final int SLEEP_SECONDS = 60;
    private static final Duration SLEEP = Duration.ofSeconds(SLEEP_SECONDS);

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

    /** The secondary results (see the class comment). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counters {
        /** Live heap with every strand asleep, minus before the run, in MiB. */
        public double peakHeapMB;
        /** The same, per strand, in bytes. */
        public double bytesPerStrand;
        /** The ending phase of the iteration's last run, per strand, in nanoseconds. */
        public double killJoinNs;
    }

    private int warmups;
    private boolean heapMeasured;
    private long peakHeapBytes;
    private long lastEndingNanos;

    @Setup(Level.Iteration)
    public void measureHeap(BenchmarkParams benchmark, IterationParams iteration) throws Exception {
        lastEndingNanos = 0;
        boolean lastWarmup = iteration.getType() == IterationType.WARMUP && ++warmups == iteration.getCount();
        if (heapMeasured || !(lastWarmup || iteration.getType() == IterationType.MEASUREMENT)) {
            return;
        }
        String method = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
        long[] peak = new long[1];
        long before = MillionParked.usedAfterGc();
        Runnable atPeak = () -> peak[0] = MillionParked.usedAfterGc();
        switch (method) {
            case "hub" -> fiberRun(hub, atPeak);
            case "multiCarrier" -> fiberRun(multiCarrier, atPeak);
            case "virtualThreads" -> threadRun(atPeak);
            default -> throw new IllegalStateException("MillionSleeping.measureHeap does not know benchmark " + method);
        }
        heapMeasured = true;
        peakHeapBytes = peak[0] - before;
    }

    @TearDown(Level.Iteration)
    public void report(Counters counters) {
        if (heapMeasured) {
            counters.peakHeapMB = peakHeapBytes / (double) (1 << 20);
            counters.bytesPerStrand = peakHeapBytes / (double) count;
        }
        if (lastEndingNanos > 0) {
            counters.killJoinNs = lastEndingNanos / (double) count;
        }
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

    /** One run on {@code scheduler}; {@code atPeak} runs in the driver with every fiber asleep. */
    int fiberRun(Scheduler scheduler, Runnable atPeak) throws Exception {
        int n = count;
        return scheduler.invoke(() -> {
            AtomicInteger started = new AtomicInteger();
            Fiber<?> driver = Fiber.current();
            CheckedRunnable body = () -> {
                if (started.incrementAndGet() == n) {
                    driver.unpark();
                }
                Fiber.sleep(SLEEP);
            };
            Fiber<?>[] fibers = new Fiber<?>[n];
            for (int i = 0; i < n; i++) {
                fibers[i] = Fiber.spawn(body);
            }
            while (started.get() < n) {
                dev.weft.fibers.Strand.park();
            }
            Fiber.yieldNow(); // the last ones to start reach their sleep
            atPeak.run();
            long t0 = System.nanoTime();
            int ended = 0;
            for (Fiber<?> f : fibers) {
                f.kill();
                f.join();
                ended += f.isDone() ? 1 : 0;
            }
            lastEndingNanos = System.nanoTime() - t0;
            for (Fiber<?> f : fibers) {
                if (!f.isCancelled()) {
                    // NOTE: its sleep ran out before its kill: the ending phase was capped by the
                    // sleep, so its time would not be what this benchmark says it measures
                    throw new IllegalStateException("A sleep of " + SLEEP + " ran out before the driver killed its fiber "
                            + "(ending phase " + lastEndingNanos / 1_000_000 + " ms): the measured time is not kill + join");
                }
            }
            return ended;
        });
    }

    /** One run of virtual threads on the default scheduler, driven from one of them. */
    int threadRun(Runnable atPeak) throws InterruptedException {
        int n = count;
        int[] ended = new int[1];
        AtomicInteger ranOut = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            AtomicInteger started = new AtomicInteger();
            Thread driver = Thread.currentThread();
            Runnable body = () -> {
                if (started.incrementAndGet() == n) {
                    LockSupport.unpark(driver);
                }
                try {
                    Thread.sleep(SLEEP);
                    ranOut.incrementAndGet(); // see fiberRun: the ending phase would be capped by the sleep
                } catch (InterruptedException e) {
                    // ended by the driver, as the run intends
                }
            };
            Thread[] threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = Thread.ofVirtual().start(body);
            }
            while (started.get() < n) {
                LockSupport.park();
            }
            atPeak.run();
            long t0 = System.nanoTime();
            try {
                for (Thread t : threads) {
                    t.interrupt();
                    t.join();
                    ended[0]++;
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("benchmark driver interrupted", e);
            }
            lastEndingNanos = System.nanoTime() - t0;
        }).join();
        if (ranOut.get() > 0) {
            throw new IllegalStateException(ranOut.get() + " sleeps of " + SLEEP + " ran out before the driver "
                    + "interrupted their threads: the measured time is not interrupt + join");
        }
        return ended[0];
    }
}
