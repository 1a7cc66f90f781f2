package dev.weft.fibers;

/**
 * Thrown by {@link Scheduler#invoke} when its scheduler is {@link Scheduler#strictDeadlocks
 * strict about deadlocks} and every fiber of it became stuck: gevent's {@code LoopExit}. The
 * message is the deadlock report: each fiber, what it waits on (the object and its state) and its
 * stack. The invoking fiber was killed with it, so its {@code finally} blocks ran; the other
 * fibers stay parked until something wakes them or the scheduler closes.
 *
 * <p>It carries no stack trace of its own (it is made by the carrier that found the deadlock):
 * the fibers' frames are in the message, and {@code invoke} adds the caller's as a suppressed
 * exception.
 */
public final class DeadlockDetected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeadlockDetected(String report) {
        super(report, null, true, false);
    }
}
