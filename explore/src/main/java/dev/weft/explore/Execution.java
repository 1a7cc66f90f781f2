package dev.weft.explore;

import dev.weft.fibers.ScheduleStep;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One run of a program under one schedule: the schedule it followed, its trace, where it switched
 * fibers, and how it ended. Immutable; made by {@link Explorer}.
 *
 * <p>A <em>context switch</em> is a decision at which the fiber that ran last could have gone on
 * (it was runnable) and another one was chosen: the preemptions a shrunk schedule minimises. A
 * switch forced by the last fiber blocking or ending is not one.
 */
public final class Execution {

    /** Readable steps shown in full up to this many; longer traces show their switches only. */
    private static final int FULL_STEPS = 40;

    private final String origin;
    private final long seed;
    private final boolean seeded;
    private final Schedule schedule;
    private final List<ScheduleStep> trace;
    private final BitSet switches;
    private final long traceHash;
    private final Throwable failure;

    Execution(String origin, OptionalLong seed, Schedule schedule, List<ScheduleStep> trace, BitSet switches,
              long traceHash, Throwable failure) {
        this.origin = Objects.requireNonNull(origin);
        this.seeded = seed.isPresent();
        this.seed = seed.orElse(0);
        this.schedule = schedule;
        this.trace = trace; // the scheduler's own copy, unmodifiable
        this.switches = (BitSet) switches.clone();
        this.traceHash = traceHash;
        this.failure = failure;
    }

    /** How this run was chosen: {@code "random seed 42"}, {@code "pct(d=3) seed 7"}, {@code "exhaustive #12"}, {@code "shrunk"}, {@code "replay"}. */
    public String origin() {
        return origin;
    }

    /** The seed of the policy that chose this schedule, if it was a seeded one (random, PCT). */
    public OptionalLong seed() {
        return seeded ? OptionalLong.of(seed) : OptionalLong.empty();
    }

    /** The choices this run made: replaying them reproduces it. */
    public Schedule schedule() {
        return schedule;
    }

    /** Every scheduling decision, as the simulated scheduler recorded it. */
    public List<ScheduleStep> trace() {
        return trace;
    }

    /** The simulated scheduler's hash of the trace: equal runs have equal hashes. */
    public long traceHash() {
        return traceHash;
    }

    /** The number of context switches (see the class comment). */
    public int contextSwitches() {
        return switches.cardinality();
    }

    /** Whether decision {@code step} was a context switch. */
    public boolean isContextSwitch(int step) {
        return switches.get(step);
    }

    /** The decisions that were context switches, ascending. */
    int[] switchSteps() {
        return switches.stream().toArray();
    }

    /** Whether the run failed (threw, failed an assertion, deadlocked). */
    public boolean failed() {
        return failure != null;
    }

    /** What the run threw, or null if it passed. */
    public Throwable failure() {
        return failure;
    }

    /**
     * The steps in words, one a line: {@code "step 3: fiber A (id 2): Semaphore.acquire <- Bank.transfer:31"},
     * the chosen fiber and where it resumes, marked {@code [switch]} at a context switch. A trace
     * longer than 40 steps shows its context switches and the steps just before them.
     */
    public List<String> steps() {
        List<String> out = new ArrayList<>();
        boolean full = trace.size() <= FULL_STEPS;
        int shownUpTo = -1;
        for (int i = 0; i < trace.size(); i++) {
            boolean show = full || switches.get(i) || switches.get(i + 1);
            if (!show) {
                continue;
            }
            if (i > shownUpTo + 1) {
                out.add("... " + (i - shownUpTo - 1) + " steps without a switch");
            }
            out.add(describe(trace.get(i), switches.get(i)));
            shownUpTo = i;
        }
        if (!full && shownUpTo < trace.size() - 1) {
            out.add("... " + (trace.size() - 1 - shownUpTo) + " steps without a switch");
        }
        return out;
    }

    private static String describe(ScheduleStep s, boolean isSwitch) {
        String site = s.suspendedAt() == null ? "(site not recorded)" : s.suspendedAt();
        return "step " + s.step() + ": fiber " + s.fiberName() + " (id " + s.fiberId() + "): " + site
                + " [" + s.choice() + " of " + s.options() + "]" + (isSwitch ? " [switch]" : "");
    }

    /**
     * A report for a person: how the run ended, its seed and schedule, its context switches and
     * its steps.
     */
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(failed() ? "FAILED" : "passed").append(" (").append(origin).append(')');
        if (failed()) {
            b.append(": ").append(failure);
        }
        b.append('\n');
        if (seeded) {
            b.append("seed: ").append(seed).append('\n');
        }
        b.append("schedule (").append(schedule.length()).append(" decisions, ").append(contextSwitches())
                .append(" context switches): ").append(schedule).append('\n');
        for (String s : steps()) {
            b.append("  ").append(s).append('\n');
        }
        return b.toString();
    }

    /** The failure's stack trace as text (empty if the run passed). */
    public String failureStackTrace() {
        if (failure == null) {
            return "";
        }
        StringWriter w = new StringWriter();
        failure.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Saves this run's schedule to {@code file}, with the report as comments ({@link Schedule#read} reads it back). */
    public void save(Path file) throws IOException {
        schedule.write(file, report().lines().toList());
    }

    @Override
    public String toString() {
        return (failed() ? "failed " : "passed ") + origin + " [" + schedule + "]";
    }
}
