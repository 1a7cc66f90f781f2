package dev.weft.docs;

import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpawnAndSwitchTest {
    static final List<String> GEVENT_OUTPUT = List.of(
            "this is 0", "that is 0", "this is 1", "that is 1", "this is 2", "that is 2",
            "this is 3", "that is 3", "this is 4", "that is 4");

    static List<String> linesOf(Demo.Program program, ByteArrayOutputStream bytes) throws Exception {
        program.run();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void section3SleepZeroAlternatesLikeGevent() throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (Hub hub = new Hub(); var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(GEVENT_OUTPUT, linesOf(() -> SpawnAndSwitch.run(hub, out, Duration.ZERO), bytes));
        }
    }

    @Test
    void section4TimedSleepAlternatesLikeGevent() throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (Hub hub = new Hub(); var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(GEVENT_OUTPUT, linesOf(() -> SpawnAndSwitch.run(hub, out, Duration.ofMillis(20)), bytes));
        }
    }
}
