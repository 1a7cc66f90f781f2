package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link Hub#close()} of a hub with {@code count} fibers asleep in {@code sleep(60 s)} (issue 16,
 * with the reliability issue): the close kills every fiber, each unwinds, its timer is cancelled
 * and it completes, and the close waits for all of that. One operation is one close; the untimed
 * setup makes the hub and puts its fibers to sleep ({@link CloseMillion} is the same outside JMH).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG,
        MillionParked.XMS, MillionParked.XMX})
public class SleepingHubClose {
    private static final CheckedRunnable SLEEPER = () -> Fiber.sleep(Duration.ofSeconds(MillionSleeping.SLEEP_SECONDS));

    /** Fibers asleep in the hub; the CI smoke run makes it small. */
    @Param("1000000")
    public int count;

    private Hub hub;

    @Setup(Level.Invocation)
    public void putToSleep() throws Exception {
        hub = new Hub("bench-hub-close");
        int n = count;
        hub.invoke(() -> {
            for (int i = 0; i < n; i++) {
                Fiber.spawn(SLEEPER);
            }
            Fiber.yieldNow(); // FIFO: every one of them sleeps now
            return null;
        });
    }

    @TearDown(Level.Invocation)
    public void closed() {
        hub.close(); // closed by the benchmark already, unless it failed: returns at once then
    }

    @Benchmark
    public void hub() {
        hub.close();
    }
}
