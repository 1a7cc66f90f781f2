package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.Event;

/**
 * Order violation (the Mozilla pattern of Lu et al., ASPLOS 2008): the main fiber starts a worker
 * and then initialises the state the worker uses, assuming the worker will not get that far first.
 * The worker does a yield of its own (its setup) and then reads the state.
 *
 * <p>Suspensions the bug needs: the main fiber's yield (its loading) before the initialisation
 * and the worker's yield before the use. Fix: the worker waits for an {@link Event} that the main
 * fiber sets after the initialisation.
 */
public final class OrderViolation implements CorpusBug {

    @Override
    public String origin() {
        return "classic (order violation, Lu et al. ASPLOS 2008)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        String[] state = {null};
        Event ready = new Event();
        var worker = Actors.spawn(() -> {
            Fiber.yieldNow();
            if (fixed) {
                ready.await();
            }
            Actors.check(state[0] != null, "order violation: the worker used the state before it was initialised");
        });
        Fiber.yieldNow();
        state[0] = "initialised";
        ready.set();
        worker.join();
    }
}
