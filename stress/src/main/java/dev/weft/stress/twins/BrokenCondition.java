package dev.weft.stress.twins;

import dev.weft.fibers.Strand;
import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.SignalVsAwaitShape;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A small copy of {@code dev.weft.locks.ReentrantLock}'s
 * condition ({@code FifoCondition}) with the lock it belongs to, for fibers and threads, with
 * exactly one step broken on purpose, chosen by {@link Defect}. The twin tests run it in the
 * same shape as the real lock tests, to prove that those tests catch the defect.
 *
 * <p>What is copied, as in the real lock (correct version); the lock itself is a real
 * {@link Semaphore}{@code (1)}, as in {@code ReentrantLock}, without re-entry or owner checks:
 * <pre>
 *   await:  add a WAITING node to the condition queue, THEN release the lock (so a signaller,
 *           which needs the lock, always finds the node); park until the node is GRANTED
 *           (re-checking after each wake-up); take the lock back
 *   signal: (holding the lock) poll the oldest node, CAS it WAITING -> GRANTED, unpark its strand
 * </pre>
 * The condition queue is a plain {@link ArrayDeque}: every access happens under the lock.
 * Kills and timeouts of awaiters are left out (the twins never use them).
 */
public final class BrokenCondition implements SignalVsAwaitShape.Subject {

    /** The one broken step. */
    public enum Defect {
        /**
         * signal takes the awaiter off the queue and unparks it but does not hand the signal
         * over (its node stays WAITING): the awaiter takes the wake-up for a spurious one and
         * waits again, with nobody left to signal it.
         */
        SIGNAL_WITHOUT_TRANSFER
    }

    static final int WAITING = 1;
    static final int GRANTED = 2;

    private static final VarHandle NODE_STATE;

    static {
        try {
            NODE_STATE = MethodHandles.lookup().findVarHandle(Node.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One awaiting strand, as {@code dev.weft.locks.Waiter} for a condition. */
    static final class Node {
        final Strand strand = Strand.current();
        volatile int state = WAITING;
    }

    private final Defect defect;
    private final Semaphore lock = new Semaphore(1);
    private final ArrayDeque<Node> awaiters = new ArrayDeque<>();

    public BrokenCondition(Defect defect) {
        this.defect = defect;
    }

    @Override
    public void lock() {
        lock.acquireUninterruptibly();
    }

    @Override
    public void unlock() {
        lock.release();
    }

    /** {@code awaitUninterruptibly()}; the caller holds the lock, and holds it again on return. */
    @Override
    public void await() {
        Node w = new Node();
        awaiters.addLast(w);
        lock.release();
        while (w.state != GRANTED) {
            Strand.park();
        }
        lock.acquireUninterruptibly();
    }

    /** Wakes the longest awaiter, if any; the caller holds the lock. */
    @Override
    public void signal() {
        for (Node w; (w = awaiters.pollFirst()) != null; ) {
            if (defect == Defect.SIGNAL_WITHOUT_TRANSFER) {
                w.strand.unpark();                           // BROKEN: woken, but its node is not GRANTED
                return;
            }
            if (NODE_STATE.compareAndSet(w, WAITING, GRANTED)) {
                w.strand.unpark();
                return;
            }
        }
    }
}
