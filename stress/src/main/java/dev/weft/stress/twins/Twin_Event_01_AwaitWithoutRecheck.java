package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.EventAwaitRace;
import dev.weft.stress.locks.Event_01_SetVsAwait;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Event_01_SetVsAwait's actor bodies
 * (EventAwaitRace: a fiber of hub 0 awaits, a platform thread sets as it begins) on
 * BrokenEvent, whose await queues its node without re-checking the flag under the monitor: a
 * set between its first read and its queueing takes the list without it, and the fiber stays
 * parked on a set event: outcome "0, -1", which Event_01 forbids.
 *
 * Run: ./weft stress quick Twin_Event_01
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The await saw the set, or was woken by it, and returned true.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Lost wake-up: the fiber stayed parked on a set event, or its await returned false.")
@Description("Negative control of Event_01: an await that queues without re-checking the flag.")
@NegativeControl(of = Event_01_SetVsAwait.class, defect = "await queues its node without re-checking the flag under the monitor: a set in between misses it")
@State
public class Twin_Event_01_AwaitWithoutRecheck {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final EventAwaitRace race = new EventAwaitRace(new BrokenEvent(), SAMPLES.incrementAndGet());

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
