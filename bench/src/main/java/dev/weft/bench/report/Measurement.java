package dev.weft.bench.report;

/**
 * One figure of one peer in one workload, as read from the run's raw output, in the unit the
 * source gave ({@link #unit}); {@link Workloads} converts it to the workload's unit.
 *
 * @param source     where it came from: the JMH benchmark name, or the program's name
 * @param workload   workload id ({@code pingpong_yield}, ...), or the benchmark name when unknown
 * @param peer       who ran it ({@code Weft hub}, {@code gevent}, ...)
 * @param unit       the source's unit ({@code ns/op}, {@code ms/op}, {@code B}, {@code ops/s}, ...)
 * @param median     the median of the measured iterations
 * @param mean       JMH's score (the mean), or NaN when the source gives none
 * @param error      JMH's 99.9 % error around the mean, or (JSON lines) the largest distance
 *                   from the median to a sample; NaN when unknown (one iteration)
 * @param min        the smallest iteration, NaN when unknown
 * @param max        the largest iteration, NaN when unknown
 * @param samples    how many iterations were measured
 * @param bytesPerOp JMH's {@code gc.alloc.rate.norm} (B/op), NaN when {@code -prof gc} was off
 * @param config     how the peer was configured (free text from the JSON lines; empty for JMH)
 */
public record Measurement(String source, String workload, String peer, String unit, double median, double mean,
                          double error, double min, double max, int samples, double bytesPerOp, String config) {

    /** This measurement in another unit of the same kind ({@link Units#factor}). */
    Measurement in(String target) {
        double f = Units.factor(unit, target);
        return new Measurement(source, workload, peer, target, median * f, mean * f, error * f, min * f, max * f,
                samples, bytesPerOp, config);
    }
}
