package dev.weft.bench;

import dev.weft.bench.kotlin.CoroutineWorkloads;
import kotlinx.coroutines.CoroutineDispatcher;
import kotlinx.coroutines.Dispatchers;
import kotlinx.coroutines.ExecutorCoroutineDispatcher;
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

import java.util.concurrent.TimeUnit;

/**
 * Kotlin coroutines ({@code kotlinx-coroutines-core}) beside Weft, virtual threads and jox (issue 16,
 * "Also"): the workloads of {@link PingPong}, {@link SpawnJoin}, {@link TimerStorm} and
 * {@link ChannelPeers}, with the same sizes (their constants), written in Kotlin as a Kotlin user
 * writes them ({@code bench/src/main/kotlin/dev/weft/bench/kotlin/CoroutineWorkloads.kt}). Compiled
 * only with the Maven profile {@code kotlin-peers} ({@code ./weft bench} turns it on), so CI never
 * runs the Kotlin compiler.
 *
 * <p>Configurations, named by the method's suffix:
 * <ul>
 *   <li>{@code kotlin1Thread}: one thread, Kotlin's {@code newSingleThreadContext} (its executor is a
 *       {@code ScheduledThreadPoolExecutor}, so {@code delay} is timed on that same thread): the
 *       one-core configuration of the hub.</li>
 *   <li>{@code kotlinDefault}: {@code Dispatchers.Default}, one thread per CPU.</li>
 * </ul>
 * The benchmark thread blocks in {@code runBlocking(dispatcher)}: a driver coroutine on the
 * dispatcher launches the strands and ends when they all have (as Weft's driver fiber in
 * {@code hub.invoke}).
 *
 * <p>Workloads, each per the operation of the Weft benchmark it stands beside:
 * <ul>
 *   <li>{@code yield_*}: two coroutines each {@code yield()} {@value PingPong#ROUND_TRIPS} times;
 *       per round trip ({@code PingPong.yield_*}).</li>
 *   <li>{@code launchJoin_*}: the driver launches {@value SpawnJoin#BATCH} empty coroutines, then
 *       joins each, {@value SpawnJoin#BATCHES} times; per coroutine ({@code SpawnJoin}).</li>
 *   <li>{@code timerStorm_*}: {@value TimerStorm#STRANDS} coroutines each {@code delay(1)}
 *       {@value TimerStorm#SLEEPS} times; the storm's wall time in ms ({@code TimerStorm}).</li>
 *   <li>{@code rendezvous_*}, {@code buffered16_*}, {@code chain1000_*}, {@code select1_*},
 *       {@code select2_*}: jox's benchmark shapes over {@code kotlinx.coroutines.channels.Channel}
 *       ({@code RENDEZVOUS}, capacity 16) and {@code select}; per item, or per send-receive pair for
 *       the chain ({@code ChannelPeers}). Kotlin's channels do not spin, so the one-thread rows run
 *       the full {@value ChannelPeers#OPS} items.</li>
 * </ul>
 * Memory per suspended coroutine is {@link ParkedMemory}'s {@code kotlin-1thread} variant
 * ({@link CoroutineParkedMemory}), 10⁶ suspended coroutines {@link KotlinMillionParked}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class KotlinPeers {
    private ExecutorCoroutineDispatcher oneThread;

    @Setup(Level.Trial)
    public void start() {
        oneThread = CoroutineWorkloads.singleThread("bench-coroutines");
    }

    @TearDown(Level.Trial)
    public void stop() {
        oneThread.close();
    }

    private static CoroutineDispatcher defaultDispatcher() {
        return Dispatchers.getDefault();
    }

    // ------------------------------------------------------------------ yield ping-pong

    @Benchmark
    @OperationsPerInvocation(PingPong.ROUND_TRIPS)
    public void yield_kotlin1Thread() {
        CoroutineWorkloads.yieldPingPong(oneThread, PingPong.ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(PingPong.ROUND_TRIPS)
    public void yield_kotlinDefault() {
        CoroutineWorkloads.yieldPingPong(defaultDispatcher(), PingPong.ROUND_TRIPS);
    }

    // ------------------------------------------------------------------ launch + join

    @Benchmark
    @OperationsPerInvocation(SpawnJoin.TASKS)
    public void launchJoin_kotlin1Thread() {
        CoroutineWorkloads.launchJoin(oneThread, SpawnJoin.BATCH, SpawnJoin.BATCHES);
    }

    @Benchmark
    @OperationsPerInvocation(SpawnJoin.TASKS)
    public void launchJoin_kotlinDefault() {
        CoroutineWorkloads.launchJoin(defaultDispatcher(), SpawnJoin.BATCH, SpawnJoin.BATCHES);
    }

    // ------------------------------------------------------------------ timer storm (ms per storm)

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int timerStorm_kotlin1Thread() {
        return CoroutineWorkloads.timerStorm(oneThread, TimerStorm.STRANDS, TimerStorm.SLEEPS);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int timerStorm_kotlinDefault() {
        return CoroutineWorkloads.timerStorm(defaultDispatcher(), TimerStorm.STRANDS, TimerStorm.SLEEPS);
    }

    // ------------------------------------------------------------------ channels (issue 13 §6)

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void rendezvous_kotlin1Thread() {
        CoroutineWorkloads.rendezvous(oneThread, ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void rendezvous_kotlinDefault() {
        CoroutineWorkloads.rendezvous(defaultDispatcher(), ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void buffered16_kotlin1Thread() {
        CoroutineWorkloads.buffered(oneThread, ChannelPeers.CAPACITY, ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void buffered16_kotlinDefault() {
        CoroutineWorkloads.buffered(defaultDispatcher(), ChannelPeers.CAPACITY, ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.CHAIN_OPS)
    public void chain1000_kotlin1Thread() {
        CoroutineWorkloads.chain(oneThread, ChannelPeers.CHAIN, ChannelPeers.CAPACITY, ChannelPeers.CHAIN_ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.CHAIN_OPS)
    public void chain1000_kotlinDefault() {
        CoroutineWorkloads.chain(defaultDispatcher(), ChannelPeers.CHAIN, ChannelPeers.CAPACITY,
                ChannelPeers.CHAIN_ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void select1_kotlin1Thread() {
        CoroutineWorkloads.select1(oneThread, ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void select1_kotlinDefault() {
        CoroutineWorkloads.select1(defaultDispatcher(), ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void select2_kotlin1Thread() {
        CoroutineWorkloads.select2(oneThread, ChannelPeers.OPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChannelPeers.OPS)
    public void select2_kotlinDefault() {
        CoroutineWorkloads.select2(defaultDispatcher(), ChannelPeers.OPS);
    }
}
