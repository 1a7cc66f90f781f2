package dev.weft.explore;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.ScheduleStep;
import dev.weft.fibers.SimulatedScheduler;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Runs a {@link FiberProgram} under many schedules of Weft's {@link SimulatedScheduler} and finds,
 * replays and shrinks the failing ones.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>Each run executes the program on a fresh simulated scheduler, on the calling thread's
 *       simulation, in virtual time: nothing runs after a method returns.</li>
 *   <li>A run fails when the program throws (an exception, a failed assertion), deadlocks
 *       ({@link dev.weft.fibers.SimulationDeadlock}) or makes more than {@link #maxDecisions}
 *       decisions ({@link ScheduleLimitExceeded}). Exploration stops at the first failing run.</li>
 *   <li>Replaying a run's {@link Execution#schedule()} (or the seed of a random run) on the same
 *       program gives the same trace: the simulation's determinism.</li>
 *   <li>{@link #shrink} returns a run that fails with the same exception class and at most as many
 *       context switches as the one it was given.</li>
 * </ol>
 *
 * <h2>Use</h2>
 * <pre>{@code
 * Explorer explorer = Explorer.of(sim -> {
 *     int[] balance = {0};
 *     Fiber<Void> a = Fiber.spawn("A", () -> { int b = balance[0]; Fiber.yieldNow(); balance[0] = b + 1; });
 *     Fiber<Void> b = Fiber.spawn("B", () -> { int v = balance[0]; Fiber.yieldNow(); balance[0] = v + 1; });
 *     a.get(); b.get();
 *     if (balance[0] != 2) throw new AssertionError("lost update: " + balance[0]);
 * });
 * Exploration found = explorer.random(1000);           // or pct(1000, 3), or exhaustive(50, 2)
 * Execution shrunk = explorer.shrink(found.failure());
 * System.out.println(shrunk.report());                 // seed, schedule, steps
 * explorer.replay(shrunk.schedule());                  // the same run again, e.g. under a debugger
 * }</pre>
 *
 * <p>Not thread-safe: one exploration at a time per explorer.
 */
public final class Explorer {

    /** Decisions allowed per run by default: far more than a test program makes, few enough to stop a livelock at once. */
    public static final int DEFAULT_MAX_DECISIONS = 100_000;
    /** Runs a shrink may try by default. */
    public static final int DEFAULT_SHRINK_BUDGET = 2_000;
    /** Runs an exhaustive search may make by default. */
    public static final long DEFAULT_MAX_RUNS = 1_000_000;

    private final FiberProgram program;
    private int maxDecisions = DEFAULT_MAX_DECISIONS;
    private int shrinkBudget = DEFAULT_SHRINK_BUDGET;
    private long maxRuns = DEFAULT_MAX_RUNS;
    private Consumer<? super Execution> observer = run -> { };

    private Explorer(FiberProgram program) {
        this.program = Objects.requireNonNull(program, "program");
    }

    /** An explorer of {@code program}. */
    public static Explorer of(FiberProgram program) {
        return new Explorer(program);
    }

    /** Fails a run that makes more than {@code limit} decisions (a livelock); returns this explorer. */
    public Explorer maxDecisions(int limit) {
        this.maxDecisions = positive(limit, "maxDecisions");
        return this;
    }

    /** Lets {@link #shrink} try at most {@code runs} candidate runs; returns this explorer. */
    public Explorer shrinkBudget(int runs) {
        this.shrinkBudget = positive(runs, "shrinkBudget");
        return this;
    }

    /** Lets {@link #exhaustive} make at most {@code runs} runs (then it reports {@code bounded}); returns this explorer. */
    public Explorer maxRuns(long runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("maxRuns " + runs + ": at least 1");
        }
        this.maxRuns = runs;
        return this;
    }

    /**
     * Calls {@code observer} with every run this explorer makes from now on (exploring, shrinking,
     * replaying), after the run: for statistics, coverage, or a log. Returns this explorer.
     */
    public Explorer observe(Consumer<? super Execution> observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /** Uniform random schedules from seeds 0 to {@code seeds - 1}, until the first failure. */
    public Exploration random(int seeds) {
        return random(0, seeds);
    }

    /** Uniform random schedules from seeds {@code firstSeed} to {@code firstSeed + seeds - 1}, until the first failure. */
    public Exploration random(long firstSeed, int seeds) {
        positive(seeds, "seeds");
        long t0 = System.nanoTime();
        for (int i = 0; i < seeds; i++) {
            Execution e = search(firstSeed + i);
            if (e.failed()) {
                return new Exploration("random", i + 1, since(t0), e, false);
            }
        }
        return new Exploration("random", seeds, since(t0), null, false);
    }

    /** Uniform random schedules from seed 0 upwards until the first failure or until {@code budget} has passed. */
    public Exploration random(Duration budget) {
        return random(Integer.MAX_VALUE, budget);
    }

    /**
     * Uniform random schedules from seed 0 to {@code seeds - 1} until the first failure, or until
     * {@code budget} has passed (checked after each run), whichever comes first.
     */
    public Exploration random(int seeds, Duration budget) {
        positive(seeds, "seeds");
        long t0 = System.nanoTime();
        long end = t0 + budget.toNanos();
        int runs = 0;
        do {
            Execution e = search(runs++);
            if (e.failed()) {
                return new Exploration("random", runs, since(t0), e, false);
            }
        } while (runs < seeds && System.nanoTime() - end < 0);
        return new Exploration("random", runs, since(t0), null, false);
    }

    /**
     * PCT schedules with {@code depth - 1} priority change points, seeds 0 to {@code seeds - 1},
     * until the first failure. The change points fall among the decisions of a first, FIFO run.
     */
    public Exploration pct(int seeds, int depth) {
        positive(seeds, "seeds");
        long t0 = System.nanoTime();
        String mode = "pct(d=" + depth + ")";
        Execution probe = run(Schedule.of().policy(), "pct probe (FIFO)", OptionalLong.empty(), false);
        if (probe.failed()) {
            return new Exploration(mode, 1, since(t0), reported(probe), false);
        }
        int k = probe.schedule().length();
        for (int i = 0; i < seeds; i++) {
            Execution e = run(new PctPolicy(i, depth, k), mode + " seed " + i, OptionalLong.of(i), false);
            if (e.failed()) {
                return new Exploration(mode, i + 2, since(t0), reported(e), false);
            }
        }
        return new Exploration(mode, seeds + 1, since(t0), null, false);
    }

    /**
     * Every schedule with at most {@code maxPreemptions} context switches among its first
     * {@code maxDepth} decisions (decisions past it continue without a switch), depth first,
     * until the first failure. {@link Exploration#bounded()} says whether the depth bound or
     * {@link #maxRuns} cut the search. A {@link FingerprintedProgram} is pruned: a run that reaches
     * a state already explored ends there ({@link Exploration#pruned()}).
     */
    public Exploration exhaustive(int maxDepth, int maxPreemptions) {
        return new ExhaustiveSearch(this, program, maxDepth, maxPreemptions, maxRuns).run();
    }

    /**
     * The fewest context switches of a failing schedule: exhaustive searches with 0, 1, ...
     * {@code maxPreemptions} preemptions until one fails.
     *
     * @return the first failing run of the smallest bound, or empty if all pass up to the bound
     */
    public java.util.Optional<Execution> shortestFailure(int maxDepth, int maxPreemptions) {
        for (int p = 0; p <= maxPreemptions; p++) {
            Exploration x = exhaustive(maxDepth, p);
            if (!x.passed()) {
                return x.firstFailure();
            }
        }
        return java.util.Optional.empty();
    }

    /** Runs the random schedule of {@code seed} again (as {@link #random} ran it). */
    public Execution replay(long seed) {
        return run(new RandomPolicy(seed), "random seed " + seed, OptionalLong.of(seed));
    }

    /** One random run while searching: without sites, and re-run with them if it fails. */
    private Execution search(long seed) {
        return reported(run(new RandomPolicy(seed), "random seed " + seed, OptionalLong.of(seed), false));
    }

    /** Runs the PCT schedule of {@code seed} and {@code depth} again (as {@link #pct} ran it). */
    public Execution replayPct(long seed, int depth) {
        int k = run(Schedule.of().policy(), "pct probe (FIFO)", OptionalLong.empty(), false).schedule().length();
        return run(new PctPolicy(seed, depth, k), "pct(d=" + depth + ") seed " + seed, OptionalLong.of(seed));
    }

    /** Runs {@code schedule} again: its choices, then index 0 at every later decision. */
    public Execution replay(Schedule schedule) {
        return run(schedule.policy(), "replay", OptionalLong.empty());
    }

    /**
     * Shrinks a failing run towards the fewest context switches that still fail the same way:
     * delta debugging over its context switches (see docs/simulation.md); returns the shrunk run,
     * replayable from its schedule, with at most {@link #shrinkBudget} candidate runs.
     *
     * @throws IllegalArgumentException if {@code failing} passed
     */
    public Execution shrink(Execution failing) {
        return new Shrinker(this, shrinkBudget).shrink(failing);
    }

    /** Runs the program once under {@code policy}. */
    public Execution run(SchedulePolicy policy) {
        return run(policy, "policy " + policy, OptionalLong.empty());
    }

    /** A run with suspension sites in its trace, for reports and replays. */
    Execution run(SchedulePolicy policy, String origin, OptionalLong seed) {
        return run(policy, origin, seed, true);
    }

    /**
     * A failing search run again, from its schedule, with sites (the same choices, so the same
     * run): searching without them costs a fraction (a site is a stack walk per decision).
     */
    Execution reported(Execution e) {
        if (!e.failed()) {
            return e;
        }
        Execution again = run(e.schedule().policy(), e.origin(), e.seed(), true);
        return again.failed() ? again : e; // a program that is not deterministic: keep what failed
    }

    /** One run; {@code sites}: record where each fiber suspended (readable steps) or not (faster). */
    Execution run(SchedulePolicy policy, String origin, OptionalLong seed, boolean sites) {
        if (Fiber.current() != null) { // checked here: inside the run it would pass for the program's failure
            throw new IllegalStateException("Explorer called from fiber " + Fiber.current().name() + ": each run"
                    + " drives its simulation on the calling thread, so call the explorer from a thread");
        }
        Recorder recorder = new Recorder(policy, maxDecisions);
        SimulatedScheduler sim = new SimulatedScheduler(recorder).recordSites(sites);
        Throwable failure = null;
        try {
            sim.invoke(() -> {
                program.run(sim);
                return null;
            });
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t; // the explorer's JVM is in trouble, not the schedule
            }
            failure = t;
        } finally {
            sim.close();
        }
        List<ScheduleStep> trace = sim.trace();
        Execution e = new Execution(origin, seed, Schedule.fromTrace(trace), trace, recorder.switches,
                sim.traceHash(), failure);
        observer.accept(e);
        return e;
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static int positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " " + n + ": at least 1");
        }
        return n;
    }
}
