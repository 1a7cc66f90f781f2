package dev.weft.bench;

import dev.weft.fibers.Hub;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

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
 *   <li>{@code startJoin_platformThread}: the floor, a platform thread started and joined,
 *       which the hub's carrier is.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class HubLifecycle {

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
    public Thread startJoin_platformThread() throws InterruptedException {
        Thread t = Thread.ofPlatform().name("bench-open-close").daemon().start(() -> {});
        t.join();
        return t;
    }
}
