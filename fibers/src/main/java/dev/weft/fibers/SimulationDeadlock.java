package dev.weft.fibers;

import java.util.List;

/**
 * Thrown by {@link SimulatedScheduler#invoke} (or {@link SimulatedScheduler#close()}) when every
 * live fiber of the simulation is parked and nothing can wake one: no fiber is runnable and no
 * timer is armed. In a real scheduler the program would hang; in a simulation this is certain,
 * so it is reported at once. The message lists each parked fiber, its id and where it waits.
 */
public final class SimulationDeadlock extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> parked;

    SimulationDeadlock(String message, List<String> parked) {
        super(message);
        this.parked = List.copyOf(parked);
    }

    /** One line per parked fiber, in start order: {@code name (#id) at suspendedAt}. */
    public List<String> parked() {
        return parked;
    }
}
