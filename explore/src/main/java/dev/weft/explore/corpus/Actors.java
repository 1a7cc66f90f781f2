package dev.weft.explore.corpus;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** Spawns a corpus program's actors, joins them, and checks its invariants. */
final class Actors {

    private Actors() {}

    /**
     * Spawns {@code bodies} as fibers named A, B, C, ... in that order and waits for all of them;
     * rethrows the first failure as it is (the others are killed when the simulation closes).
     */
    static List<Fiber<Void>> run(CheckedRunnable... bodies) throws Exception {
        List<Fiber<Void>> fibers = spawn(bodies);
        join(fibers);
        return fibers;
    }

    /** Spawns {@code bodies} as fibers named A, B, C, ... without waiting. */
    static List<Fiber<Void>> spawn(CheckedRunnable... bodies) {
        List<Fiber<Void>> fibers = new ArrayList<>(bodies.length);
        for (int i = 0; i < bodies.length; i++) {
            fibers.add(Fiber.spawn(String.valueOf((char) ('A' + i)), bodies[i]));
        }
        return fibers;
    }

    /** Waits for {@code fibers}; rethrows the first failure (a kill is not one) as it is. */
    static void join(List<Fiber<Void>> fibers) throws Exception {
        try {
            Fiber.joinAllOrFail(fibers, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        }
    }

    /** Fails the run with {@code message} unless {@code invariant} holds. */
    static void check(boolean invariant, String message) {
        if (!invariant) {
            throw new AssertionError(message);
        }
    }
}
