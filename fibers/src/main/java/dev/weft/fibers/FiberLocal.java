package dev.weft.fibers;

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
 * by their own fiber, so no synchronization is involved. A fiber's storage grows with the
 * number of locals it uses, not with the number ever created.
 *
 * @param <T> the type of the value
 */
public final class FiberLocal<T> {
    /** Spreads consecutive locals over a power-of-two table (the golden ratio, as ThreadLocal does). */
    private static final int HASH_INCREMENT = 0x61c88647;
    private static final AtomicInteger NEXT_HASH = new AtomicInteger();

    private final int hash = NEXT_HASH.getAndAdd(HASH_INCREMENT);
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
        FiberExtras x = f.extrasOrNull();
        Values values = x == null ? null : x.locals;
        Object v = values == null ? Values.UNSET : values.get(this);
        if (v == Values.UNSET) {
            v = initial.get();
            values(f).put(this, v);
        }
        return (T) v;
    }

    /** Sets the current fiber's value. */
    public void set(T value) {
        Fiber<?> f = Fiber.current();
        if (f == null) {
            forThreads.set(value);
        } else {
            values(f).put(this, value);
        }
    }

    /** Forgets the current fiber's value: the next {@link #get()} sees the initial value again. */
    public void remove() {
        Fiber<?> f = Fiber.current();
        if (f == null) {
            forThreads.remove();
        } else {
            FiberExtras x = f.extrasOrNull();
            if (x != null && x.locals != null && x.locals.get(this) != Values.UNSET) {
                x.locals.put(this, Values.UNSET);
            }
        }
    }

    private static Values values(Fiber<?> f) {
        FiberExtras x = f.extras();
        Values values = x.locals;
        if (values == null) {
            x.locals = values = new Values();
        }
        return values;
    }

    /**
     * One fiber's values: an open-addressing table of entries, probed linearly, kept at most
     * two-thirds full. An entry refers to its local weakly (as a ThreadLocal's map does), so a
     * local that is no longer reachable does not keep its value, and its entry is expunged when
     * the table would grow: a fiber that sets a million short-lived locals holds only the live
     * ones. A removed value stays as UNSET beside its local, so probe chains never break. Only
     * accessed by its fiber.
     */
    static final class Values {
        static final Object UNSET = new Object();

        private Entry[] table = new Entry[8];
        /** Entries in the table, stale ones included. */
        private int size;

        /** A local (weakly) and its value in one fiber. */
        private static final class Entry extends java.lang.ref.WeakReference<FiberLocal<?>> {
            Object value;

            Entry(FiberLocal<?> local, Object value) {
                super(local);
                this.value = value;
            }
        }

        Object get(FiberLocal<?> local) {
            Entry[] t = table;
            int mask = t.length - 1;
            for (int i = local.hash & mask; ; i = (i + 1) & mask) {
                Entry e = t[i];
                if (e == null) {
                    return UNSET;
                }
                if (e.refersTo(local)) {
                    return e.value;
                }
            }
        }

        void put(FiberLocal<?> local, Object value) {
            Entry[] t = table;
            int mask = t.length - 1;
            for (int i = local.hash & mask; ; i = (i + 1) & mask) {
                Entry e = t[i];
                if (e == null) {
                    t[i] = new Entry(local, value);
                    if (++size * 3 > t.length * 2) {
                        rehash();
                    }
                    return;
                }
                if (e.refersTo(local)) {
                    e.value = value;
                    return;
                }
            }
        }

        /** Drops the entries of collected locals, and doubles the table if the live ones still fill it. */
        private void rehash() {
            Entry[] old = table;
            int live = 0;
            for (Entry e : old) {
                if (e != null && !e.refersTo(null)) {
                    live++;
                }
            }
            int length = live * 3 > old.length ? old.length * 2 : old.length;
            Entry[] t = new Entry[length];
            int mask = length - 1;
            for (Entry e : old) {
                FiberLocal<?> local = e == null ? null : e.get();
                if (local != null) {
                    int i = local.hash & mask;
                    while (t[i] != null) {
                        i = (i + 1) & mask;
                    }
                    t[i] = e;
                }
            }
            table = t;
            size = live;
        }

        /** Slots in the table; for tests. */
        int capacity() {
            return table.length;
        }
    }
}
