package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.shapes.StartedFiberCarrierShape;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A strand on a group of two carriers (the hubs of
 * {@link ActorCarrier}) with {@code Fiber}'s park/unpark handshake, copied correctly (the
 * permit is published before the state is read, PARKED to RUNNABLE by CAS, the carrier
 * re-checks the permit after the yield), and one step broken on purpose: the group balances
 * every submission round-robin over its carriers, resumptions included, instead of sending a
 * started strand back to its home carrier. A resumed strand then moves to the other carrier
 * about every other time; the twin test runs it in the shape of
 * {@code Carrier_01_StartedFiberKeepsCarrier} to prove that test sees such a move.
 *
 * <p>States, as in {@code Fiber}:
 * <pre>
 *   RUNNING  -> PARKING    park: about to yield                      (the strand)
 *   PARKING  -> PARKED     yielded; then re-check the permit         (its carrier)
 *   PARKED   -> RUNNABLE   unpark, or the re-check, by CAS; the winner submits it
 *   RUNNABLE -> RUNNING    the carrier the submission went to runs it
 * </pre>
 */
public final class BrokenCarrierGroup implements StartedFiberCarrierShape.Subject {
    private static final ContinuationScope SCOPE = new ContinuationScope("weft-negative-control-group");
    private static final AtomicInteger NEXT_CARRIER = new AtomicInteger();
    private static final int RUNNING = 1;
    private static final int PARKING = 2;
    private static final int PARKED = 3;
    private static final int RUNNABLE = 6;
    private static final VarHandle STATE;
    private static final VarHandle PERMIT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(BrokenCarrierGroup.class, "state", int.class);
            PERMIT = l.findVarHandle(BrokenCarrierGroup.class, "permit", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Continuation continuation;
    private volatile int state = RUNNING;
    private volatile boolean permit;
    /** The hub running the current segment; only accessed by the strand and the carrier running it. */
    private int carrier;

    public BrokenCarrierGroup(Runnable body) {
        this.continuation = new Continuation(SCOPE, body);
    }

    /** Queues the strand's first segment on the group, as a spawn would. */
    @Override
    public void start() {
        submit();
    }

    /** Parks the calling twin strand: call from its body only. */
    @Override
    public void park() {
        if ((boolean) PERMIT.getAndSet(this, false)) {
            return;
        }
        STATE.setVolatile(this, PARKING);
        Continuation.yield(SCOPE);
        permit = false;
    }

    @Override
    public void unpark() {
        // NOTE: the permit is published before the state is read (pairs with afterYield)
        if (!(boolean) PERMIT.getAndSet(this, true) && state == PARKED && STATE.compareAndSet(this, PARKED, RUNNABLE)) {
            submit();
        }
    }

    /** Queues {@code probe} behind the strand on the carrier that runs it now: call from its body only. */
    @Override
    public void probeBehind(Runnable probe) {
        ActorCarrier.execute(carrier, probe);
    }

    private void submit() {
        int hub = NEXT_CARRIER.getAndIncrement() & 1; // BROKEN: a resumption is balanced like a new strand
        ActorCarrier.execute(hub, () -> runSegment(hub));
    }

    private void runSegment(int hub) {
        carrier = hub;
        STATE.setVolatile(this, RUNNING);
        continuation.run();
        if (!continuation.isDone()) {
            afterYield();
        }
    }

    private void afterYield() {
        STATE.setVolatile(this, PARKED); // NOTE: before reading the permit (pairs with unpark)
        if (permit && STATE.compareAndSet(this, PARKED, RUNNABLE)) {
            submit();
        }
    }

    /** A twin strand left parked holds nothing: it stays so. */
    @Override
    public void abandon() {
    }
}
