package dev.weft.docs;

import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SemaphoreProgramsTest {
    static final List<String> ALL_THIS_THEN_ALL_THAT = List.of(
            "this is 0", "this is 1", "this is 2", "this is 3", "this is 4",
            "that is 0", "that is 1", "that is 2", "that is 3", "that is 4");

    static final List<String> ALTERNATING = List.of(
            "this is 0", "that is 0", "this is 1", "that is 1", "this is 2", "that is 2",
            "this is 3", "that is 3", "this is 4", "that is 4");

    private static List<String> linesOf(ProgramOnHub program) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (Hub hub = new Hub(); var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            program.run(hub, out);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    interface ProgramOnHub {
        void run(Hub hub, PrintStream out) throws Exception;
    }

    @Test
    void section5NoSleepPrintsAllThisLinesThenAllThatLinesLikeGevent() throws Exception {
        assertEquals(ALL_THIS_THEN_ALL_THAT, linesOf(SemaphoreNoSleep::run));
    }

    @Test
    void section6ReleaseThenSleepAlternatesLikeGevent() throws Exception {
        assertEquals(ALTERNATING, linesOf((hub, out) -> SemaphoreReleaseThenSleep.run(hub, out, Duration.ofMillis(20))));
    }

    @Test
    void sleepingWhileHoldingAlternatesBecauseTheReleaserCannotBarge() throws Exception {
        assertEquals(ALTERNATING, linesOf((hub, out) -> SemaphoreSleepWhileHolding.run(hub, out, Duration.ofMillis(20))));
    }
}
