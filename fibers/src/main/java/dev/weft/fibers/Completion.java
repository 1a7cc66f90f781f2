package dev.weft.fibers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The outcome of a fiber, and the strands and callbacks waiting for it: what {@code FutureTask}
 * keeps beside its task (its outcome and its stack of {@code WaitNode}s).
 *
 * <p>The state is one field of the fiber itself, {@code Fiber.completion}, which this class
 * reads and CASes through a {@link VarHandle}: a separate object per fiber would cost every
 * parked fiber 16 bytes (issue 16). This class holds the logic; it has no instances.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>The state is {@code null} or a {@link Node} while the fiber runs (the newest node
 *       first), and an {@link Outcome} once it is done; it never changes after that.</li>
 *   <li>A node is pushed only while the state is not an outcome (CAS on the head), so every
 *       pushed node is seen by {@link #complete} and acted on exactly once.</li>
 *   <li>A waiter that stops waiting (a timeout, a kill, an interrupt) clears its node's action and
 *       unlinks every cleared node it finds: a timed wait leaves nothing behind, however often it
 *       is repeated on a long-lived fiber, and the completion wakes no stale waiter.</li>
 * </ol>
 */
final class Completion {
    /** {@code Fiber.completion}: null, a Node (pending), or an Outcome (done). */
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Fiber.class, "completion", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Completion() {
    }

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

    static boolean isDone(Fiber<?> fiber) {
        return fiber.completion instanceof Outcome;
    }

    /** The outcome; only once {@link #isDone}. */
    static Outcome outcome(Fiber<?> fiber) {
        return (Outcome) fiber.completion;
    }

    /**
     * Registers a strand to unpark or a {@code Consumer<Fiber<?>>} to call on completion.
     *
     * @return the node (for {@link #remove}), or {@code null} if already done (nothing registered)
     */
    static Node push(Fiber<?> fiber, Object action) {
        return push(fiber, action, false);
    }

    /** Like {@link #push(Fiber, Object)}; a claiming node takes a failure as its owner's (see Node). */
    static Node push(Fiber<?> fiber, Object action, boolean claims) {
        Node node = new Node(action, claims);
        for (;;) {
            Object head = fiber.completion;
            if (head instanceof Outcome) {
                return null;
            }
            node.next = (Node) head;
            if (STATE.compareAndSet(fiber, head, node)) {
                return node;
            }
        }
    }

    /** Withdraws a node pushed by the caller: it will not be acted on, and it is unlinked. */
    static void remove(Fiber<?> fiber, Node node) {
        node.action = null;
        retry:
        for (;;) {
            Node pred = null;
            Object head = fiber.completion;
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
                } else if (!STATE.compareAndSet(fiber, q, s)) {
                    continue retry;
                }
            }
            return;
        }
    }

    /** Nodes still registered; for tests. */
    static int nodes(Fiber<?> fiber) {
        int n = 0;
        for (Object q = fiber.completion; q instanceof Node node; q = node.next) {
            n += node.action != null ? 1 : 0;
        }
        return n;
    }

    /**
     * Publishes the outcome, then wakes every waiting strand and runs every callback, each in
     * registration order. Waiters are woken first, so that a callback that blocks cannot keep a
     * joiner from seeing the outcome. A callback that throws is reported ({@code Fiber.report}).
     *
     * @return whether a claiming node was registered (a strand will rethrow a failure)
     */
    static boolean complete(Fiber<?> fiber, Outcome outcome) {
        Object pending = STATE.getAndSet(fiber, outcome);
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
                run(callback, fiber);
            }
        }
        return claimed;
    }

    @SuppressWarnings("unchecked")
    static void run(Consumer<?> callback, Fiber<?> fiber) {
        try {
            ((Consumer<Fiber<?>>) callback).accept(fiber);
        } catch (FiberExit killedInCallback) {
            // the fiber was killed (a closing scheduler) while a callback blocked: the next one runs
        } catch (Throwable t) {
            fiber.report(t);
        }
    }
}
