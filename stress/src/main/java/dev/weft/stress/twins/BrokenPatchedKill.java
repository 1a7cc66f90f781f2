package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of what a patched {@code dev.weft.fibers.Fiber}
 * does when it is killed: a virtual thread run by the carrier of {@link ActorCarrier} hub 0; a
 * kill is recorded once (CAS), is thrown before the body if it came first, and otherwise reaches
 * a blocking JDK call as an interrupt; the outcome (value, killed, or failed) is published and
 * then the completion callback runs once. One step is broken on purpose: when the interrupt
 * made the blocking call throw, the fiber ends <em>failed</em> with that exception instead of
 * killed ({@code Fiber.complete} turns such an exception back into the kill). The twin test
 * runs it in the shape of {@code Monkey_01_KillInterruptsBlockingCall}.
 */
public final class BrokenPatchedKill<V> {
    private final Callable<V> task;
    private final Consumer<BrokenPatchedKill<V>> onComplete;
    private final Thread thread;
    private final AtomicBoolean kill = new AtomicBoolean();
    /** Written before done is set, read after. */
    private V value;
    private boolean killed;
    private volatile boolean done;

    public BrokenPatchedKill(Callable<V> task, Consumer<BrokenPatchedKill<V>> onComplete) {
        this.task = task;
        this.onComplete = onComplete;
        this.thread = ActorFibers.virtualThreads(ActorCarrier.hub(0)).unstarted(this::body);
    }

    public void start() {
        thread.start();
    }

    public void kill() {
        if (!done && kill.compareAndSet(false, true)) {
            thread.interrupt(); // so that a blocking JDK call gives up
        }
    }

    private void body() {
        V v = null;
        boolean k = false;
        if (kill.get()) {
            k = true; // killed before it ran: it never runs
        } else {
            try {
                v = task.call();
            } catch (Throwable _) {
                // BROKEN: the InterruptedException the kill caused is taken for a failure of the fiber's own
            }
        }
        value = v;
        killed = k;
        done = true;
        onComplete.accept(this);
    }

    /** Whether the fiber has ended; its outcome is visible once this returns true. */
    public boolean isDone() {
        return done;
    }

    public boolean isKilled() {
        return done && killed;
    }

    public V value() {
        return done ? value : null;
    }
}
