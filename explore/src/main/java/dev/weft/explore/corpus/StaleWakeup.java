package dev.weft.explore.corpus;

import dev.weft.fibers.Strand;

import java.util.ArrayList;
import java.util.List;

/**
 * A stale wake-up taken for a signal: A waits for either of two flags (registering with both and
 * leaving the other registration behind when one is set), then waits for a third flag with a
 * single park. If both flags are set before A runs again, the second set leaves an unpark permit
 * behind, and A's single park on the third flag returns at once: A goes on as if the third flag were
 * set.
 *
 * <p>Suspensions the bug needs: A's parks; the setters B and C must both run between A's first
 * wake-up and its resumption. Fix: wait in a loop that re-checks the flag after every wake-up
 * (stress twins Event_01 AwaitWithoutRecheck and Lock_07 ParkOnce).
 */
public final class StaleWakeup implements CorpusBug {

    /** A flag strands wait for (a corpus helper; plain fields, one scheduler). */
    private static final class Flag {
        boolean set;
        final List<Strand> waiters = new ArrayList<>();

        void set() {
            set = true;
            waiters.forEach(Strand::unpark);
            waiters.clear();
        }
    }

    @Override
    public String origin() {
        return "stress twins Event_01/Lock_07 (a wait that does not re-check), on one hub";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Flag first = new Flag();
        Flag second = new Flag();
        Flag third = new Flag();
        Actors.run(() -> {
            if (!first.set && !second.set) {
                first.waiters.add(Strand.current());
                second.waiters.add(Strand.current());
                while (!first.set && !second.set) {
                    Strand.park();
                }
            }
            if (!third.set) {
                third.waiters.add(Strand.current());
                if (fixed) {
                    while (!third.set) {
                        Strand.park();
                    }
                } else {
                    Strand.park();
                }
            }
            Actors.check(third.set, "stale wake-up: the waiter went on before the flag it waits for was set");
        }, first::set, second::set, () -> {
            dev.weft.fibers.Fiber.yieldNow();
            third.set();
        });
    }
}
