package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Waiting for several things at once: {@link Fiber}s (ready when done), {@link Event}s (ready
 * when set) and {@link AsyncResult}s (ready when complete), mixed freely. gevent's
 * {@code gevent.wait(objects, timeout, count)} and {@code gevent.iwait(objects, timeout, count)}.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Completion order.</b> Objects come back in the order they became ready; those ready
 *       when the wait begins come first, in the order given. Each object comes back at most
 *       once (an event that is set, cleared and set again counts once).</li>
 *   <li><b>Leaves nothing behind.</b> When a wait ends (count reached, timeout, kill, or
 *       {@link Ready#close()} of an iteration) its links are removed from the events and
 *       results still pending. A fiber's completion callback cannot be withdrawn: it stays,
 *       as a small no-op node that no longer refers to the wait, until the fiber ends.</li>
 *   <li><b>Memory effects.</b> What an object's completion publishes (a fiber's effects, an
 *       event's set, a result's value) happens-before the wait returns it.</li>
 * </ol>
 * The calling strand may be a fiber or a thread; it blocks as {@link Queue#take()} does.
 */
public final class Waits {
    private Waits() {}

    /**
     * Waits until every object is ready; returns them in completion order.
     *
     * @throws InterruptedException if the calling thread is interrupted (never thrown in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     */
    public static <T> List<T> all(Collection<? extends T> objects) throws InterruptedException {
        return await(objects, objects.size(), null);
    }

    /**
     * Waits until one object is ready, for at most {@code timeout} ({@code null}: no limit).
     *
     * @return the first object ready, or null if none was in time
     * @throws InterruptedException as {@link #all}
     */
    public static <T> T any(Collection<? extends T> objects, Duration timeout) throws InterruptedException {
        List<T> ready = await(objects, 1, timeout);
        return ready.isEmpty() ? null : ready.getFirst();
    }

    /**
     * Waits until {@code count} objects are ready or {@code timeout} passes ({@code null}: no
     * limit), and returns the ready ones in completion order, at most {@code count} of them
     * (gevent's {@code wait(objects, timeout, count)}).
     *
     * @throws IllegalArgumentException if {@code count} is negative, or an object is not a
     *                                  Fiber, Event or AsyncResult
     * @throws InterruptedException as {@link #all}
     */
    public static <T> List<T> await(Collection<? extends T> objects, int count, Duration timeout)
            throws InterruptedException {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        List<T> ready = new ArrayList<>(Math.min(count, objects.size()));
        try (Ready<T> it = iwait(objects, timeout)) {
            while (ready.size() < count && it.hasNextReady()) {
                ready.add(it.next());
            }
        }
        return ready;
    }

    /**
     * Iterates over {@code objects} as they become ready, in completion order, until all have
     * come or {@code timeout} passes ({@code null}: no limit; the timeout covers the whole
     * iteration). Use it in try-with-resources: {@link Ready#close()} unlinks the rest.
     *
     * @throws IllegalArgumentException if an object is not a Fiber, Event or AsyncResult
     */
    public static <T> Ready<T> iwait(Collection<? extends T> objects, Duration timeout) {
        return new Ready<>(objects, timeout == null ? -1L : Semaphore.nanosOf(timeout));
    }

    /**
     * An iteration over objects as they become ready (see {@link Waits#iwait}). {@code hasNext()}
     * waits for the next one (within the iteration's timeout); it is used by one strand.
     *
     * @param <T> the type of the objects
     */
    public static final class Ready<T> implements Iterator<T>, AutoCloseable {
        /**
         * The indirection between the objects' callbacks and this iteration: cleared by
         * {@link #close()}, so that a callback that cannot be withdrawn (a fiber's) refers to
         * nothing once the iteration is over.
         */
        private static final class Relay {
            volatile Queue<Object> target;

            Relay(Queue<Object> target) {
                this.target = target;
            }

            void ready(Object o) {
                Queue<Object> q = target;
                if (q != null) {
                    q.offer(o);
                }
            }
        }

        private final Relay relay;
        private final Queue<Object> readyQueue = new Queue<>();
        /** Links to withdraw on close: pairs of (Event or AsyncResult, link). */
        private final List<Object> links = new ArrayList<>();
        private final long deadline;
        private final boolean timed;
        private int remaining;
        private T next;
        private boolean closed;

        private Ready(Collection<? extends T> objects, long nanos) {
            Objects.requireNonNull(objects, "objects");
            relay = new Relay(readyQueue);
            timed = nanos >= 0;
            deadline = timed ? Strand.nanoTime() + nanos : 0L;
            remaining = objects.size();
            try {
                for (T o : objects) {
                    link(o);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void link(Object o) {
            Relay r = relay;
            switch (o) {
                case Fiber<?> f -> f.onComplete(done -> r.ready(done));
                case Event e -> remember(e, e.link(() -> r.ready(e)));
                case AsyncResult<?> a -> remember(a, a.link(() -> r.ready(a)));
                case null -> throw new NullPointerException("Waits got a null object to wait for");
                default -> throw new IllegalArgumentException("Waits waits for Fiber, Event and AsyncResult objects, "
                        + "not " + o.getClass().getName() + ": wrap a CompletionStage with AsyncResult.from(stage)");
            }
        }

        private void remember(Object owner, Object link) {
            if (link != null) {
                links.add(owner);
                links.add(link);
            }
        }

        /**
         * Waits for the next ready object, until the iteration's timeout.
         *
         * @return false if every object has come, the time ran out, or it is closed
         * @throws InterruptedException if the calling thread is interrupted
         */
        public boolean hasNextReady() throws InterruptedException {
            if (next != null) {
                return true;
            }
            if (closed || remaining == 0) {
                return false;
            }
            long left = timed ? Math.max(0L, deadline - Strand.nanoTime()) : -1L;
            @SuppressWarnings("unchecked")
            T o = (T) (left < 0 ? readyQueue.take() : readyQueue.poll(Duration.ofNanos(left)));
            if (o == null) {
                return false;
            }
            remaining--;
            next = o;
            return true;
        }

        /**
         * As {@link #hasNextReady()}; a thread interrupted while it waits gets an
         * {@link IllegalStateException} with its interrupt status set.
         */
        @Override
        public boolean hasNext() {
            try {
                return hasNextReady();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next ready object", e);
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no object became ready in time, or the iteration is closed");
            }
            T o = next;
            next = null;
            return o;
        }

        /** Ends the iteration and removes its links from the objects still pending (see {@link Waits}). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            relay.target = null;
            for (int i = 0; i < links.size(); i += 2) {
                switch (links.get(i)) {
                    case Event e -> e.unlink(links.get(i + 1));
                    case AsyncResult<?> a -> a.unlink(links.get(i + 1));
                    default -> throw new AssertionError(links.get(i));
                }
            }
            links.clear();
        }
    }
}
