package dev.weft.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StrandHistogram} finds each suspended fiber's own objects: one fiber object, one
 * continuation and at least one stack chunk per fiber, plus the kind's wait node or timer task.
 * It asserts counts, not sizes: a chunk's size follows the JIT's state.
 */
class StrandHistogramTest {
    private static final int COUNT = 2_000;

    @ParameterizedTest
    @EnumSource(StrandHistogram.Kind.class)
    void eachFiberKeepsItsObjects(StrandHistogram.Kind kind) throws Exception {
        List<StrandHistogram.Share> shares = StrandHistogram.measure(kind, COUNT, 1);
        // at most one more: the fiber of the hub.invoke that waited for the others to suspend may
        // still be reachable from the hub's carrier while the histogram is taken
        assertBetween(COUNT, COUNT + 1, instancesOf(shares, "dev.weft.fibers.ContinuationFiber"), "fibers", shares);
        assertBetween(COUNT, COUNT + 1, instancesOf(shares, "dev.weft.fibers.FiberContinuation"), "continuations", shares);
        assertTrue(instancesOf(shares, "jdk.internal.vm.StackChunk") >= COUNT, () -> "stack chunks in " + shares);
        switch (kind) {
            case SEMAPHORE -> assertEquals(COUNT, instancesOf(shares, "dev.weft.locks.Waiter"), () -> "wait nodes in " + shares);
            case SLEEPING -> assertEquals(COUNT, instancesOf(shares, "dev.weft.fibers.ContinuationFiber$ParkTimer"),
                    () -> "timer tasks in " + shares);
            case PARKED -> { }
        }
        assertTrue(shares.stream().noneMatch(s -> s.className().equals("[Ldev.weft.fibers.Fiber;")),
                () -> "the program's own array of fibers is not the fibers' cost: " + shares);
    }

    @Test
    void parsesTheHistogramsRows() {
        String histogram = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:        100000       21600000  jdk.internal.vm.StackChunk (java.base@25.0.3)
                   2:        100000        6400000  dev.weft.fibers.ContinuationFiber
                Total        200000       28000000
                """;
        Map<String, StrandHistogram.Share> rows = StrandHistogram.parse(histogram);
        assertEquals(Map.of(
                "jdk.internal.vm.StackChunk", new StrandHistogram.Share("jdk.internal.vm.StackChunk", 100_000, 21_600_000),
                "dev.weft.fibers.ContinuationFiber", new StrandHistogram.Share("dev.weft.fibers.ContinuationFiber", 100_000, 6_400_000)),
                rows);
    }

    private static void assertBetween(long low, long high, long actual, String what, List<StrandHistogram.Share> shares) {
        assertTrue(actual >= low && actual <= high, () -> what + ": " + actual + ", expected " + low + ".." + high + " in " + shares);
    }

    private static long instancesOf(List<StrandHistogram.Share> shares, String className) {
        return shares.stream().filter(s -> s.className().equals(className)).mapToLong(StrandHistogram.Share::instances).sum();
    }
}
