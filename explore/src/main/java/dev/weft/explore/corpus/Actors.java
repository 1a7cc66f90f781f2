package dev.weft.explore.corpus;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;

import java.util.ArrayList;
import java.util.List;

/** Spawns a corpus program's actors, joins them, and checks its invariants. */
final class Actors {

    private Actors() {}

    /**
     * Spawns {@code bodies} as fibers named A, B, C, ... in that order and waits for all of them;
     * rethrows the first failure as it is, as soon as it happens (the others are killed when the
     * simulation closes).
     */
    static List<Fiber<Void>> run(CheckedRunnable... bodies) throws Exception {
        Group group = spawn(bodies);
        group.join();
        return group.fibers;
    }

    /** Spawns {@code bodies} as fibers named A, B, C, ... without waiting. */
    static Group spawn(CheckedRunnable... bodies) {
        Group group = new Group();
        for (int i = 0; i < bodies.length; i++) {
            CheckedRunnable body = bodies[i];
            group.fibers.add(Fiber.spawn(String.valueOf((char) ('A' + i)), () -> {
                try {
                    body.run();
                } catch (FiberExit killed) {
                    throw killed;
                } catch (Throwable t) {
                    // kept for join, so that no failure goes to the fibers' global failure handler
                    // (which would print every failing run of an exploration)
                    if (group.failure == null) {
                        group.failure = t;
                    }
                }
            }));
        }
        return group;
    }

    /** A program's actors and the first failure among them. */
    static final class Group {
        final List<Fiber<Void>> fibers = new ArrayList<>();
        Throwable failure;

        Fiber<Void> get(int i) {
            return fibers.get(i);
        }

        /** Waits for every actor; rethrows the first failure as soon as an actor has failed. */
        void join() throws Exception {
            List<Fiber<Void>> running = new ArrayList<>(fibers);
            while (failure == null && !running.isEmpty()) {
                Fiber.joinAll(running, null, 1);
                running.removeIf(Fiber::isDone);
            }
            if (failure instanceof Exception x) {
                throw x;
            }
            if (failure != null) {
                throw (Error) failure;
            }
        }
    }

    /** Fails the run with {@code message} unless {@code invariant} holds. */
    static void check(boolean invariant, String message) {
        if (!invariant) {
            throw new AssertionError(message);
        }
    }
}
