package dev.weft.bench.echo;

import dev.weft.bench.BenchFlags;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * TCP echo over loopback (issue 6 §5): {@code connections} clients each make {@code roundTrips}
 * round trips of a 64-byte message to an echo server in the same JVM; every reply is compared
 * with its message. One operation is the whole exchange (50 x 2,000 = 100,000 round trips by
 * default), from binding the listener to the last strand's end: round trips per second =
 * {@code connections * roundTrips / score}. Clients use the same mechanism as their server.
 * <ul>
 *   <li>{@code weftFibers}: Weft's fiber I/O, plain fibers: a {@code StreamServer} and
 *       {@code FiberSocket} clients on one {@link Hub} ({@link FiberIoEcho}).</li>
 *   <li>{@code weftFibersMultiCarrier}: the same on a {@link MultiCarrierScheduler} of two
 *       carriers.</li>
 *   <li>{@code weftMonkey}: unchanged {@code java.net.ServerSocket}/{@code Socket}
 *       thread-per-connection code ({@link ThreadPerConnectionEcho}) whose "threads" are
 *       patched fibers of one {@link Hub} ({@link Monkey#spawn}).</li>
 *   <li>{@code virtualThreads}: the same code on JDK virtual threads, default scheduler (one
 *       carrier per CPU).</li>
 *   <li>{@code virtualThreadsOneCarrier}: the same on the JDK's scheduler limited to one carrier
 *       ({@code jdk.virtualThreadScheduler.parallelism=1}, a fork of its own); its socket
 *       sub-pollers are virtual threads on that carrier too.</li>
 *   <li>{@code nioSelectorLoop}: the floor, no strands at all: the server and the clients as
 *       state machines driven by one hand-written NIO selector loop on the benchmark thread
 *       ({@link SelectorLoopEcho}).</li>
 * </ul>
 * Same-carrier-count pairs: {@code weftFibers}, {@code weftMonkey} vs {@code virtualThreadsOneCarrier}
 * and the floor {@code nioSelectorLoop} (and gevent, single-threaded: {@code bench/gevent/echo.py}); {@code weftFibersMultiCarrier} vs
 * {@code virtualThreads} on two CPUs. Where readiness is polled differs: Weft's fiber I/O polls
 * a selector on each carrier, in the carrier's own loop; virtual threads use the JDK's sub-poller
 * virtual threads and its {@code MasterPoller} platform thread; patched fibers use the JDK's
 * pollers too, which monkey mode asks to be platform threads ({@code jdk.pollerMode=1}, set
 * when monkey mode is first used unless the JVM chose a mode), so a readiness reaches the Weft
 * carrier in one hand-off (the JDK's sub-pollers could not run on the Weft carrier: they serve
 * the whole JVM).
 *
 * <p>Nothing outlives an operation: the clients are joined, the listener closed, the accept
 * strand and every handler joined (a failed exchange cancels and joins them all before it
 * throws). The schedulers live for the trial.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class EchoBench {
    /** Concurrent connections. */
    @Param("50")
    public int connections;

    /** Round trips per connection. */
    @Param("2000")
    public int roundTrips;

    /** One Weft carrier for the trial. */
    @State(Scope.Benchmark)
    public static class OneHub {
        Hub hub;

        @Setup(Level.Trial)
        public void start() {
            hub = new Hub("echo-hub");
        }

        @TearDown(Level.Trial)
        public void stop() {
            hub.close();
        }
    }

    /** Two Weft carriers for the trial. */
    @State(Scope.Benchmark)
    public static class TwoCarriers {
        MultiCarrierScheduler scheduler;

        @Setup(Level.Trial)
        public void start() {
            scheduler = new MultiCarrierScheduler(2);
        }

        @TearDown(Level.Trial)
        public void stop() {
            scheduler.close();
        }
    }

    @Benchmark
    public long weftFibers(OneHub one) throws Exception {
        return checked(FiberIoEcho.run(one.hub, connections, roundTrips));
    }

    @Benchmark
    public long weftFibersMultiCarrier(TwoCarriers two) throws Exception {
        return checked(FiberIoEcho.run(two.scheduler, connections, roundTrips));
    }

    @Benchmark
    public long weftMonkey(OneHub one) throws Exception {
        return checked(ThreadPerConnectionEcho.run(patchedFibers(one.hub), connections, roundTrips));
    }

    @Benchmark
    public long virtualThreads() throws Exception {
        return checked(ThreadPerConnectionEcho.run(virtualThreadStarter(), connections, roundTrips));
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
            BenchFlags.VT_PARALLELISM_1, BenchFlags.VT_MAX_POOL_1})
    public long virtualThreadsOneCarrier() throws Exception {
        return checked(ThreadPerConnectionEcho.run(virtualThreadStarter(), connections, roundTrips));
    }

    /** The floor: the same exchange as one hand-written selector loop on this thread, no strands. */
    @Benchmark
    public long nioSelectorLoop() throws Exception {
        return checked(SelectorLoopEcho.run(connections, roundTrips));
    }

    /** Each "thread" of the blocking code a patched fiber of {@code scheduler}. */
    static ThreadPerConnectionEcho.Starter patchedFibers(Scheduler scheduler) {
        return task -> EchoStrand.of(Monkey.spawn(scheduler, task));
    }

    /** Each "thread" of the blocking code a virtual thread of the JDK's scheduler. */
    static ThreadPerConnectionEcho.Starter virtualThreadStarter() {
        ThreadFactory threads = Thread.ofVirtual().factory();
        return task -> EchoStrand.start(threads, task);
    }

    private long checked(long correctReplies) {
        long expected = (long) connections * roundTrips;
        if (correctReplies != expected) {
            throw new IllegalStateException("echo exchange got " + correctReplies + " correct replies of " + expected
                    + ": a reply differed from its message");
        }
        return correctReplies;
    }
}
