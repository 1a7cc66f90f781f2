package dev.weft.explore;

/**
 * A program that can say what state it is in, so that {@link Explorer#exhaustive} runs each state
 * once: a schedule that reaches, at a decision, a state already explored from there with at least
 * as much preemption budget and depth left ends at once (counted as pruned, not run again).
 *
 * <p>The state of a decision is {@link #fingerprint()} together with what the explorer sees itself:
 * which fibers are runnable, where each is suspended, and which ran last. Pruning is sound only if
 * that determines everything that can happen next: the fingerprint must cover every shared
 * variable the fibers read, and every fiber's progress that its suspension site does not show
 * (a loop counter, a flag a parked fiber waits on). A fingerprint that misses something prunes
 * schedules that differ, and "all N schedules pass" then claims too much.
 *
 * <p>The program keeps each run's state where {@code fingerprint()} can read it (a field set
 * afresh at the start of {@link #run}); it is called on the simulation's thread, at decisions.
 */
public interface FingerprintedProgram extends FiberProgram {

    /** A value equal (by {@code equals}) for equal states of the current run; see the class comment. */
    Object fingerprint();
}
