package dev.weft.fibers.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Reads Weft's duration-valued system properties. Not API. */
public final class Durations {
    private Durations() {}

    /**
     * The value of system property {@code property} (else {@code fallback}) in nanoseconds:
     * {@code off} or {@code 0} is 0, a plain number is milliseconds, and {@code 250ms}, {@code 2s}
     * or an ISO-8601 duration ({@code PT0.25S}) are read as such.
     *
     * @throws IllegalArgumentException naming the property if the value is none of these or negative
     */
    public static long parseNanos(String property, String fallback) {
        String v = System.getProperty(property, fallback).strip();
        try {
            Duration d;
            if (v.equalsIgnoreCase("off")) {
                d = Duration.ZERO;
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
            } else if (v.endsWith("s") && !v.regionMatches(true, 0, "PT", 0, 2)) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).strip()));
            } else if (v.regionMatches(true, 0, "PT", 0, 2)) {
                d = Duration.parse(v);
            } else {
                d = Duration.ofMillis(Long.parseLong(v));
            }
            if (d.isNegative()) {
                throw new NumberFormatException("negative");
            }
            return d.toNanos();
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("System property " + property + "=" + v + " is not a duration: write "
                    + "off, a number of milliseconds (100), 250ms, 2s or an ISO-8601 duration (PT0.25S)", e);
        }
    }
}
