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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;

/**
 * {@link MillionParked}'s workload for Kotlin coroutines (issue 16, "Also"): {@code count}
 * coroutines suspended at once ({@code suspendCancellableCoroutine}, the continuation kept by the
 * driver, which resumes it), then all resumed in start order and joined; one operation is one whole
 * run, in ms. The live heap at the run's peak is {@link MillionParked.Heap}'s {@code peakHeapMB}
 * and {@code bytesPerStrand}, measured the same way (one untimed run in the setup of the last
 * warm-up iteration, or of the first measurement iteration when there is none; the used heap after
 * {@code System.gc()} with every coroutine suspended, minus before), in a fork with the same fixed
 * 4 GB heap.
 *
 * <p>{@code kotlin1Thread}: Kotlin's {@code newSingleThreadContext}; {@code kotlinDefault}:
 * {@code Dispatchers.Default} (see {@link KotlinPeers}). Compiled only with the Maven profile
 * {@code kotlin-peers}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
        MillionParked.XMS, MillionParked.XMX, BenchFlags.LIVE_HEAP})
public class KotlinMillionParked {
    private static final Runnable NOTHING = () -> {};

    /** Coroutines per run; the CI smoke run makes it small. */
    @Param("1000000")
    public int count;

    private ExecutorCoroutineDispatcher oneThread;
    private int warmups;
    private boolean heapMeasured;
    private long peakHeapBytes;

    @Setup(Level.Trial)
    public void start() {
        oneThread = CoroutineWorkloads.singleThread("bench-coroutines");
    }

    @TearDown(Level.Trial)
    public void stop() {
        oneThread.close();
    }

    private CoroutineDispatcher dispatcherOf(String benchmark) {
        return switch (benchmark.substring(benchmark.lastIndexOf('.') + 1)) {
            case "kotlin1Thread" -> oneThread;
            case "kotlinDefault" -> Dispatchers.getDefault();
            default -> throw new IllegalStateException("KotlinMillionParked has no dispatcher for benchmark "
                    + benchmark + ": add it to dispatcherOf");
        };
    }

    @Setup(Level.Iteration)
    public void measureHeap(BenchmarkParams benchmark, IterationParams iteration) {
        boolean lastWarmup = iteration.getType() == IterationType.WARMUP && ++warmups == iteration.getCount();
        if (heapMeasured || !(lastWarmup || iteration.getType() == IterationType.MEASUREMENT)) {
            return;
        }
        heapMeasured = true;
        long[] peak = new long[1];
        long before = MillionParked.usedAfterGc();
        CoroutineWorkloads.millionSuspended(dispatcherOf(benchmark.getBenchmark()), count,
                () -> peak[0] = MillionParked.usedAfterGc());
        peakHeapBytes = peak[0] - before;
    }

    @TearDown(Level.Iteration)
    public void reportHeap(MillionParked.Heap heap) {
        if (heapMeasured) {
            heap.peakHeapMB = peakHeapBytes / (double) (1 << 20);
            heap.bytesPerStrand = peakHeapBytes / (double) count;
        }
    }

    @Benchmark
    public int kotlin1Thread() {
        return CoroutineWorkloads.millionSuspended(oneThread, count, NOTHING);
    }

    @Benchmark
    public int kotlinDefault() {
        return CoroutineWorkloads.millionSuspended(Dispatchers.getDefault(), count, NOTHING);
    }
}
