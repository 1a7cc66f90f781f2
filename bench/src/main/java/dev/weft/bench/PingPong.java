package dev.weft.bench;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Strand;
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
import java.util.concurrent.locks.LockSupport;

/**
 * Two strands on one carrier handing control back and forth; the score is the time of one
 * round trip (each strand switched out and in once).
 *
 * <p>Every variant has the same shape: a driver strand starts strands A and B on the same
 * scheduler, and waits for both; A and B then make {@value #ROUND_TRIPS} round trips. Start,
 * join and the hand-off between the benchmark thread and the carrier are spread over the round
 * trips (well under 1 ns each).
 * <ul>
 *   <li>{@code yield_*}: A and B each yield {@value #ROUND_TRIPS} times (gevent's
 *       {@code sleep(0)}): {@link Fiber#yieldNow()}, {@link Thread#yield()}, or a raw
 *       {@code Continuation.yield}.</li>
 *   <li>{@code park_*}: A and B take turns through a volatile {@code turn} field, each parking
 *       until it is its turn and unparking the other after its move: {@link Strand#park()} /
 *       {@link Fiber#unpark()}, {@link LockSupport}, or the floor's plain-field park.</li>
 * </ul>
 * Schedulers: {@code floor} = two raw continuations and an {@code ArrayDeque} on the benchmark
 * thread ({@link RawCarrier}); {@code hub} = a Weft {@link Hub}; {@code vtCustom1} = virtual
 * threads on one carrier thread through a custom single-thread executor
 * ({@link OneCarrierVirtualThreads}); {@code vtJdk1} = the JDK's own virtual-thread scheduler
 * with {@code parallelism=1} (a separate fork); {@code vtDefault} = the JDK's default scheduler
 * (one carrier per CPU, so A and B may run in parallel on two carriers);
 * {@code park_platformThreads} = two platform threads, started by the benchmark thread, which
 * is their driver ({@value #PLATFORM_ROUND_TRIPS} round trips per invocation), for scale.
 * {@code yield_hub_monitorOff} and {@code park_hub_monitorOff} are {@code yield_hub} and
 * {@code park_hub} in a fork with the blocked-carrier monitor off ({@link BenchFlags#MONITOR_OFF}):
 * run with their twins, they give the monitor's overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class PingPong {
    static final int ROUND_TRIPS = 100_000;
    /** {@code park_platformThreads}: a platform-thread round trip costs microseconds, not nanoseconds. */
    static final int PLATFORM_ROUND_TRIPS = 10_000;

    private Hub hub;
    private OneCarrierVirtualThreads oneCarrier;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
        oneCarrier = new OneCarrierVirtualThreads();
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
        oneCarrier.close();
    }

    // ------------------------------------------------------------------ yield

    private static void yieldLoopRaw() {
        for (int i = 0; i < ROUND_TRIPS; i++) {
            RawCarrier.yieldNow();
        }
    }

    private static void yieldLoopFiber() {
        for (int i = 0; i < ROUND_TRIPS; i++) {
            Fiber.yieldNow();
        }
    }

    private static void yieldLoopThread() {
        for (int i = 0; i < ROUND_TRIPS; i++) {
            Thread.yield();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void yield_floor() {
        RawCarrier carrier = new RawCarrier();
        carrier.spawn(s -> yieldLoopRaw());
        carrier.spawn(s -> yieldLoopRaw());
        carrier.runAll();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void yield_hub() throws Exception {
        yieldOnHub();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG, BenchFlags.MONITOR_OFF})
    public void yield_hub_monitorOff() throws Exception {
        yieldOnHub();
    }

    private void yieldOnHub() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> a = Fiber.spawn(PingPong::yieldLoopFiber);
            Fiber<Void> b = Fiber.spawn(PingPong::yieldLoopFiber);
            a.join();
            b.join();
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void yield_vtCustom1() throws InterruptedException {
        Thread.Builder.OfVirtual vt = oneCarrier.builder();
        drive(vt, () -> twoThreads(vt, PingPong::yieldLoopThread, PingPong::yieldLoopThread));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
            BenchFlags.VT_PARALLELISM_1, BenchFlags.VT_MAX_POOL_1})
    public void yield_vtJdk1() throws InterruptedException {
        yieldOnDefaultScheduler();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void yield_vtDefault() throws InterruptedException {
        yieldOnDefaultScheduler();
    }

    private static void yieldOnDefaultScheduler() throws InterruptedException {
        Thread.Builder.OfVirtual vt = Thread.ofVirtual();
        drive(vt, () -> twoThreads(Thread.ofVirtual(), PingPong::yieldLoopThread, PingPong::yieldLoopThread));
    }

    // ------------------------------------------------------------------ park / unpark

    /** Whose move it is: 0 for A, 1 for B. A fresh one per invocation. */
    static final class Turn {
        volatile int turn;
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void park_floor() {
        RawCarrier carrier = new RawCarrier();
        Turn t = new Turn();
        RawCarrier.Strand[] ab = new RawCarrier.Strand[2];
        ab[0] = carrier.spawn(me -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                while (t.turn != 0) {
                    me.park();
                }
                t.turn = 1;
                ab[1].unpark();
            }
        });
        ab[1] = carrier.spawn(me -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                while (t.turn != 1) {
                    me.park();
                }
                t.turn = 0;
                ab[0].unpark();
            }
        });
        carrier.runAll();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void park_hub() throws Exception {
        parkOnHub();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG, BenchFlags.MONITOR_OFF})
    public void park_hub_monitorOff() throws Exception {
        parkOnHub();
    }

    private void parkOnHub() throws Exception {
        hub.invoke(() -> {
            Turn t = new Turn();
            Fiber<?>[] ab = new Fiber<?>[2];
            ab[0] = Fiber.spawn(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    while (t.turn != 0) {
                        Strand.park();
                    }
                    t.turn = 1;
                    ab[1].unpark();
                }
            });
            ab[1] = Fiber.spawn(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    while (t.turn != 1) {
                        Strand.park();
                    }
                    t.turn = 0;
                    ab[0].unpark();
                }
            });
            ab[0].join();
            ab[1].join();
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void park_vtCustom1() throws InterruptedException {
        Thread.Builder.OfVirtual vt = oneCarrier.builder();
        drive(vt, () -> parkPingPong(vt));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
            BenchFlags.VT_PARALLELISM_1, BenchFlags.VT_MAX_POOL_1})
    public void park_vtJdk1() throws InterruptedException {
        drive(Thread.ofVirtual(), () -> parkPingPong(Thread.ofVirtual()));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void park_vtDefault() throws InterruptedException {
        drive(Thread.ofVirtual(), () -> parkPingPong(Thread.ofVirtual()));
    }

    /**
     * Two platform threads, started by the benchmark thread: the kernel's park/unpark (a futex
     * wait and wake per switch), for scale. Fewer round trips per invocation, as each takes
     * microseconds; the two thread starts are spread over them.
     */
    @Benchmark
    @OperationsPerInvocation(PLATFORM_ROUND_TRIPS)
    public void park_platformThreads() {
        parkPingPong(Thread.ofPlatform(), PLATFORM_ROUND_TRIPS);
    }

    private static void parkPingPong(Thread.Builder.OfVirtual vt) {
        parkPingPong(vt, ROUND_TRIPS);
    }

    private static void parkPingPong(Thread.Builder builder, int roundTrips) {
        Turn t = new Turn();
        Thread[] ab = new Thread[2];
        ab[0] = builder.unstarted(() -> {
            for (int i = 0; i < roundTrips; i++) {
                while (t.turn != 0) {
                    LockSupport.park();
                }
                t.turn = 1;
                LockSupport.unpark(ab[1]);
            }
        });
        ab[1] = builder.unstarted(() -> {
            for (int i = 0; i < roundTrips; i++) {
                while (t.turn != 1) {
                    LockSupport.park();
                }
                t.turn = 0;
                LockSupport.unpark(ab[0]);
            }
        });
        ab[0].start();
        ab[1].start();
        joinAll(ab);
    }

    // ------------------------------------------------------------------ virtual-thread plumbing

    /** Runs {@code body} as a driver virtual thread made by {@code vt} and waits for it. */
    private static void drive(Thread.Builder.OfVirtual vt, Runnable body) throws InterruptedException {
        vt.start(body).join();
    }

    private static void twoThreads(Thread.Builder.OfVirtual vt, Runnable a, Runnable b) {
        joinAll(vt.start(a), vt.start(b));
    }

    private static void joinAll(Thread... threads) {
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("benchmark strand interrupted", e);
        }
    }
}
