package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.shapes.ParkSubject;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of {@code dev.weft.fibers.Fiber}'s park/unpark
 * handshake (a permit, a state machine, the carrier's re-check after the yield, a run queue)
 * with exactly one step broken on purpose, chosen by {@link Defect}. The twin tests run it in
 * the same shape as the real tests, to prove that those tests catch the defect.
 *
 * <p>States and transitions, as in {@code Fiber} (correct version):
 * <pre>
 *   RUNNING  -> PARKING    park: about to yield                          (the strand)
 *   PARKING  -> PARKED     yielded; then re-check the permit             (its carrier)
 *   PARKED   -> RUNNABLE   unpark, or the re-check, by CAS; winner queues it
 *   RUNNABLE -> RUNNING    whoever drains the queue runs it
 * </pre>
 * Like a fiber, the twin strand runs every segment on one thread: hub 0 of
 * {@link ActorCarrier} (its first segment by {@link #start()}, every resumption queued there by
 * whoever wins the transition to RUNNABLE); {@link #settle()} waits until that hub has run
 * what was queued.
 */
public final class BrokenParkHandshake implements ParkSubject {

    /** The one broken step. */
    public enum Defect {
        /** unpark reads the state before it publishes the permit: a racing park sleeps forever. */
        UNPARK_READS_STATE_FIRST,
        /** The re-check and unpark make the strand runnable by plain writes, not a CAS: both may queue it. */
        RUNNABLE_WITHOUT_CAS,
        /** park ignores an available permit and suspends anyway. */
        PARK_IGNORES_PERMIT,
        /** The permit is a counter: two unparks let two parks through. */
        PERMIT_COUNTS
    }

    private static final ContinuationScope SCOPE = new ContinuationScope("weft-negative-control");
    private static final int RUNNING = 1;
    private static final int PARKING = 2;
    private static final int PARKED = 3;
    private static final int RUNNABLE = 6;
    private static final VarHandle STATE;
    private static final VarHandle PERMITS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(BrokenParkHandshake.class, "state", int.class);
            PERMITS = l.findVarHandle(BrokenParkHandshake.class, "permits", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Defect defect;
    private final Continuation continuation;
    private volatile int state = RUNNING;
    /** 0 or 1; more only with PERMIT_COUNTS. */
    private volatile int permits;

    public BrokenParkHandshake(Defect defect, Runnable body) {
        this.defect = defect;
        this.continuation = new Continuation(SCOPE, body);
    }

    /** Parks the calling twin strand: call from its body only. */
    @Override
    public void park() {
        if (defect != Defect.PARK_IGNORES_PERMIT && consumePermit()) {
            return;
        }
        STATE.setVolatile(this, PARKING);
        Continuation.yield(SCOPE);
        consumePermit();
    }

    @Override
    public void unpark() {
        if (defect == Defect.UNPARK_READS_STATE_FIRST) {
            int s = state;                                   // BROKEN: read before the permit is published
            if (!publishPermit() && s == PARKED && STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                submit();
            }
            return;
        }
        if (!publishPermit() && state == PARKED) {
            if (defect == Defect.RUNNABLE_WITHOUT_CAS) {
                state = RUNNABLE;                            // BROKEN: no CAS, the carrier may do the same
                submit();
            } else if (STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                submit();
            }
        }
    }

    /** Queues the twin strand's first segment on hub 0, as {@code ActorCarrier.start} queues a fiber. */
    @Override
    public void start() {
        submit();
    }

    /** Queues a resumption on hub 0 (the strand's only carrier). */
    private void submit() {
        ActorCarrier.execute(0, this::runSegment);
    }

    /** On hub 0: mounts the twin strand until it suspends or ends, then re-checks the permit. */
    private void runSegment() {
        STATE.setVolatile(this, RUNNING);
        continuation.run();
        if (!continuation.isDone()) {
            afterYield();
        }
    }

    /** Waits until hub 0 has run every resumption queued so far. */
    public static boolean settle() {
        return ActorCarrier.settle();
    }

    /** Queues {@code probe} on hub 0, behind the twin strand (called by its body). */
    @Override
    public void probeBehind(Runnable probe) {
        ActorCarrier.execute(0, probe);
    }

    /** Waits until hub 0 has settled; a twin strand left parked stays so (it holds nothing). */
    @Override
    public void settleAndEnd() {
        settle();
    }

    private void afterYield() {
        STATE.setVolatile(this, PARKED);
        if (permits > 0) {
            if (defect == Defect.RUNNABLE_WITHOUT_CAS) {
                state = RUNNABLE;                            // BROKEN: no CAS, unpark may do the same
                submit();
            } else if (STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                submit();
            }
        }
    }

    /** @return whether a permit was already there */
    private boolean publishPermit() {
        if (defect == Defect.PERMIT_COUNTS) {
            return (int) PERMITS.getAndAdd(this, 1) > 0;     // BROKEN: counts instead of saturating
        }
        return (int) PERMITS.getAndSet(this, 1) > 0;
    }

    private boolean consumePermit() {
        for (;;) {
            int p = permits;
            if (p == 0) {
                return false;
            }
            if (PERMITS.compareAndSet(this, p, defect == Defect.PERMIT_COUNTS ? p - 1 : 0)) {
                return true;
            }
        }
    }
}
