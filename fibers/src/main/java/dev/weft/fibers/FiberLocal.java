package dev.weft.fibers;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A variable with a separate value in each fiber: what {@link ThreadLocal} is to threads, and
 * gevent's {@code local}. A {@code ThreadLocal} read inside a fiber sees its carrier's value,
 * shared by every fiber on that carrier; a {@code FiberLocal} does not.
 *
 * <p>Guarantees: a new fiber starts with the initial value (nothing is inherited from its
 * spawner); a fiber's values become unreachable when the fiber does; read from a thread, a
 * {@code FiberLocal} behaves as a {@code ThreadLocal} of that thread. Values are only accessed
 * by their own fiber, so no synchronization is involved.
 *
 * @param <T> the type of the value
 */
public final class FiberLocal<T> {
    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();
    private static final Object UNSET = new Object();

    private final int index = NEXT_INDEX.getAndIncrement();
    private final Supplier<? extends T> initial;
    private final ThreadLocal<T> forThreads;

    /** Creates a fiber-local whose initial value is {@code null}. */
    public FiberLocal() {
        this(() -> null);
    }

    private FiberLocal(Supplier<? extends T> initial) {
        this.initial = initial;
        this.forThreads = ThreadLocal.withInitial(initial);
    }

    /** Creates a fiber-local whose initial value in each fiber comes from {@code initial}. */
    public static <T> FiberLocal<T> withInitial(Supplier<? extends T> initial) {
        return new FiberLocal<>(Objects.requireNonNull(initial, "initial"));
    }

    /** The current fiber's value (set to the initial value on first access). */
    @SuppressWarnings("unchecked")
    public T get() {
        Fiber<?> f = Fiber.current();
        if (f == null) {
            return forThreads.get();
        }
        Object[] values = slots(f);
        Object v = values[index];
        if (v == UNSET) {
            v = initial.get();
            values[index] = v;
        }
        return (T) v;
    }

    /** Sets the current fiber's value. */
    public void set(T value) {
        Fiber<?> f = Fiber.current();
        if (f == null) {
            forThreads.set(value);
        } else {
            slots(f)[index] = value;
        }
    }

    /** Forgets the current fiber's value: the next {@link #get()} sees the initial value again. */
    public void remove() {
        Fiber<?> f = Fiber.current();
        if (f == null) {
            forThreads.remove();
        } else if (f.locals != null && index < f.locals.length) {
            f.locals[index] = UNSET;
        }
    }

    private Object[] slots(Fiber<?> f) {
        Object[] values = f.locals;
        if (values == null || index >= values.length) {
            int old = values == null ? 0 : values.length;
            values = values == null ? new Object[index + 4] : Arrays.copyOf(values, Math.max(index + 1, old * 2));
            Arrays.fill(values, old, values.length, UNSET);
            f.locals = values;
        }
        return values;
    }
}
