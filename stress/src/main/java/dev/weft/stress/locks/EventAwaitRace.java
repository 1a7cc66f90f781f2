package dev.weft.stress.locks;

import dev.weft.fibers.Fiber;
import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The actor bodies of {@link Event_01_SetVsAwait} and its twin: a fiber of hub 0 raises a flag
 * and calls the untimed {@code await()}; the setter, a platform thread, waits for the flag,
 * spins 0 to 31 times (sample by sample, to sweep the set across the await's check and its
 * queueing) and calls {@code set()}; the arbiter settles both hubs and reports whether the fiber
 * ended and what its await returned.
 */
public final class EventAwaitRace {
    /** What the race needs of an event. */
    public interface RaceEvent {
        boolean await() throws InterruptedException;

        void set();
    }

    private final RaceEvent event;
    private final int lateness;
    private volatile boolean waiting;
    private volatile int returned = -1;
    private final Fiber<Void> waiter;

    public EventAwaitRace(RaceEvent event, int sample) {
        this.event = event;
        this.lateness = sample & 31;
        this.waiter = ActorCarrier.unstarted(() -> {
            waiting = true;
            returned = event.await() ? 1 : 0;
            return null;
        });
    }

    /** Actor 1: starts the waiting fiber on hub 0. */
    public void startWaiter() {
        ActorCarrier.start(waiter);
    }

    /** Actor 2: sets the event just as the fiber begins to wait. */
    public void setter() {
        ActorCarrier.awaitFlag(() -> waiting);
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait();
        }
        event.set();
    }

    /** r1: the fiber ended (1) or is still parked (0); r2: what its await returned (1 true, -1 none). */
    public void arbiter(II_Result r) {
        ActorCarrier.settle();
        boolean done = waiter.isDone();
        r.r1 = done ? 1 : 0;
        r.r2 = returned;
        if (!done) {
            ActorCarrier.killAndAwait(waiter); // a lost wake-up: leave nothing parked for the next sample
        }
    }
}
