package dev.weft.stress.twins;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import dev.weft.stress.harness.ActorCarrier;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A small strand with a kill and completion callbacks,
 * after {@code dev.weft.fibers.Fiber}'s lifecycle, with exactly one step broken on purpose,
 * chosen by {@link Defect}. The twin tests run it in the same shape as the real tests, to
 * prove that those tests catch the defect.
 *
 * <p>States and transitions (correct version):
 * <pre>
 *   UNSTARTED -> RUNNING     the carrier mounts it the first time               (carrier, CAS)
 *   RUNNABLE  -> RUNNING     the carrier mounts it again after a yield          (carrier, CAS)
 *   RUNNING   -> RUNNABLE    it yielded; the carrier queues it at the tail      (carrier)
 *   RUNNING   -> TERMINATED  its body returned, or threw the kill at its yield  (carrier)
 *   UNSTARTED -> TERMINATED  a kill of a strand that is not mounted: the killer (killer, CAS)
 *   RUNNABLE  -> TERMINATED    completes it as killed, and it is never mounted again
 * </pre>
 * Whoever moves the strand to TERMINATED completes it: publishes its one outcome and runs its
 * callback once. A kill of a mounted strand only leaves the request, which the strand throws at
 * its next yield. Like a fiber, the strand runs every segment on hub 0 of {@link ActorCarrier}.
 */
public final class BrokenKillableStrand {

    /** The one broken step. */
    public enum Defect {
        /**
         * The carrier mounts a queued strand with a plain write (as {@code Fiber} may, where no
         * one else ever takes a queued fiber) instead of claiming it by CAS: a strand that a
         * kill completed while it was queued runs on and completes a second time.
         */
        MOUNT_WITHOUT_CAS
    }

    /** The kill, as thrown in the strand at its yield. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    private static final ContinuationScope SCOPE = new ContinuationScope("weft-negative-control-kill");
    private static final int UNSTARTED = 0;
    private static final int RUNNING = 1;
    private static final int RUNNABLE = 6;
    private static final int TERMINATED = 7;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BrokenKillableStrand.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Defect defect;
    private final Continuation continuation;
    private final Runnable onComplete;
    private volatile int state = UNSTARTED;
    private volatile boolean killRequested;
    /** Whether the kill was thrown in the strand. Only accessed by the strand. */
    private boolean killDelivered;
    /** What the body ended with; written by the strand, read by the carrier after the run. */
    private Integer bodyValue;
    private volatile boolean killed;
    private volatile Integer value;
    private volatile boolean done;

    /** A strand that runs {@code body} and, once it is complete, {@code onComplete}. */
    public BrokenKillableStrand(Defect defect, Callable<Integer> body, Runnable onComplete) {
        this.defect = defect;
        this.onComplete = onComplete;
        this.continuation = new Continuation(SCOPE, () -> {
            try {
                bodyValue = body.call();
            } catch (Killed k) {
                bodyValue = null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Queues the strand's first segment on hub 0. */
    public void start() {
        ActorCarrier.execute(0, this::runSegment);
    }

    /** Called by the strand's body: lets hub 0 run what is queued, then continues (or throws the kill). */
    public void yieldNow() {
        throwIfKilled();
        Continuation.yield(SCOPE);
        throwIfKilled();
    }

    /** Kills the strand: completes it at once if it is not mounted, else it throws the kill at its next yield. */
    public void kill() {
        killRequested = true;
        if (STATE.compareAndSet(this, UNSTARTED, TERMINATED) || STATE.compareAndSet(this, RUNNABLE, TERMINATED)) {
            complete(true, null);
        }
    }

    public boolean isDone() {
        return done;
    }

    public boolean isCancelled() {
        return killed;
    }

    public Integer value() {
        return value;
    }

    private void throwIfKilled() {
        if (killRequested && !killDelivered) {
            killDelivered = true;
            throw new Killed();
        }
    }

    /** On hub 0: mounts the strand until it yields or ends. */
    private void runSegment() {
        if (defect == Defect.MOUNT_WITHOUT_CAS) {
            state = RUNNING;                                 // BROKEN: mounts it even if a kill completed it
        } else if (!STATE.compareAndSet(this, RUNNABLE, RUNNING) && !STATE.compareAndSet(this, UNSTARTED, RUNNING)) {
            return; // a kill completed it while it was queued
        }
        continuation.run();
        if (continuation.isDone()) {
            state = TERMINATED;
            complete(bodyValue == null, bodyValue);
        } else {
            state = RUNNABLE;
            ActorCarrier.execute(0, this::runSegment);
        }
    }

    private void complete(boolean wasKilled, Integer result) {
        if (wasKilled) {
            killed = true;
        } else {
            value = result;
        }
        done = true;
        onComplete.run();
    }
}
