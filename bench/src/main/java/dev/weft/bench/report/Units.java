package dev.weft.bench.report;

import java.util.Map;

/**
 * Conversion between the units the sources use: times per operation (JMH's {@code ns/op},
 * {@code us/op}, {@code ms/op}, {@code s/op}; the programs' {@code ns/op} and {@code ms}),
 * sizes ({@code B}; {@code KB}, {@code MB} as powers of 10, as the programs print them; {@code MiB}) and
 * rates ({@code ops/s}, {@code round trips/s}, {@code ops/ms}).
 */
final class Units {
    /** Each unit as a multiple of its kind's base unit (ns, B, per second). */
    private static final Map<String, double[]> UNITS = Map.ofEntries(
            Map.entry("ns/op", new double[] {0, 1}),
            Map.entry("us/op", new double[] {0, 1e3}),
            Map.entry("µs/op", new double[] {0, 1e3}),
            Map.entry("ms/op", new double[] {0, 1e6}),
            Map.entry("ms", new double[] {0, 1e6}),
            Map.entry("s/op", new double[] {0, 1e9}),
            Map.entry("B", new double[] {1, 1}),
            Map.entry("B/op", new double[] {1, 1}),
            Map.entry("KB", new double[] {1, 1e3}),
            Map.entry("MB", new double[] {1, 1e6}),
            Map.entry("MiB", new double[] {1, 1 << 20}),
            Map.entry("ops/s", new double[] {2, 1}),
            Map.entry("round trips/s", new double[] {2, 1}),
            Map.entry("ops/ms", new double[] {2, 1e3}),
            Map.entry("ops/us", new double[] {2, 1e6}));

    private Units() {}

    /** True when {@code from} converts to {@code to}. */
    static boolean convertible(String from, String to) {
        double[] f = UNITS.get(from);
        double[] t = UNITS.get(to);
        return from.equals(to) || (f != null && t != null && f[0] == t[0]);
    }

    /** The factor that turns a figure in {@code from} into one in {@code to}. */
    static double factor(String from, String to) {
        if (from.equals(to)) {
            return 1;
        }
        if (!convertible(from, to)) {
            throw new IllegalArgumentException("cannot convert " + from + " to " + to);
        }
        return UNITS.get(from)[1] / UNITS.get(to)[1];
    }
}
