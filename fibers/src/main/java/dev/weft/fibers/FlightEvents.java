package dev.weft.fibers;

import dev.weft.fibers.internal.jfr.FiberEndEvent;
import dev.weft.fibers.internal.jfr.FiberStartEvent;
import dev.weft.fibers.internal.jfr.LongParkEvent;
import dev.weft.fibers.internal.jfr.PinnedYieldEvent;

/**
 * Where the runtime commits its JFR events (the classes live in {@code internal.jfr}). Each
 * method builds its event, and the strings it carries, only if a recording has the event
 * enabled: while none does, {@code new XxxEvent().isEnabled()} is a constant {@code false} that
 * the JIT folds, allocation included (escape analysis), so the carrier's paths pay nothing.
 */
final class FlightEvents {
    private FlightEvents() {}

    /** A fiber's body starts. Called by its carrier. */
    static void fiberStarted(Fiber<?> f) {
        FiberStartEvent e = new FiberStartEvent();
        if (e.shouldCommit()) {
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler);
            e.commit();
        }
    }

    /** A fiber's body has ended. Called by its carrier. */
    static void fiberEnded(Fiber<?> f) {
        FiberEndEvent e = new FiberEndEvent();
        if (e.shouldCommit()) {
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler);
            e.commit();
        }
    }

    /**
     * A park that suspended its fiber has ended: commits {@code e} (begun before the park) if it
     * lasted the recording's threshold. Called by the fiber, resumed. {@code timeoutNanos}: the
     * park's time limit, 0 if none.
     */
    static void parkEnded(LongParkEvent e, Fiber<?> f, long timeoutNanos) {
        e.end();
        if (e.shouldCommit()) {
            e.timeout = timeoutNanos;
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler);
            e.commit();
        }
    }

    /** A pinned fiber's blocking of its carrier, begun as {@code e}, has ended (or it was a yield, which does not block). */
    static void pinnedEnded(PinnedYieldEvent e, Fiber<?> f, Object reason) {
        e.end();
        if (e.shouldCommit()) {
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler);
            e.reason = String.valueOf(reason);
            e.commit();
        }
    }
}
