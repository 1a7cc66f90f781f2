package dev.weft.explore.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that runs under many schedules: the method body runs as the root fiber of a fresh
 * {@link dev.weft.fibers.SimulatedScheduler} once per seed, until the first failure, which is then
 * shrunk to the fewest context switches. The failure message gives the seed, the shrunk schedule
 * as readable steps, and the annotation to paste to replay it.
 *
 * <pre>{@code
 * @FiberTest(seeds = 1000)
 * void transfersConserveMoney(SimulatedScheduler scheduler) throws Exception {
 *     Bank bank = new Bank(100, 100);                 // state made afresh in every run
 *     Fiber<Void> a = Fiber.spawn("A", () -> bank.transfer(0, 1, 10));
 *     Fiber<Void> b = Fiber.spawn("B", () -> bank.transfer(1, 0, 20));
 *     a.get();
 *     b.get();                                        // get() rethrows a fiber's failure
 *     assertEquals(200, bank.total());
 * }
 * }</pre>
 *
 * <p>The method may take a {@code SimulatedScheduler} or {@code Scheduler} parameter (the run's
 * scheduler) and no others. Its body must be deterministic apart from scheduling (see
 * {@link dev.weft.explore.FiberProgram}). {@code @BeforeEach} and {@code @AfterEach} run once around
 * the whole exploration, not around each run.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(FiberTestExtension.class)
public @interface FiberTest {

    /** Random seeds to try, 0 to {@code seeds - 1}. */
    int seeds() default 1000;

    /**
     * Runs one schedule instead of exploring: {@code "seed:42"} (the random schedule of seed 42),
     * {@code "choices:1,0,0,1"} (a schedule's choices) or {@code "file:path/to/run.schedule"} (a
     * file written by {@code Execution.save}). Empty: explore.
     */
    String replay() default "";
}
