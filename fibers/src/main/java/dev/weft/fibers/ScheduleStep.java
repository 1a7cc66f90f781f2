package dev.weft.fibers;

/**
 * A decision of a {@link SimulatedScheduler}, as recorded in its {@link SimulatedScheduler#trace()}.
 *
 * @param step        the 0-based number of the decision
 * @param choice      the index the policy returned, in {@code [0, options)}
 * @param options     how many fibers were runnable (at least 2)
 * @param fiberId     the id of the chosen fiber (spawn order, the root fiber is 1)
 * @param fiberName   its name
 * @param suspendedAt where it had suspended (see {@link SchedulePoint#suspendedAt}), {@code "start"} if it never ran;
 *                    {@code null} if the scheduler does not {@link SimulatedScheduler#recordSites record sites}
 */
public record ScheduleStep(int step, int choice, int options, long fiberId, String fiberName, String suspendedAt) {
    @Override
    public String toString() {
        String at = suspendedAt == null ? "" : " at " + suspendedAt;
        return "#" + step + " " + choice + "/" + options + " " + fiberName + " (" + fiberId + ")" + at;
    }
}
