package dev.weft.stress.locks;

import dev.weft.fibers.Fiber;
import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The actor bodies of {@link Event_01_SetVsAwait} and its twin: a fiber of hub 0 raises a flag,
 * spins 0 to 31 times (sample by sample) and calls the untimed {@code await()}; the setter, a
 * platform thread, waits for the flag and calls {@code set()}. The setter sees the flag a
 * fixed cross-core delay after it rose, so the fiber's varying head start sweeps the await's
 * check and queueing across the set. The arbiter settles both hubs and reports whether the
 * fiber ended and what its await returned.
 */
public final class EventAwaitRace {
    /** What the race needs of an event. */
    public interface RaceEvent {
        boolean await() throws InterruptedException;

        void set();
    }

    private final RaceEvent event;
    private final int headStart;
    private volatile boolean waiting;
    private volatile int returned = -1;
    private final Fiber<Void> waiter;

    public EventAwaitRace(RaceEvent event, int sample) {
        this.event = event;
        this.headStart = sample & 31;
        this.waiter = ActorCarrier.unstarted(() -> {
            waiting = true;
            for (int i = 0; i < headStart; i++) {
                Thread.onSpinWait();
            }
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
