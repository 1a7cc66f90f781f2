package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Stateless depth-first enumeration of a program's schedules with preemption bounding (Musuvathi
 * and Qadeer, PLDI 2007): each run replays the choices on the stack, then extends it with the
 * non-preemptive choice (the last fiber if it can go on, else the first runnable) at every new
 * decision; backtracking advances the deepest decision that has an untried choice within the
 * preemption bound. Decisions past the depth bound are not branched.
 *
 * <p>Every schedule with at most {@code maxPreemptions} preemptions among its first
 * {@code maxDepth} decisions is run exactly once. No state is hashed: the explorer cannot see the
 * program's memory, so two schedules that reach the same state are both run (duplicate pruning
 * would need a state fingerprint from the program; see docs/simulation.md).
 */
final class ExhaustiveSearch {

    /** One branched decision. */
    private static final class Frame {
        final int options;
        final boolean previousRunnable;
        final int preemptionsBefore;
        /** The non-preemptive choice first, then the others in index order. */
        final int[] order;
        int cursor;

        Frame(int options, int nonPreemptive, boolean previousRunnable, int preemptionsBefore) {
            this.options = options;
            this.previousRunnable = previousRunnable;
            this.preemptionsBefore = preemptionsBefore;
            this.order = new int[options];
            order[0] = nonPreemptive;
            for (int i = 0, j = 1; i < options; i++) {
                if (i != nonPreemptive) {
                    order[j++] = i;
                }
            }
        }

        int choice() {
            return order[cursor];
        }

        int cost(int choice) {
            return previousRunnable && choice != order[0] ? 1 : 0;
        }

        /** Moves to the next choice within the bound; false when there is none. */
        boolean advance(int maxPreemptions) {
            while (++cursor < options) {
                if (preemptionsBefore + cost(order[cursor]) <= maxPreemptions) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Explorer explorer;
    private final int maxDepth;
    private final int maxPreemptions;
    private final long maxRuns;
    private final List<Frame> stack = new ArrayList<>();
    private boolean bounded;

    ExhaustiveSearch(Explorer explorer, int maxDepth, int maxPreemptions, long maxRuns) {
        if (maxDepth < 0 || maxPreemptions < 0) {
            throw new IllegalArgumentException("exhaustive bounds depth " + maxDepth + ", preemptions "
                    + maxPreemptions + ": both are 0 or more");
        }
        this.explorer = explorer;
        this.maxDepth = maxDepth;
        this.maxPreemptions = maxPreemptions;
        this.maxRuns = maxRuns;
    }

    Exploration run() {
        String mode = "exhaustive(depth<=" + (maxDepth == Integer.MAX_VALUE ? "any" : maxDepth)
                + ", preemptions<=" + maxPreemptions + ")";
        long t0 = System.nanoTime();
        int runs = 0;
        do {
            if (runs == maxRuns) {
                bounded = true;
                break;
            }
            runs++;
            Execution e = explorer.run(new Policy(), "exhaustive #" + runs, OptionalLong.empty(), false);
            if (e.failed()) {
                return new Exploration(mode, runs, Duration.ofNanos(System.nanoTime() - t0), explorer.reported(e), bounded);
            }
        } while (backtrack());
        return new Exploration(mode, runs, Duration.ofNanos(System.nanoTime() - t0), null, bounded);
    }

    private boolean backtrack() {
        while (!stack.isEmpty()) {
            if (stack.getLast().advance(maxPreemptions)) {
                return true;
            }
            stack.removeLast();
        }
        return false;
    }

    /** Replays the stack, then pushes a frame per new decision within the depth bound. */
    private final class Policy implements SchedulePolicy {
        private int preemptions;

        @Override
        public int pick(SchedulePoint point) {
            int step = point.step();
            int n = point.runnable();
            if (step < stack.size()) {
                Frame f = stack.get(step);
                if (f.options != n) {
                    throw new IllegalStateException("decision " + step + " had " + f.options + " runnable fibers in"
                            + " an earlier run and " + n + " now, after the same choices: the program is not"
                            + " deterministic (wall-clock time, unseeded randomness, state kept between runs?)");
                }
                int c = f.choice();
                preemptions += f.cost(c);
                return c;
            }
            int previous = Schedule.indexOf(point, point.previousFiberId());
            int nonPreemptive = previous >= 0 ? previous : 0;
            if (step < maxDepth) {
                stack.add(new Frame(n, nonPreemptive, previous >= 0, preemptions));
            } else {
                bounded = true;
            }
            return nonPreemptive;
        }
    }
}
