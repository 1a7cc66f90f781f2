package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;
import dev.weft.fibers.ScheduleStep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A recorded schedule: the index chosen at each scheduling decision, in order. Replaying it on
 * the same program reproduces the same execution exactly (the simulation's determinism rule);
 * past its end the replay picks index 0, the fiber that became runnable first (a hub's FIFO order).
 *
 * <p>Immutable. Two text forms:
 * <ul>
 *   <li>{@link #toString()} / {@link #parse}: the choices separated by commas, {@code "0,1,1,0"}
 *       (the empty schedule is {@code ""}); what {@code @FiberTest(replay = "choices:...")} takes.</li>
 *   <li>a file ({@link #write} / {@link #read}): lines starting with {@code #} are comments (the
 *       writer puts the readable steps there), and one line {@code choices: 0,1,1,0}.</li>
 * </ul>
 */
public final class Schedule {

    private static final String CHOICES = "choices:";

    private final int[] choices;

    private Schedule(int[] choices) {
        this.choices = choices;
    }

    /**
     * The schedule that makes these choices.
     *
     * @throws IllegalArgumentException if a choice is negative
     */
    public static Schedule of(int... choices) {
        for (int i = 0; i < choices.length; i++) {
            if (choices[i] < 0) {
                throw new IllegalArgumentException("choice " + i + " is " + choices[i]
                        + ": a choice is an index into the runnable fibers, 0 or more");
            }
        }
        return new Schedule(choices.clone());
    }

    /**
     * Parses {@code "0,1,1,0"} (spaces allowed, empty for no choice).
     *
     * @throws IllegalArgumentException if the text is not such a list, saying where
     */
    public static Schedule parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return new Schedule(new int[0]);
        }
        String[] parts = t.split("[,\\s]+");
        int[] c = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                c[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schedule \"" + abbreviate(t) + "\": item " + i + " (\""
                        + parts[i] + "\") is not a number; a schedule is choices separated by commas, e.g. 0,1,1,0");
            }
        }
        return of(c);
    }

    /**
     * Reads a schedule file (see the class comment).
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it has no {@code choices:} line or a bad one
     */
    public static Schedule read(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.startsWith(CHOICES)) {
                return parse(l.substring(CHOICES.length()));
            }
        }
        throw new IllegalArgumentException(file + " has no \"" + CHOICES + "\" line: it is not a schedule"
                + " written by Schedule.write (or Execution.save)");
    }

    /**
     * Writes this schedule to {@code file}, each comment line prefixed with {@code #}.
     *
     * @param comment lines to put before the choices (the failure, the readable steps), may be empty
     */
    public void write(Path file, List<String> comment) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# weft schedule (replay: Explorer.replay(Schedule.read(file)))");
        for (String c : comment) {
            lines.add("# " + c);
        }
        lines.add(CHOICES + " " + this);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** The number of choices. */
    public int length() {
        return choices.length;
    }

    /** The choice made at decision {@code i}. */
    public int choice(int i) {
        return choices[i];
    }

    /** A copy of the choices. */
    public int[] choices() {
        return choices.clone();
    }

    /**
     * A policy that makes these choices in order and then picks 0.
     *
     * <p>A choice that is out of range for the decision it meets (the program changed since the
     * schedule was recorded) fails the run with an {@link IllegalStateException} saying so.
     */
    public SchedulePolicy policy() {
        return point -> {
            int step = point.step();
            if (step >= choices.length) {
                return 0;
            }
            int c = choices[step];
            if (c >= point.runnable()) {
                throw new IllegalStateException("schedule choice " + c + " at decision " + step + " but only "
                        + point.runnable() + " fibers are runnable: the program is not the one this schedule"
                        + " was recorded on (or it is not deterministic); record it again");
            }
            return c;
        };
    }

    /** Built from the trace of a run: the choice of every step. */
    static Schedule fromTrace(List<ScheduleStep> trace) {
        int[] c = new int[trace.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = trace.get(i).choice();
        }
        return new Schedule(c);
    }

    /** The index of fiber {@code id} among the point's runnable fibers, or -1. */
    static int indexOf(SchedulePoint point, long id) {
        for (int i = 0, n = point.runnable(); i < n; i++) {
            if (point.fiberId(i) == id) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Arrays.equals(choices, s.choices);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(choices);
    }

    /** The choices separated by commas: {@code "0,1,1,0"}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(choices.length * 2);
        for (int i = 0; i < choices.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(choices[i]);
        }
        return b.toString();
    }
}
