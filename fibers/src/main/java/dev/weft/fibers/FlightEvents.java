package dev.weft.fibers;

import dev.weft.fibers.internal.jfr.FiberEndEvent;
import dev.weft.fibers.internal.jfr.FiberStartEvent;
import dev.weft.fibers.internal.jfr.LongParkEvent;
import dev.weft.fibers.internal.jfr.PinnedYieldEvent;
import jdk.jfr.FlightRecorder;

/**
 * Where the runtime commits its JFR events (the classes live in {@code internal.jfr}).
 *
 * <p>No event class is touched before the Flight Recorder is initialized ({@link #recorderOn}: a
 * recording was started, from the command line, {@code jcmd} or the API): the JVM gives each
 * event class an initializer that registers it, and the first registration loads the recorder's
 * whole metadata (over 100 ms of a carrier's time, measured on a loaded machine), which a
 * program that never records must not pay. After that each method builds its event, and the
 * strings it carries, only if a recording has it enabled. A carrier's path thus pays one
 * volatile read (a plain load on x86) per fiber start, end and park.
 */
final class FlightEvents {
    private FlightEvents() {}

    /** Whether the Flight Recorder was initialized: only then may an event class be loaded. */
    static boolean recorderOn() {
        return FlightRecorder.isInitialized();
    }

    /** A fiber's body starts. Called by its carrier. */
    static void fiberStarted(Fiber<?> f) {
        if (recorderOn()) {
            fiberStartedRecording(f);
        }
    }

    private static void fiberStartedRecording(Fiber<?> f) {
        FiberStartEvent e = new FiberStartEvent();
        if (e.shouldCommit()) {
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler());
            e.commit();
        }
    }

    /** A fiber's body has ended. Called by its carrier. */
    static void fiberEnded(Fiber<?> f) {
        if (recorderOn()) {
            fiberEndedRecording(f);
        }
    }

    private static void fiberEndedRecording(Fiber<?> f) {
        FiberEndEvent e = new FiberEndEvent();
        if (e.shouldCommit()) {
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler());
            e.commit();
        }
    }

    /**
     * Fiber {@code f} is about to park: a begun event if a recording wants long parks, else
     * {@code null}. A {@link Fiber#sleep} is not a wait on anything, and a program may sleep in
     * loops in thousands of fibers: it is left out, as the JDK keeps {@code jdk.ThreadSleep} apart
     * from {@code jdk.ThreadPark}. {@code timeoutNanos}: the park's time limit, 0 if none.
     */
    static LongParkEvent parkBegins(Fiber<?> f, long timeoutNanos) {
        if (!recorderOn() || f.parkBlocker() == Fiber.SLEEPING) {
            return null;
        }
        LongParkEvent e = new LongParkEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.timeout = timeoutNanos; // NOTE: kept in the event, not by the parked frame (a slot less in its stack)
        e.begin();
        return e;
    }

    /** A pinned fiber is about to block its carrier: a begun event if a recording wants it, else {@code null}. */
    static PinnedYieldEvent pinBegins() {
        if (!recorderOn()) {
            return null;
        }
        PinnedYieldEvent e = new PinnedYieldEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /**
     * A park that suspended its fiber has ended: commits {@code e} (begun before the park) if it
     * lasted the recording's threshold. Called by the fiber, resumed.
     */
    static void parkEnded(LongParkEvent e, Fiber<?> f) {
        e.end();
        if (e.shouldCommit()) {
            e.waitingOn = FiberDump.describe(f.parkBlocker()); // NOTE: still set: parkFiber clears it (Fiber.noteParkEnd) after this
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler());
            e.commit();
        }
    }

    /** A pinned fiber's blocking of its carrier, begun as {@code e}, has ended (or it was a yield, which does not block). */
    static void pinnedEnded(PinnedYieldEvent e, Fiber<?> f, Object reason) {
        e.end();
        if (e.shouldCommit()) {
            e.fiber = f.name();
            e.scheduler = String.valueOf(f.scheduler());
            e.reason = String.valueOf(reason);
            e.commit();
        }
    }
}
