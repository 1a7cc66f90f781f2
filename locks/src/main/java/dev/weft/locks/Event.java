package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;

/**
 * A flag that strands wait for: {@link #set()} raises it and wakes every strand waiting, and
 * {@link #clear()} lowers it again. gevent's {@code gevent.event.Event}; fibers (on any Weft
 * scheduler), platform threads and virtual threads may wait on the same instance.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Set wakes all, in wait order, without switching.</b> {@link #set()} wakes every
 *       strand waiting at that moment, oldest first (on a {@link dev.weft.fibers.Hub} they run
 *       in that order), and returns without letting any of them run (gevent P7).</li>
 *   <li><b>A wait that overlaps a set succeeds.</b> {@link #await()} and {@link #await(Duration)}
 *       return {@code true} if the flag was set at any moment during the wait, even if it was
 *       cleared again before the waiter ran (gevent P8); a timed wait returns {@code false} only
 *       if no set happened before its deadline. This holds across threads too: a wait that
 *       times out, is killed or interrupted just as a set takes it reports the set (or, if it
 *       throws, the set is not lost for the others).</li>
 *   <li><b>Late arrivals wait their turn.</b> A fiber that calls {@code await()} on an event
 *       that is set while the strands this set woke have not run yet yields once before it
 *       returns, so on a Hub it runs after them (gevent #1520, {@code test_wait_while_notifying}).
 *       A thread, or a fiber when none is pending, returns at once.</li>
 *   <li><b>Leaving is clean.</b> A waiter that times out, is killed ({@link FiberExit}), has a
 *       {@link dev.weft.fibers.Timeout} expire ({@link TimeoutExpired}) or, as a thread, is
 *       interrupted, leaves nothing behind in the event.</li>
 *   <li><b>Memory effects.</b> Actions before a {@code set()} happen-before the return of every
 *       {@code await} that it ends, and of every {@code await} or {@link #isSet()} that sees the
 *       flag up.</li>
 *   <li><b>Cost.</b> {@code set}, {@code clear} and {@code isSet} never block; a set with no
 *       waiter is one short critical section; a blocked wait allocates one node.</li>
 * </ol>
 *
 * <h2>Differences</h2>
 * From gevent: {@code set()} wakes the waiters itself rather than through a callback scheduled
 * on the hub; the order they run in is the same. From {@code java.util.concurrent}: a
 * {@code CountDownLatch(1)} cannot be reset and a {@code Condition} needs a lock and loses a
 * signal sent before the wait; this event needs neither and remembers the set until the clear.
 */
public final class Event {
    private final Signal signal = new Signal();

    /** A clear event. */
    public Event() {}

    /**
     * Sets the flag and wakes every strand waiting now, in the order they began to wait. Does
     * nothing if the flag is already set. Never blocks, never switches.
     */
    public void set() {
        signal.raise();
    }

    /** Clears the flag: later waits block until the next {@link #set()}. Strands already woken stay woken. */
    public void clear() {
        signal.lower();
    }

    /** Whether the flag is set now (gevent's {@code is_set()} / {@code ready()}). */
    public boolean isSet() {
        return signal.isRaised();
    }

    /**
     * Waits until the flag is set; returns at once if it is (see guarantee 3).
     *
     * @return {@code true} (the {@code boolean} keeps the shape of {@link #await(Duration)})
     * @throws InterruptedException if the calling thread is interrupted (never thrown in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     */
    public boolean await() throws InterruptedException {
        return await(-1L);
    }

    /**
     * Waits until the flag is set, for at most {@code timeout}. A zero or negative timeout
     * does not wait: it returns {@link #isSet()}.
     *
     * @return whether the flag was set at some moment before the deadline (see guarantee 2)
     * @throws InterruptedException as {@link #await()}
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(Semaphore.nanosOf(timeout));
    }

    private boolean await(long nanos) throws InterruptedException {
        if (signal.isRaised()) {
            if (signal.notifying() > 0 && Strand.current().isFiber()) {
                Fiber.yieldNow(); // gevent #1520: the strands the set woke run first
            }
            return true;
        }
        return signal.await(this, nanos);
    }

    /** See {@link Signal#link}: for {@link Waits}. */
    Object link(Runnable callback) {
        return signal.link(callback);
    }

    /** See {@link Signal#unlink}. */
    void unlink(Object link) {
        signal.unlink(link);
    }

    /** Wait nodes and callbacks queued now; for tests. */
    int linked() {
        return signal.linked();
    }

    @Override
    public String toString() {
        return "Event[" + (isSet() ? "set" : "clear") + "]";
    }
}
