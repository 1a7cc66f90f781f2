package dev.weft.fibers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The outcome of a fiber, and the strands and callbacks waiting for it: what {@code FutureTask}
 * keeps beside its task (its outcome and its stack of {@code WaitNode}s).
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>{@link #state} is {@code null} or a {@link Node} while the fiber runs (the newest node
 *       first), and an {@link Outcome} once it is done; it never changes after that.</li>
 *   <li>A node is pushed only while the state is not an outcome (CAS on the head), so every
 *       pushed node is seen by {@link #complete} and acted on exactly once.</li>
 *   <li>A waiter that stops waiting (a timeout, a kill, an interrupt) clears its node's action and
 *       unlinks every cleared node it finds: a timed wait leaves nothing behind, however often it
 *       is repeated on a long-lived fiber, and the completion wakes no stale waiter.</li>
 * </ol>
 */
final class Completion {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Completion.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** null, a Node (pending), or an Outcome (done). */
    private volatile Object state;

    /** How a fiber ended: with a value (failure null), killed (a FiberExit) or failed. */
    record Outcome(Object value, Throwable failure) {
        static final Outcome NULL_VALUE = new Outcome(null, null);
    }

    /**
     * A waiting strand (unparked) or a callback (called with the fiber); action null once removed.
     * A claiming node's owner takes a failure as its own (a strand blocked in get() or invoke(),
     * which rethrows it), so the failure is not reported as well.
     */
    static final class Node {
        volatile Object action;
        volatile Node next;
        final boolean claims;

        Node(Object action, boolean claims) {
            this.action = action;
            this.claims = claims;
        }
    }

    boolean isDone() {
        return state instanceof Outcome;
    }

    /** The outcome; only once {@link #isDone()}. */
    Outcome outcome() {
        return (Outcome) state;
    }

    /**
     * Registers a strand to unpark or a {@code Consumer<Fiber<?>>} to call on completion.
     *
     * @return the node (for {@link #remove}), or {@code null} if already done (nothing registered)
     */
    Node push(Object action) {
        return push(action, false);
    }

    /** Like {@link #push(Object)}; a claiming node takes a failure as its owner's (see Node). */
    Node push(Object action, boolean claims) {
        Node node = new Node(action, claims);
        for (;;) {
            Object head = state;
            if (head instanceof Outcome) {
                return null;
            }
            node.next = (Node) head;
            if (STATE.compareAndSet(this, head, node)) {
                return node;
            }
        }
    }

    /** Withdraws a node pushed by the caller: it will not be acted on, and it is unlinked. */
    void remove(Node node) {
        node.action = null;
        retry:
        for (;;) {
            Node pred = null;
            Object head = state;
            if (!(head instanceof Node)) {
                return; // done: the completion has taken the whole list
            }
            for (Node q = (Node) head, s; q != null; q = s) {
                s = q.next;
                if (q.action != null) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = s;
                    if (pred.action == null) {
                        continue retry; // pred was removed meanwhile: its link may be stale
                    }
                } else if (!STATE.compareAndSet(this, q, s)) {
                    continue retry;
                }
            }
            return;
        }
    }

    /** Nodes still registered; for tests. */
    int nodes() {
        int n = 0;
        for (Object q = state; q instanceof Node node; q = node.next) {
            n += node.action != null ? 1 : 0;
        }
        return n;
    }

    /**
     * Publishes the outcome, then wakes every waiting strand and runs every callback, each in
     * registration order. Waiters are woken first, so that a callback that blocks cannot keep a
     * joiner from seeing the outcome. A callback that throws is handed to {@code onCallbackFailure}.
     *
     * @return whether a claiming node was registered (a strand will rethrow a failure)
     */
    boolean complete(Fiber<?> fiber, Outcome outcome, Consumer<Throwable> onCallbackFailure) {
        Object pending = STATE.getAndSet(this, outcome);
        Node inOrder = null;
        for (Node q = (Node) pending; q != null; ) {
            Node next = q.next;
            q.next = inOrder;
            inOrder = q;
            q = next;
        }
        boolean claimed = false;
        for (Node q = inOrder; q != null; q = q.next) {
            Object action = q.action;
            claimed |= q.claims && action != null;
            if (action instanceof Strand waiter) {
                waiter.unpark();
            }
        }
        for (Node q = inOrder; q != null; q = q.next) {
            if (q.action instanceof Consumer<?> callback) {
                run(callback, fiber, onCallbackFailure);
            }
        }
        return claimed;
    }

    @SuppressWarnings("unchecked")
    static void run(Consumer<?> callback, Fiber<?> fiber, Consumer<Throwable> onCallbackFailure) {
        try {
            ((Consumer<Fiber<?>>) callback).accept(fiber);
        } catch (FiberExit killedInCallback) {
            // the fiber was killed (a closing scheduler) while a callback blocked: the next one runs
        } catch (Throwable t) {
            onCallbackFailure.accept(t);
        }
    }
}
