package dev.weft.bench;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The timer storm (issue 5 §1): {@value #STRANDS} strands each sleep {@value #SLEEPS} times for
 * 1 ms; one operation is one whole storm, and the score is its wall time in milliseconds (the
 * goal is 25 ms; the sleeps alone take at least {@value #SLEEPS} ms).
 *
 * <p>Every variant has the same shape: a driver strand on the scheduler under test starts the
 * {@value #STRANDS} strands, then joins each; the storm's time includes their start and end.
 * A strand's sleep lasts at least 1 ms from its call, so each strand takes at least
 * {@value #SLEEPS} ms; the rest of the score is how late the scheduler wakes sleepers when
 * {@value #STRANDS} of them are due at once, and what starting and joining them costs.
 * <ul>
 *   <li>{@code hub}: fibers on one {@link Hub} ({@code hub.invoke}, {@link Fiber#spawn},
 *       {@link Fiber#sleep(Duration)}, {@link Fiber#join()}).</li>
 *   <li>{@code multiCarrier}: the same on a {@link MultiCarrierScheduler} with
 *       {@value #CARRIERS} carriers.</li>
 *   <li>{@code virtualThreads}: virtual threads on the JDK's default scheduler (one carrier per
 *       CPU), started from a virtual thread, {@link Thread#sleep(Duration)}, {@link Thread#join()}.</li>
 *   <li>{@code virtualThreadsOneCarrier}: the same on one carrier thread
 *       ({@link OneCarrierVirtualThreads}), the hub's shape. (The JDK times a virtual thread's
 *       sleep on its own timer threads, whatever the carrier.)</li>
 * </ul>
 * The score's {@code gc.alloc.rate.norm} ({@code -prof gc}) is the allocation of one storm.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class TimerStorm {
    static final int STRANDS = 10_000;
    static final int SLEEPS = 10;
    static final int CARRIERS = 2;
    private static final Duration NAP = Duration.ofMillis(1);

    private Hub hub;
    private MultiCarrierScheduler multiCarrier;
    private OneCarrierVirtualThreads oneCarrier;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
        multiCarrier = new MultiCarrierScheduler(CARRIERS);
        oneCarrier = new OneCarrierVirtualThreads();
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
        multiCarrier.close();
        oneCarrier.close();
    }

    private static void fiberSleeps() {
        for (int i = 0; i < SLEEPS; i++) {
            Fiber.sleep(NAP);
        }
    }

    private static int fiberStorm(Scheduler scheduler) throws Exception {
        return scheduler.invoke(() -> {
            Fiber<?>[] fibers = new Fiber<?>[STRANDS];
            for (int i = 0; i < STRANDS; i++) {
                fibers[i] = Fiber.spawn(TimerStorm::fiberSleeps);
            }
            int done = 0;
            for (Fiber<?> f : fibers) {
                f.join();
                done += f.isSuccessful() ? 1 : 0;
            }
            return done;
        });
    }

    @Benchmark
    public int hub() throws Exception {
        return fiberStorm(hub);
    }

    @Benchmark
    public int multiCarrier() throws Exception {
        return fiberStorm(multiCarrier);
    }

    private static void threadSleeps() {
        try {
            for (int i = 0; i < SLEEPS; i++) {
                Thread.sleep(NAP);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("benchmark strand interrupted", e);
        }
    }

    /** Runs the storm from a driver virtual thread made by {@code vt}; returns the strands that ended. */
    private static int threadStorm(Thread.Builder.OfVirtual vt) throws InterruptedException {
        int[] done = new int[1];
        vt.start(() -> {
            Thread[] threads = new Thread[STRANDS];
            for (int i = 0; i < STRANDS; i++) {
                threads[i] = vt.start(TimerStorm::threadSleeps);
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

    @Benchmark
    public int virtualThreads() throws InterruptedException {
        return threadStorm(Thread.ofVirtual());
    }

    @Benchmark
    public int virtualThreadsOneCarrier() throws InterruptedException {
        return threadStorm(oneCarrier.builder());
    }
}
