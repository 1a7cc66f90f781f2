package dev.weft.stress.locks;

import dev.weft.locks.Event;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Event guarantees 1 and 2, no lost wake-up. await() reads the flag, and if it is clear
 * queues its node under the event's monitor, re-checking the flag there; set() raises the flag
 * and takes the queued nodes under the same monitor. If await queued without that re-check, a
 * set landing between its first read and its queueing would take the list without it, and the
 * waiter would sleep although the event is set.
 *
 * Interleaving: EventAwaitRace. A fiber of hub 0 (its carrier runs the await) raises a flag,
 * spins 0 to 31 times (varied sample by sample) and calls await(); a platform thread waits for
 * the flag and sets the event, so the set sweeps across the await's read, its queueing and its
 * park. The arbiter settles both hubs (a woken fiber has run by then) and reads whether the
 * fiber ended.
 *
 * Run: ./weft stress quick Event_01
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The await saw the set, or was woken by it, and returned true.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Lost wake-up: the fiber stayed parked on a set event, or its await returned false.")
@Description("An await racing a set either sees it or is woken by it.")
@State
public class Event_01_SetVsAwait {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final Event event = new Event();
    private final EventAwaitRace race = new EventAwaitRace(new EventAwaitRace.RaceEvent() {
        @Override
        public boolean await() throws InterruptedException {
            return event.await();
        }

        @Override
        public void set() {
            event.set();
        }
    }, SAMPLES.incrementAndGet());

    @Actor
    public void waiter() {
        race.startWaiter();
    }

    @Actor
    public void setter() {
        race.setter();
    }

    @Arbiter
    public void outcome(II_Result r) {
        race.arbiter(r);
    }
}
