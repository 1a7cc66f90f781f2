package dev.weft.bench;

import java.lang.reflect.Constructor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads whose only carrier is one platform thread: the JDK 25 package-private
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor, reached by
 * reflection (needs {@link BenchFlags#OPEN_LANG}). The executor is a
 * plain single-thread executor, so every resumption of a virtual thread is one
 * {@code execute} on it: the same one-carrier shape as Weft's hub.
 */
final class OneCarrierVirtualThreads implements AutoCloseable {
    private final ExecutorService carrier = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("vt-one-carrier").daemon().unstarted(r));
    private final Thread.Builder.OfVirtual builder;

    OneCarrierVirtualThreads() {
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> ctor = c.getDeclaredConstructor(java.util.concurrent.Executor.class);
            ctor.setAccessible(true);
            builder = (Thread.Builder.OfVirtual) ctor.newInstance(carrier);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot make virtual threads with a custom scheduler: start the JVM with "
                    + BenchFlags.OPEN_LANG + " (JDK 25's ThreadBuilders$VirtualThreadBuilder(Executor))", e);
        }
    }

    /** A builder of virtual threads on this one carrier. Not thread-safe, as every builder. */
    Thread.Builder.OfVirtual builder() {
        return builder;
    }

    @Override
    public void close() {
        carrier.shutdownNow();
    }
}
