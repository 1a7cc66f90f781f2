package dev.weft.bench.report;

import java.util.Locale;

/** How the report prints numbers: about three significant digits, thousands separated. */
final class Figures {
    private Figures() {}

    /** {@code 12.3}, {@code 295}, {@code 28,104}, {@code 0.0012}; an empty string for NaN. */
    static String format(double x) {
        if (Double.isNaN(x)) {
            return "";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(x);
        if (a >= 100 || a == 0) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", x);
        }
        return String.format(Locale.ROOT, "%.2g", x);
    }

    /** A ratio: {@code 0.87×}. */
    static String ratio(double r) {
        return Double.isNaN(r) ? "" : format(r) + "×";
    }
}
