package dev.weft.fibers;

import jdk.jfr.FlightRecorder;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A program that never records loads no Weft event class: the JVM gives each one an initializer
 * that loads the Flight Recorder's metadata, which once held a carrier for over 100 ms. Every
 * path that can commit an event runs here (fiber start and end, a park, a pinned yield, a late
 * timer, a blocked carrier); none may touch an event class. (The events themselves are tested with
 * a recording, in a child JVM: {@code internal.jfr.RecordedEventsTest}.)
 */
class FlightEventsTest {
    private static final List<String> EVENTS = List.of("FiberStartEvent", "FiberEndEvent", "LongParkEvent",
            "PinnedYieldEvent", "BlockedCarrierEvent", "DeadlockReportEvent", "TimerLagEvent");

    @Test
    void withoutARecordingNoEventClassIsLoaded() throws Exception {
        assumeFalse(FlightRecorder.isInitialized(), "a recording was started in this JVM: the classes may load");
        Consumer<? super CarrierWatchdog.BlockedCarrier> log = CarrierWatchdog.installReporter(r -> { });
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
        } finally {
            CarrierWatchdog.installReporter(log);
        }
        Method findLoaded = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        findLoaded.setAccessible(true);
        ClassLoader loader = FlightEvents.class.getClassLoader();
        for (String event : EVENTS) {
            assertEquals(null, findLoaded.invoke(loader, "dev.weft.fibers.internal.jfr." + event), event + " was loaded");
        }
    }
}
