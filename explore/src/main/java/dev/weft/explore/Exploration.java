package dev.weft.explore;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of exploring many schedules: how many ran, for how long, and the first failure, if
 * any. Immutable.
 *
 * @param mode    what explored: {@code "random"}, {@code "pct(d=3)"}, {@code "exhaustive(depth<=20, preemptions<=2)"}
 * @param runs    the schedules run, the failing one included
 * @param elapsed wall time of the exploration
 * @param failure the first failing run, or null if every run passed
 * @param bounded for exhaustive mode: whether some run had more decisions than the depth bound
 *                (its tail was not branched), so "all pass" holds up to the bound only; false otherwise
 * @param pruned  for exhaustive mode with a {@link FingerprintedProgram}: runs (among {@code runs})
 *                ended early because they reached a state already explored
 */
public record Exploration(String mode, int runs, Duration elapsed, Execution failure, boolean bounded, int pruned) {

    /** An exploration that pruned nothing. */
    public Exploration(String mode, int runs, Duration elapsed, Execution failure, boolean bounded) {
        this(mode, runs, elapsed, failure, bounded, 0);
    }

    /** Whether every run passed. */
    public boolean passed() {
        return failure == null;
    }

    /** The first failing run. */
    public Optional<Execution> firstFailure() {
        return Optional.ofNullable(failure);
    }

    /** Runs per second of wall time. */
    public double runsPerSecond() {
        long nanos = Math.max(1, elapsed.toNanos());
        return runs * 1e9 / nanos;
    }

    /** One line: {@code "random: all 1000 schedules pass (0.412 s)"} or {@code "random: run 18 fails (random seed 17): ..."}. */
    public String summary() {
        String time = String.format("%.3f s", elapsed.toNanos() / 1e9);
        if (failure == null) {
            return mode + ": all " + runs + " schedules pass" + (bounded ? " up to the bound" : "")
                    + (pruned > 0 ? " (" + pruned + " of them ended early at a state already explored)" : "")
                    + " (" + time + ")";
        }
        return mode + ": run " + runs + " fails (" + failure.origin() + ", " + time + "): " + failure.failure();
    }

    @Override
    public String toString() {
        return summary();
    }
}
