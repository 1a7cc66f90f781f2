package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;
import dev.weft.fibers.ScheduleStep;

import java.util.BitSet;
import java.util.List;

/**
 * Delta debugging (Zeller's ddmin) over a failing run's context switches: tries runs that keep
 * the last fiber running at some of the switch decisions, and keeps a run that fails the same
 * way (same exception class) with fewer switches, until no chunk of switches can be dropped
 * (1-minimal) or the run budget is spent.
 *
 * <p>A candidate run follows the best run's trace by fiber id (not by index, so a dropped switch
 * does not shift the fibers chosen later), stays on the last fiber at a dropped switch, and past
 * the recorded steps (or where the recorded fiber is not runnable) stays on the last fiber if it
 * can, else takes the first runnable: the tail adds no switch of its own.
 */
final class Shrinker {

    private final Explorer explorer;
    private final int budget;
    private int runs;

    Shrinker(Explorer explorer, int budget) {
        this.explorer = explorer;
        this.budget = budget;
    }

    Execution shrink(Execution failing) {
        if (!failing.failed()) {
            throw new IllegalArgumentException("Explorer.shrink takes a failing run; " + failing + " passed");
        }
        Class<?> kind = failing.failure().getClass();
        Execution best = failing;
        outer:
        while (runs < budget) {
            int[] s = best.switchSteps();
            if (s.length == 0) {
                break;
            }
            int n = Math.min(2, s.length);
            while (runs < budget) {
                for (int c = 0; c < n && runs < budget; c++) {
                    Execution candidate = tryDropping(best, s, chunkStart(s.length, n, c), chunkStart(s.length, n, c + 1), false);
                    if (improves(candidate, best, kind)) {
                        best = candidate;
                        continue outer;
                    }
                }
                for (int c = 0; n > 2 && c < n && runs < budget; c++) {
                    Execution candidate = tryDropping(best, s, chunkStart(s.length, n, c), chunkStart(s.length, n, c + 1), true);
                    if (improves(candidate, best, kind)) {
                        best = candidate;
                        continue outer;
                    }
                }
                if (n >= s.length) {
                    break outer;
                }
                n = Math.min(2 * n, s.length);
            }
        }
        return explorer.run(best.schedule().policy(), "shrunk from " + failing.origin()
                + " (" + failing.contextSwitches() + " -> " + best.contextSwitches() + " switches)", failing.seed());
    }

    /** Runs the candidate that drops switches {@code s[from, to)} (or all but those, if {@code complement}). */
    private Execution tryDropping(Execution best, int[] s, int from, int to, boolean complement) {
        BitSet drop = new BitSet();
        for (int i = 0; i < s.length; i++) {
            if ((i >= from && i < to) != complement) {
                drop.set(s[i]);
            }
        }
        runs++;
        return explorer.run(new Guided(best.trace(), drop), "shrink candidate", java.util.OptionalLong.empty(), false);
    }

    private static int chunkStart(int length, int chunks, int c) {
        return (int) ((long) length * c / chunks);
    }

    private static boolean improves(Execution candidate, Execution best, Class<?> kind) {
        return candidate.failed() && candidate.failure().getClass() == kind
                && candidate.contextSwitches() < best.contextSwitches();
    }

    /** Follows a trace by fiber id, staying on the last fiber at the dropped decisions and past the end. */
    private static final class Guided implements SchedulePolicy {
        private final long[] ids;
        private final BitSet drop;

        Guided(List<ScheduleStep> trace, BitSet drop) {
            this.ids = new long[trace.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = trace.get(i).fiberId();
            }
            this.drop = drop;
        }

        @Override
        public int pick(SchedulePoint point) {
            int step = point.step();
            int previous = Schedule.indexOf(point, point.previousFiberId());
            if (step < ids.length && !(drop.get(step) && previous >= 0)) {
                int recorded = Schedule.indexOf(point, ids[step]);
                if (recorded >= 0) {
                    return recorded;
                }
            }
            return previous >= 0 ? previous : 0;
        }
    }
}
