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
 */
record Workload(String id, String title, String unit, boolean higherIsBetter, List<String> peers,
                List<String> baselines, List<Goal> goals, String what) {
}
