package dev.weft.fibers.internal.jfr;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Strand;
import dev.weft.fibers.internal.JvmFlags;
import dev.weft.fibers.internal.timer.TimerTask;
import jdk.internal.vm.Continuation;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM records Weft's JFR events while a small program ({@link Program}) blocks a carrier,
 * parks a fiber long, makes a timer fire late and pins a yield; the test reads the recording back
 * with {@code jdk.jfr.consumer} and checks each event and its fields. A child, because a recording
 * in the test JVM would instrument the event classes for every later test.
 */
class RecordedEventsTest {
    static final Duration BLOCKED_CARRIER_THRESHOLD = Duration.ofMillis(50);

    @Test
    void theRuntimesEventsAreRecordedWithTheirFields(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("weft.jfr");
        Path output = dir.resolve("child.txt");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(JvmFlags.classPathFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Program.class.getName(), recording.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish: " + Files.readString(output));
            assertEquals(0, p.exitValue(), Files.readString(output));
        } finally {
            p.destroyForcibly();
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);

        RecordedEvent blocked = only(events, "dev.weft.BlockedCarrier", e -> "blocker".equals(e.getString("fiber")));
        assertEquals("recorded", blocked.getThread("carrier").getJavaName());
        assertEquals("Hub[recorded]", blocked.getString("scheduler"));
        assertTrue(blocked.getDuration("blockedFor").compareTo(BLOCKED_CARRIER_THRESHOLD) >= 0, blocked.toString());
        assertTrue(blocked.getString("stack").contains("java.util.concurrent.CountDownLatch.await"), blocked.toString());
        assertTrue(blocked.getBoolean("logged"));

        assertTrue(events.stream().noneMatch(e -> e.getEventType().getName().equals("dev.weft.LongPark")
                && "late-sleeper".equals(e.getString("fiber"))), "a sleep is not a long park");

        RecordedEvent lag = only(events, "dev.weft.TimerLag", e -> "recorded".equals(e.getString("timers")));
        assertEquals("ParkTimer", lag.getString("timer"), "the late sleeper's timed park");
        assertTrue(lag.getDuration("lag").compareTo(Duration.ofNanos(TimerTask.LAG_THRESHOLD_NANOS)) > 0, lag.toString());

        RecordedEvent park = only(events, "dev.weft.LongPark", e -> "long-parker".equals(e.getString("fiber")));
        assertEquals("Hub[recorded]", park.getString("scheduler"));
        Duration limit = park.getDuration("timeout"); // the time left when the park began: read off its deadline
        assertTrue(limit.compareTo(Duration.ZERO) > 0 && limit.compareTo(Duration.ofSeconds(30)) <= 0,
                "a timed park's limit of 30 s: " + park);
        assertEquals("the go flag", park.getString("waitingOn"));
        RecordedEvent join = only(events, "dev.weft.LongPark", e -> "main".equals(e.getString("fiber"))
                && "Fiber[blocker, done]".equals(e.getString("waitingOn")));
        assertEquals(Duration.ZERO, join.getDuration("timeout"), "an untimed park (a join)");
        assertTrue(park.getDuration().compareTo(Duration.ofMillis(20)) >= 0, "below the recording's threshold: " + park);
        assertTrue(park.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getType().getName().equals(Strand.class.getName())), park.toString());

        RecordedEvent pinned = only(events, "dev.weft.PinnedYield", e -> "pinned".equals(e.getString("fiber")));
        assertEquals("CRITICAL_SECTION", pinned.getString("reason"));

        for (String type : List.of("dev.weft.FiberStart", "dev.weft.FiberEnd")) {
            only(events, type, e -> "blocker".equals(e.getString("fiber")) && "Hub[recorded]".equals(e.getString("scheduler")));
        }
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type, Predicate<RecordedEvent> which) {
        List<RecordedEvent> found = events.stream()
                .filter(e -> e.getEventType().getName().equals(type) && which.test(e)).toList();
        assertFalse(found.isEmpty(), "no " + type + " among " + events.stream().map(e -> e.getEventType().getName()).toList());
        assertEquals(1, found.size(), type + ": " + found);
        return found.get(0);
    }

    /**
     * The child: records while a fiber blocks its carrier until the recording stream has seen the
     * watchdog's event for it (about a second: the stream's flush period).
     */
    public static final class Program {
        public static void main(String[] args) throws Exception {
            CountDownLatch seen = new CountDownLatch(1);
            try (RecordingStream r = new RecordingStream()) {
                for (String type : List.of("dev.weft.FiberStart", "dev.weft.FiberEnd", "dev.weft.BlockedCarrier",
                        "dev.weft.TimerLag", "dev.weft.PinnedYield")) {
                    r.enable(type);
                }
                r.enable("dev.weft.LongPark").withThreshold(Duration.ofMillis(20)).withStackTrace();
                r.onEvent("dev.weft.BlockedCarrier", e -> seen.countDown());
                r.startAsync();
                try (Hub hub = new Hub("recorded")) {
                    hub.blockedCarrierThreshold(BLOCKED_CARRIER_THRESHOLD);
                    hub.invoke(() -> {
                        boolean[] go = {false};
                        Object flag = new Object() {
                            @Override
                            public String toString() {
                                return "the go flag";
                            }
                        };
                        Fiber<Void> parker = Fiber.spawn("long-parker", () -> {
                            while (!go[0]) {
                                Strand.parkNanos(flag, TimeUnit.SECONDS.toNanos(30));
                            }
                        });
                        Fiber<Void> late = Fiber.spawn("late-sleeper", () -> Fiber.sleep(Duration.ofMillis(1)));
                        // runs after the two above parked: holds the carrier until the watchdog's event arrived
                        Fiber<Void> blocker = Fiber.spawn("blocker", () -> {
                            if (!seen.await(30, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("no BlockedCarrier event in 30 s");
                            }
                        });
                        blocker.get();
                        late.join();
                        go[0] = true;
                        parker.unpark();
                        parker.join();
                        Fiber.spawn("pinned", () -> {
                            Continuation.pin();
                            try {
                                Fiber.yieldNow(); // cannot suspend: reported, returns at once
                            } finally {
                                Continuation.unpin();
                            }
                        }).join();
                        return null;
                    });
                }
                r.stop();
                r.dump(Path.of(args[0]));
            }
        }
    }
}
