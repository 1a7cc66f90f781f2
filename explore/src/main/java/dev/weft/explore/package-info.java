/**
 * The explorer: {@link dev.weft.explore.Explorer} runs a {@link dev.weft.explore.FiberProgram}
 * on a fresh {@link dev.weft.fibers.SimulatedScheduler} per schedule and reports the first failing
 * {@link dev.weft.explore.Execution} with its {@link dev.weft.explore.Schedule}.
 */
package dev.weft.explore;
