package dev.weft.bench;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.channels.Channel;
import dev.weft.locks.channels.Select;
import dev.weft.locks.channels.SelectClause;
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
 * Weft's {@link Channel} and {@link Select} between two fibers on one {@link Hub} (issue 13 §6),
 * with the fiber yield ping-pong of the same run as the baseline.
 * <ul>
 *   <li>{@code yield_hub}: fibers A and B each yield {@value #OPS} times; the score is one round
 *       trip (each switched out and in once), as {@code PingPong.yield_hub}. The floor of a
 *       rendezvous round trip: one message costs at least one switch.</li>
 *   <li>{@code rendezvous_hub}: ping-pong over two rendezvous channels: A sends on {@code ping}
 *       and receives on {@code pong}, B the other way round; the score is one round trip (two
 *       messages). Goal: at most 1.2x {@code yield_hub}.</li>
 *   <li>{@code buffered16_hub}: A sends {@value #OPS} items to a {@code buffered(16)} channel, B
 *       receives them (jox's buffered shape); the score is one item. A switch happens only when
 *       the buffer is full or empty, so its {@code gc.alloc.rate.norm} is the steady state's
 *       allocation (goal: 0 B/op; the two fibers' start is spread over the items).</li>
 *   <li>{@code receive_hub} / {@code select2_hub}: A sends {@value #OPS} items on a rendezvous
 *       channel; B receives each with a plain {@code receive()}, or with a
 *       {@code Select.select} over that channel and a second one that stays idle. The score is
 *       one item. Goal: {@code select2} at most 2x {@code receive}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class ChannelBench {
    static final int OPS = 100_000;

    private Hub hub;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
    }

    /** One fiber's loop. */
    @FunctionalInterface
    private interface Loop {
        void run() throws Exception;
    }

    /** Runs {@code a} and {@code b} as two fibers of the hub and waits for both. */
    private void twoFibers(Loop a, Loop b) throws Exception {
        hub.invoke(() -> {
            Fiber<Void> fa = Fiber.spawn(() -> {
                a.run();
                return null;
            });
            Fiber<Void> fb = Fiber.spawn(() -> {
                b.run();
                return null;
            });
            fa.get();
            fb.get();
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void yield_hub() throws Exception {
        twoFibers(ChannelBench::yieldLoop, ChannelBench::yieldLoop);
    }

    private static void yieldLoop() {
        for (int i = 0; i < OPS; i++) {
            Fiber.yieldNow();
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void rendezvous_hub() throws Exception {
        Channel<Integer> ping = Channel.rendezvous();
        Channel<Integer> pong = Channel.rendezvous();
        Integer ball = 1;
        twoFibers(() -> {
            for (int i = 0; i < OPS; i++) {
                ping.send(ball);
                pong.receive();
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                pong.send(ping.receive());
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_hub() throws Exception {
        Channel<Integer> channel = Channel.buffered(16);
        Integer item = 1;
        twoFibers(() -> {
            for (int i = 0; i < OPS; i++) {
                channel.send(item);
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                channel.receive();
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void receive_hub() throws Exception {
        Channel<Integer> channel = Channel.rendezvous();
        Integer item = 1;
        twoFibers(() -> {
            for (int i = 0; i < OPS; i++) {
                channel.send(item);
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                channel.receive();
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void select2_hub() throws Exception {
        Channel<Integer> channel = Channel.rendezvous();
        Channel<Integer> idle = Channel.rendezvous();
        SelectClause<Integer> fromChannel = channel.onReceive();
        SelectClause<Integer> fromIdle = idle.onReceive();
        Integer item = 1;
        twoFibers(() -> {
            for (int i = 0; i < OPS; i++) {
                channel.send(item);
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                Select.select(fromChannel, fromIdle);
            }
        });
    }
}
