package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import jdk.internal.vm.Continuation;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Spawn then join, per task: a strand starts {@value #BATCH} strands that do nothing, then
 * waits for all of them; {@value #BATCHES} such batches per invocation, so the hand-off between
 * the benchmark thread and a carrier is spread over {@value #TASKS} tasks.
 * <ul>
 *   <li>{@code hub_inFiber_join}: in a fiber of a {@link Hub} ({@code hub.invoke}),
 *       {@link Fiber#spawn(CheckedRunnable)} then {@link Fiber#join()} each.</li>
 *   <li>{@code hub_inFiber_joinAll}: the same, waiting with {@link Fiber#joinAll(java.util.Collection)}.</li>
 *   <li>{@code hub_fromThread_join}: the benchmark thread spawns on the hub and joins each.</li>
 *   <li>{@code workStealing_inFiber_join}: as {@code hub_inFiber_join}, on a
 *       {@link MultiCarrierScheduler} with one carrier per CPU.</li>
 *   <li>{@code vtDefault_fromVirtual_join} / {@code vtDefault_fromPlatform_join}: virtual
 *       threads ({@code Thread.ofVirtual().start}, then {@code join}) started from a virtual
 *       thread / from the benchmark thread.</li>
 *   <li>{@code vtCustom1_fromVirtual_join}: virtual threads on one carrier (a custom
 *       single-thread executor), started from one of them: the hub's shape.</li>
 *   <li>{@code platform_join}: platform threads, for scale.</li>
 *   <li>{@code floor}: raw continuations, created then run to their end (no scheduler).</li>
 *   <li>{@code hub_inFiber_join_monitorOff}: {@code hub_inFiber_join} in a fork with the
 *       blocked-carrier monitor off ({@link BenchFlags#MONITOR_OFF}); with its twin, the monitor's
 *       overhead.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class SpawnJoin {
    static final int BATCH = 1_000;
    static final int BATCHES = 10;
    static final int TASKS = BATCH * BATCHES;

    private static final Runnable NOTHING = () -> {};
    private static final CheckedRunnable NOTHING_FIBER = () -> {};

    private Hub hub;
    private MultiCarrierScheduler workStealing;
    private OneCarrierVirtualThreads oneCarrier;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
        workStealing = new MultiCarrierScheduler();
        oneCarrier = new OneCarrierVirtualThreads();
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
        workStealing.close();
        oneCarrier.close();
    }

    private static Void spawnJoinEach() throws InterruptedException {
        Fiber<?>[] fibers = new Fiber<?>[BATCH];
        for (int b = 0; b < BATCHES; b++) {
            for (int i = 0; i < BATCH; i++) {
                fibers[i] = Fiber.spawn(NOTHING_FIBER);
            }
            for (Fiber<?> f : fibers) {
                f.join();
            }
        }
        return null;
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void hub_inFiber_join() throws Exception {
        hub.invoke(SpawnJoin::spawnJoinEach);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG, BenchFlags.MONITOR_OFF})
    public void hub_inFiber_join_monitorOff() throws Exception {
        hub.invoke(SpawnJoin::spawnJoinEach);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void hub_inFiber_joinAll() throws Exception {
        hub.invoke(() -> {
            for (int b = 0; b < BATCHES; b++) {
                List<Fiber<Void>> fibers = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    fibers.add(Fiber.spawn(NOTHING_FIBER));
                }
                Fiber.joinAll(fibers);
            }
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void hub_fromThread_join() throws InterruptedException {
        Fiber<?>[] fibers = new Fiber<?>[BATCH];
        for (int b = 0; b < BATCHES; b++) {
            for (int i = 0; i < BATCH; i++) {
                fibers[i] = hub.spawn(NOTHING_FIBER);
            }
            for (Fiber<?> f : fibers) {
                f.join();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void workStealing_inFiber_join() throws Exception {
        workStealing.invoke(SpawnJoin::spawnJoinEach);
    }

    private static void startJoinEach(Thread.Builder builder) {
        Thread[] threads = new Thread[BATCH];
        try {
            for (int b = 0; b < BATCHES; b++) {
                for (int i = 0; i < BATCH; i++) {
                    threads[i] = builder.start(NOTHING);
                }
                for (Thread t : threads) {
                    t.join();
                }
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("benchmark strand interrupted", e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void vtDefault_fromVirtual_join() throws InterruptedException {
        Thread.ofVirtual().start(() -> startJoinEach(Thread.ofVirtual())).join();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void vtDefault_fromPlatform_join() {
        startJoinEach(Thread.ofVirtual());
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void vtCustom1_fromVirtual_join() throws InterruptedException {
        Thread.Builder.OfVirtual vt = oneCarrier.builder();
        vt.start(() -> startJoinEach(vt)).join();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void platform_join() {
        startJoinEach(Thread.ofPlatform());
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void floor() {
        Continuation[] tasks = new Continuation[BATCH];
        for (int b = 0; b < BATCHES; b++) {
            for (int i = 0; i < BATCH; i++) {
                tasks[i] = new Continuation(RawCarrier.SCOPE, NOTHING);
            }
            for (Continuation c : tasks) {
                c.run();
            }
        }
    }
}
