package dev.weft.locks;

import java.util.function.BooleanSupplier;

/** Test helpers for waiting on other strands without sleeping. */
final class Strands {
    private Strands() {}

    /**
     * Spins (yielding the thread) until {@code condition} holds. Used by a test thread to wait
     * until other threads or fibers are queued; the class-level JUnit timeout bounds it.
     */
    static void awaitCondition(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Starts a platform thread running {@code body}, named {@code name}. */
    static Thread platform(String name, Runnable body) {
        return Thread.ofPlatform().name(name).start(body);
    }

    /** Starts a virtual thread running {@code body}, named {@code name}. */
    static Thread virtual(String name, Runnable body) {
        return Thread.ofVirtual().name(name).start(body);
    }
}
