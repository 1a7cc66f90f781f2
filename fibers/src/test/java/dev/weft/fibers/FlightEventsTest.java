package dev.weft.fibers;

import dev.weft.fibers.internal.JvmFlags;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program that never records loads neither a Weft event class nor the Flight Recorder's
 * metadata: the JVM gives each event class an initializer that loads that metadata, which once
 * held a carrier for over 100 ms. A child JVM ({@link Program}) runs every path that can commit
 * an event (fiber start and end, a park, a pinned yield, a late timer, a blocked carrier) under
 * {@code -Xlog:class+load}; none of those classes may appear. A child, because the test JVM may
 * have loaded them for other reasons. (The events themselves are tested with a recording:
 * {@code internal.jfr.RecordedEventsTest}.)
 */
class FlightEventsTest {

    @Test
    void withoutARecordingNeitherEventClassesNorTheRecordersMetadataAreLoaded() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(JvmFlags.classPathFlags());
        command.addAll(List.of("-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
                Program.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("every path ran"), out);
        List<String> loaded = out.lines()
                .filter(l -> l.contains("dev.weft.fibers.internal.jfr.") || l.contains("jdk.jfr.internal.MetadataRepository"))
                .toList();
        assertEquals(List.of(), loaded, "loaded although nothing records");
    }

    /** The child: every path that could commit an event, no recording. */
    public static final class Program {
        public static void main(String[] args) throws Exception {
            CarrierWatchdog.installReporter(r -> { }); // the report's path runs; its log line is not the point
            try (Hub hub = new Hub("unrecorded")) {
                hub.blockedCarrierThreshold(Duration.ofMillis(1));
                long episodes = CarrierWatchdog.episodes;
                hub.invoke(() -> {
                    Fiber<Void> parked = Fiber.spawn(() -> Strand.park());
                    Fiber<Void> late = Fiber.spawn(() -> Fiber.sleep(Duration.ofMillis(1)));
                    Fiber<Void> blocker = Fiber.spawn(() -> {
                        // holds the carrier until the watchdog saw it and the sleeper's timer is 30 ms late
                        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
                        while (CarrierWatchdog.episodes == episodes || System.nanoTime() < until) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        }
                    });
                    blocker.join();
                    late.join();
                    parked.unpark();
                    parked.join();
                    Fiber.setPinnedHandler(report -> { });
                    Fiber.spawn(() -> {
                        jdk.internal.vm.Continuation.pin();
                        try {
                            Fiber.yieldNow(); // pinned
                        } finally {
                            jdk.internal.vm.Continuation.unpin();
                        }
                    }).join();
                    return null;
                });
            }
            System.out.println("every path ran");
        }
    }
}
