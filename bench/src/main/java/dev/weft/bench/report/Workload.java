package dev.weft.bench.report;

import java.util.List;

/**
 * One row of issue 5's workload table: what is measured, in which unit, by which peers, and
 * the goals Weft's figures are judged against.
 *
 * @param id             the id shared by the JMH mapping and the JSON lines ({@code spawn_join})
 * @param title          a heading for the report
 * @param unit           the unit every peer's figure is converted to
 * @param higherIsBetter true for rates (echo round trips/s), false for times and sizes
 * @param peers          every peer the run is expected to measure, in table order (a missing
 *                       one is shown as not measured)
 * @param baselines      the peers every other row is given a ratio to, a subset of {@code peers}
 * @param goals          what Weft's figures must meet
 * @param what           what one operation is, and what differs between the peers
 * @param workPerOp      for a workload timed per fixed amount of work (echo: 100,000 round trips
 *                       per sample), that amount and its name, to print the rate of each median
 *                       beside it; null otherwise
 */
record Workload(String id, String title, String unit, boolean higherIsBetter, List<String> peers,
                List<String> baselines, List<Goal> goals, String what, Work workPerOp) {

    /** {@code amount} of {@code what} ("round trips") per operation. */
    record Work(double amount, String what) {
    }

    Workload(String id, String title, String unit, boolean higherIsBetter, List<String> peers,
             List<String> baselines, List<Goal> goals, String what) {
        this(id, title, unit, higherIsBetter, peers, baselines, goals, what, null);
    }
}
