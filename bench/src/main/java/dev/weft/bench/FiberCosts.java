package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the round-2 features cost, each beside its baseline in the same run, per fiber:
 * <ul>
 *   <li>{@code spawnJoin} with spawn-site capture off (the default) and on
 *       ({@code Scheduler.captureSpawnSites}: a stack walk per spawn);</li>
 *   <li>{@code parkedKillJoin}: a fiber parked in {@code sleep} is killed and joined (its
 *       stackless {@code FiberExit} unwinds it), against {@code parkedWakeJoin}, the same fiber
 *       woken and joined, and {@code spawnJoin}, so the kill's own cost is the difference.</li>
 * </ul>
 * All on one hub, driven from a fiber of it ({@code invoke}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class FiberCosts {
    static final int BATCH = 1_000;

    private static final CheckedRunnable NOTHING = () -> {};
    private static final CheckedRunnable SLEEP = () -> Fiber.sleep(Duration.ofDays(1));

    private Hub hub;
    private Hub capturing;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
        capturing = new Hub("bench-hub-spawn-sites");
        capturing.captureSpawnSites(true);
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
        capturing.close();
    }

    private static Void spawnJoinBatch() throws InterruptedException {
        Fiber<?>[] fibers = new Fiber<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            fibers[i] = Fiber.spawn(NOTHING);
        }
        for (Fiber<?> f : fibers) {
            f.join();
        }
        return null;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void spawnJoin() throws Exception {
        hub.invoke(FiberCosts::spawnJoinBatch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void spawnJoin_spawnSites() throws Exception {
        capturing.invoke(FiberCosts::spawnJoinBatch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parkedKillJoin() throws Exception {
        hub.invoke(() -> {
            Fiber<?>[] fibers = parkedBatch();
            for (Fiber<?> f : fibers) {
                f.kill();
                f.join();
            }
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parkedWakeJoin() throws Exception {
        hub.invoke(() -> {
            Fiber<?>[] fibers = new Fiber<?>[BATCH];
            for (int i = 0; i < BATCH; i++) {
                fibers[i] = Fiber.spawn(() -> dev.weft.fibers.Strand.park());
            }
            Fiber.yieldNow(); // every one of them is parked now
            for (Fiber<?> f : fibers) {
                f.unpark();
                f.join();
            }
            return null;
        });
    }

    private static Fiber<?>[] parkedBatch() {
        Fiber<?>[] fibers = new Fiber<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            fibers[i] = Fiber.spawn(SLEEP);
        }
        Fiber.yieldNow(); // every one of them sleeps now
        return fibers;
    }
}
