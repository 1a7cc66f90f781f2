package dev.weft.explore.corpus;

import dev.weft.explore.FiberProgram;

/**
 * One bug of the corpus: a fiber program that fails under some schedules, and its fixed version,
 * which passes under all of them.
 *
 * <p>{@link #run} runs in the root fiber of a simulated scheduler; it builds its state afresh on
 * every call, spawns the actors (named A, B, ... in the traces) and joins them, and fails by
 * throwing an {@link AssertionError} (an invariant broken), another exception, or by deadlocking.
 */
public interface CorpusBug {

    /** Where the bug comes from: a classic pattern, a benchmark suite's program, a broken twin of the stress module. */
    String origin();

    /**
     * Runs one execution: the broken program, or its fix.
     *
     * @param fixed whether to run the fixed version
     */
    void run(boolean fixed) throws Exception;

    /** The bug's name: its class's simple name. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** The program to explore: the broken one, or its fix. */
    default FiberProgram program(boolean fixed) {
        return scheduler -> run(fixed);
    }
}
