package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
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
 * {@code maxDepth} decisions is run exactly once, except that, for a {@link FingerprintedProgram},
 * a run that reaches a state already explored with at least as much budget left ends there. For
 * other programs no state is compared: the explorer cannot see their memory, and pruning on what
 * it can see (the fibers and their sites) would be unsound.
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
    /** The program's fingerprint, or null: no pruning. */
    private final FingerprintedProgram fingerprinted;
    /** For each state reached at a new decision: the (step, preemptions) pairs it was explored from, none dominating another. */
    private final Map<List<Object>, List<int[]>> explored = new HashMap<>();

    /** Ends a run that reached a state already explored (thrown by the policy; no stack trace). */
    private static final RuntimeException PRUNED = new RuntimeException("pruned: a state already explored", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    ExhaustiveSearch(Explorer explorer, FiberProgram program, int maxDepth, int maxPreemptions, long maxRuns) {
        if (maxDepth < 0 || maxPreemptions < 0) {
            throw new IllegalArgumentException("exhaustive bounds depth " + maxDepth + ", preemptions "
                    + maxPreemptions + ": both are 0 or more");
        }
        this.explorer = explorer;
        this.maxDepth = maxDepth;
        this.maxPreemptions = maxPreemptions;
        this.maxRuns = maxRuns;
        this.fingerprinted = program instanceof FingerprintedProgram f ? f : null;
    }

    Exploration run() {
        String mode = "exhaustive(depth<=" + (maxDepth == Integer.MAX_VALUE ? "any" : maxDepth)
                + ", preemptions<=" + maxPreemptions + ")";
        long t0 = System.nanoTime();
        int runs = 0;
        int pruned = 0;
        do {
            if (runs == maxRuns) {
                bounded = true;
                break;
            }
            runs++;
            Execution e = explorer.run(new Policy(), "exhaustive #" + runs, OptionalLong.empty(), false);
            if (e.failure() == PRUNED) {
                pruned++;
            } else if (e.failed()) {
                return new Exploration(mode, runs, Duration.ofNanos(System.nanoTime() - t0), explorer.reported(e), bounded, pruned);
            }
        } while (backtrack());
        return new Exploration(mode, runs, Duration.ofNanos(System.nanoTime() - t0), null, bounded, pruned);
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

    /**
     * Records the state of a new decision; false if it was explored before from a decision no later
     * and with no more preemptions used (its subtree then holds every schedule this one could reach).
     */
    private boolean firstVisit(SchedulePoint point, int step, int preemptions) {
        List<Object> state = new ArrayList<>(2 + 2 * point.runnable());
        state.add(fingerprinted.fingerprint());
        state.add(point.previousFiberId());
        for (int i = 0, n = point.runnable(); i < n; i++) {
            state.add(point.fiberId(i));
            state.add(point.suspendedAt(i));
        }
        List<int[]> seen = explored.computeIfAbsent(List.copyOf(state), k -> new ArrayList<>(1));
        for (int[] s : seen) {
            if (s[0] <= step && s[1] <= preemptions) {
                return false;
            }
        }
        seen.removeIf(s -> s[0] >= step && s[1] >= preemptions);
        seen.add(new int[] {step, preemptions});
        return true;
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
            if (fingerprinted != null && step < maxDepth && !firstVisit(point, step, preemptions)) {
                throw PRUNED;
            }
            if (step < maxDepth) {
                stack.add(new Frame(n, nonPreemptive, previous >= 0, preemptions));
            } else {
                bounded = true;
            }
            return nonPreemptive;
        }
    }
}
