package dev.weft.bench.report;

import java.util.Map;

/**
 * One goal of a workload (issues 2, 3 and 5), judged on the medians of one run.
 *
 * <p>Four shapes: an absolute bound on {@code peer}'s median ({@code baseline == null}), a
 * bound on the ratio of {@code peer}'s median to {@code baseline}'s ({@code baseline != null}),
 * the same for the rates of a workload measured in time per fixed amount of work
 * ({@code rate}: the rate ratio is {@code baseline}'s median time over {@code peer}'s, exact
 * for medians), a bound on {@code peer}'s allocation ({@code bytesPerOp}), or a bound on its
 * slowest measured iteration ({@code slowest}: issue 16's spawn + join). A goal may name an
 * {@code alternative} (issue 16's echo goal: a rate against gevent, or else a distance to the
 * floor): it is met when either is. A goal whose figures are not all in the run is "not
 * measured", never estimated; an either-or goal is met as soon as one of its two is, and not
 * measured if neither is met and one lacks its figures.
 *
 * @param text       the goal as the issue states it
 * @param peer       the Weft peer the goal is about
 * @param bound      whether the figure must be at most or at least {@code limit}
 * @param limit      in the workload's unit, as a ratio, or in B/op
 * @param baseline   the peer of the ratio's denominator, or null
 * @param bytesPerOp the goal bounds {@code gc.alloc.rate.norm}, not time
 * @param rate       the ratio is of rates (work per time), the inverse of the ratio of times
 * @param slowest    the goal bounds the slowest measured iteration, not the median
 * @param alternative a goal that meets this one too, or null
 */
record Goal(String text, String peer, Bound bound, double limit, String baseline, boolean bytesPerOp, boolean rate,
        boolean slowest, Goal alternative) {

    enum Bound { AT_MOST, AT_LEAST }

    /**
     * Allocation below this is "0 B/op": JMH's {@code gc.alloc.rate.norm} spreads the harness's
     * own few allocations over millions of operations and reads about 10⁻⁴ for none.
     */
    static final double ZERO_BYTES = 0.5;

    /** The goal's figure in one run, and whether it was met. */
    record Verdict(String measured, String result) {
        static final Verdict NOT_MEASURED = new Verdict("", "not measured");
    }

    static Goal atMost(String text, String peer, double limit) {
        return new Goal(text, peer, Bound.AT_MOST, limit, null, false, false, false, null);
    }

    static Goal atLeast(String text, String peer, double limit) {
        return new Goal(text, peer, Bound.AT_LEAST, limit, null, false, false, false, null);
    }

    static Goal ratioAtMost(String text, String peer, double limit, String baseline) {
        return new Goal(text, peer, Bound.AT_MOST, limit, baseline, false, false, false, null);
    }

    static Goal ratioAtLeast(String text, String peer, double limit, String baseline) {
        return new Goal(text, peer, Bound.AT_LEAST, limit, baseline, false, false, false, null);
    }

    /** {@code peer}'s rate at least {@code limit} times {@code baseline}'s, in a time-per-work workload. */
    static Goal rateRatioAtLeast(String text, String peer, double limit, String baseline) {
        return new Goal(text, peer, Bound.AT_LEAST, limit, baseline, false, true, false, null);
    }

    static Goal noAllocation(String text, String peer) {
        return new Goal(text, peer, Bound.AT_MOST, ZERO_BYTES, null, true, false, false, null);
    }

    /** {@code peer}'s slowest measured iteration at most {@code limit}, in the workload's unit. */
    static Goal slowestAtMost(String text, String peer, double limit) {
        return new Goal(text, peer, Bound.AT_MOST, limit, null, false, false, true, null);
    }

    /**
     * {@code first}, or else {@code second}, under one text: met when either is.
     *
     * @throws IllegalArgumentException if either already has an alternative
     */
    static Goal either(String text, Goal first, Goal second) {
        if (first.alternative != null || second.alternative != null) {
            throw new IllegalArgumentException("Goal.either takes two single goals, got " + first + " and " + second);
        }
        return new Goal(text, first.peer, first.bound, first.limit, first.baseline, first.bytesPerOp, first.rate,
                first.slowest, second);
    }

    /** Judges this goal on {@code byPeer} (the workload's measurements, in {@code unit}). */
    Verdict judge(Map<String, Measurement> byPeer, String unit) {
        Verdict v = judgeOne(byPeer, unit);
        if (alternative == null) {
            return v;
        }
        Verdict w = alternative.judge(byPeer, unit);
        String measured = v.measured().isEmpty() ? w.measured()
                : w.measured().isEmpty() ? v.measured() : v.measured() + "; " + w.measured();
        if (v.result().equals("met") || w.result().equals("met")) {
            return new Verdict(measured, "met");
        }
        if (v == Verdict.NOT_MEASURED || w == Verdict.NOT_MEASURED) {
            return new Verdict(measured, Verdict.NOT_MEASURED.result());
        }
        return new Verdict(measured, v.result() + "; " + w.result());
    }

    private Verdict judgeOne(Map<String, Measurement> byPeer, String unit) {
        Measurement m = byPeer.get(peer);
        if (m == null) {
            return Verdict.NOT_MEASURED;
        }
        if (bytesPerOp) {
            if (Double.isNaN(m.bytesPerOp())) {
                return Verdict.NOT_MEASURED;
            }
            String measured = Figures.format(m.bytesPerOp()) + " B/op";
            return new Verdict(measured, m.bytesPerOp() < limit ? "met"
                    : "missed by " + Figures.format(m.bytesPerOp()) + " B/op");
        }
        if (slowest) {
            if (Double.isNaN(m.max())) {
                return Verdict.NOT_MEASURED;
            }
            String measured = Figures.format(m.max()) + " " + unit + ", slowest iteration";
            return new Verdict(measured, verdict(m.max(), " " + unit));
        }
        if (baseline == null) {
            String measured = Figures.format(m.median()) + " " + unit;
            return new Verdict(measured, verdict(m.median(), " " + unit));
        }
        Measurement b = byPeer.get(baseline);
        if (b == null || !(b.median() > 0)) {
            return Verdict.NOT_MEASURED;
        }
        if (rate) {
            double r = b.median() / m.median();
            return new Verdict(Figures.ratio(r) + " " + baseline + "'s rate", verdict(r, "×"));
        }
        double r = m.median() / b.median();
        return new Verdict(Figures.ratio(r) + " " + baseline, verdict(r, "×"));
    }

    private String verdict(double x, String suffix) {
        boolean met = bound == Bound.AT_MOST ? x <= limit : x >= limit;
        if (met) {
            return "met";
        }
        return "missed by " + Figures.format(Math.abs(x - limit)) + suffix;
    }
}
