package dev.weft.bench;

import dev.weft.fibers.Hub;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link Hub} of one's own costs to have: {@code new Hub()} then {@code close()}, with
 * no fiber in between (a test suite that makes a hub per test pays this every time). The
 * score is one open and close, {@code close} returning once the carrier has stopped (its loop
 * ended, every fiber ended, its poller closed).
 * <ul>
 *   <li>{@code openClose_hub}: the hub;</li>
 *   <li>{@code openClose_hubInvoke}: the hub, with one {@code invoke} of an empty body
 *       between (the carrier has then run a fiber: its loop, its continuation classes);</li>
 *   <li>{@code openClose_hubOwnCarrier}: the hub in a fork with
 *       {@code -Dweft.carrierKeepAliveMillis=0}, where each hub starts a carrier thread of its
 *       own and it ends with the hub (how every hub was opened before carriers were reused);</li>
 *   <li>{@code startJoin_platformThread}: a platform thread started and joined, the floor of
 *       {@code openClose_hubOwnCarrier};</li>
 *   <li>{@code submitGet_cachedThreadPool}: an empty task submitted to
 *       {@code Executors.newCachedThreadPool()} and waited for: the floor of a reused carrier
 *       (a hand-off to an idle thread and a wake-up back; the hub's close adds its own
 *       hand-shake to it).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
@State(Scope.Benchmark)
public class HubLifecycle {
    private ExecutorService cachedPool;

    @Setup
    public void setUp() {
        cachedPool = Executors.newCachedThreadPool();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        cachedPool.shutdown();
        cachedPool.awaitTermination(1, TimeUnit.MINUTES);
    }

    @Benchmark
    public Hub openClose_hub() {
        Hub hub = new Hub("bench-open-close");
        hub.close();
        return hub;
    }

    @Benchmark
    public Integer openClose_hubInvoke() throws Exception {
        try (Hub hub = new Hub("bench-open-close")) {
            return hub.invoke(() -> 1);
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG, "-Dweft.carrierKeepAliveMillis=0"})
    public Hub openClose_hubOwnCarrier() {
        return openClose_hub(); // the same operation; only the fork's flag differs
    }

    @Benchmark
    public Object submitGet_cachedThreadPool() throws Exception {
        return cachedPool.submit(() -> { }).get();
    }

    @Benchmark
    public Thread startJoin_platformThread() throws InterruptedException {
        Thread t = Thread.ofPlatform().name("bench-open-close").daemon().start(() -> {});
        t.join();
        return t;
    }
}
