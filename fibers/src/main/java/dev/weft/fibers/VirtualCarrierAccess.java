package dev.weft.fibers;

import dev.weft.fibers.internal.JvmFlags;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * The two JDK-internal doors monkey mode goes through, opened once by reflection:
 * <ul>
 *   <li>the package-private constructor {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)},
 *       which makes virtual threads whose scheduler is a Weft carrier, and</li>
 *   <li>{@code Thread.currentCarrierThread()}, which tells a virtual thread mounted on a hub's
 *       carrier that it is on that carrier (so a wake-up it causes keeps the hub's order).</li>
 * </ul>
 * Both need {@code --add-opens java.base/java.lang=ALL-UNNAMED}. When either is missing,
 * {@link #UNSUPPORTED} says why, and monkey mode refuses to start with that message.
 */
final class VirtualCarrierAccess {
    private static final MethodHandle NEW_BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    /** Why monkey mode cannot work in this JVM, or {@code null} if it can. */
    static final String UNSUPPORTED;

    static {
        MethodHandle builder = null;
        MethodHandle carrier = null;
        String unsupported = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            builder = lookup.findConstructor(c, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            carrier = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (IllegalAccessException e) {
            unsupported = "Weft's monkey mode runs fibers as virtual threads scheduled by Weft's carriers, through "
                    + "the JDK-internal java.lang.ThreadBuilders$VirtualThreadBuilder(Executor), which this JVM does "
                    + "not open to Weft. Start the JVM with " + JvmFlags.addOpens(JvmFlags.CLASS_PATH)
                    + " (Weft on the class path) or " + JvmFlags.addOpens(JvmFlags.MODULE)
                    + " (Weft on the module path).";
        } catch (ReflectiveOperationException e) {
            unsupported = "Weft's monkey mode needs the JDK-internal constructor "
                    + "java.lang.ThreadBuilders$VirtualThreadBuilder(Executor) and Thread.currentCarrierThread(), "
                    + "which this JDK (" + Runtime.version() + ") lacks; they exist in JDK 21 to 25, and Weft is "
                    + "tested on JDK 25. (" + e + ")";
        }
        NEW_BUILDER = builder;
        CURRENT_CARRIER = carrier;
        UNSUPPORTED = unsupported;
    }

    private VirtualCarrierAccess() {}

    /** The JDK's switch between its two ways of polling sockets for virtual threads (JDK 22 to 25). */
    static final String POLLER_MODE = "jdk.pollerMode";
    /** {@code SYSTEM_THREADS}: the pollers are platform threads that unpark the waiting virtual threads themselves. */
    static final String SYSTEM_THREADS = "1";

    /**
     * Starts the JDK's socket pollers now, from the thread that enables monkey mode, not later
     * from a patched fiber; and, unless the JVM was started with a {@code jdk.pollerMode} of its
     * own, as platform threads (mode 1, {@code SYSTEM_THREADS}).
     *
     * <p>Why platform threads: JDK 25 on Linux defaults to mode 2 ({@code VTHREAD_POLLERS}),
     * where a {@code MasterPoller} platform thread wakes sub-poller virtual threads, which then
     * poll and unpark the waiting virtual threads. Those sub-pollers run on the JDK's own
     * scheduler, never on a Weft carrier (they serve the whole JVM and must outlive any
     * scheduler), so every wake-up of a patched fiber's socket crosses two threads (master,
     * then a ForkJoinPool worker) before it reaches the Weft carrier: a {@code futex} wake and an
     * {@code epoll_ctl} re-arm per hop. In mode 1 a {@code Read-Poller} platform thread unparks
     * the patched fiber directly, one hand-off to the carrier's inbox: the echo benchmark's
     * monkey mode ran 1.4× faster and made 55 % fewer system calls (issue 16). The price falls
     * on the JVM's ordinary virtual threads, which lose the sub-pollers that poll between their
     * turns on their own carriers: in the same benchmark they make an {@code epoll_wait} more
     * per readiness (19 % more system calls) and ran 1.1× to 1.7× slower, the most on one
     * carrier. A JVM started with {@code -Djdk.pollerMode=2} keeps the JDK's default, and monkey
     * mode works in either.
     * The mode is read once, when the JDK first polls a socket for a virtual thread: if that
     * happened before monkey mode's first use, it stays the JDK's default.
     *
     * <p>Why from here: in mode 2 the sub-pollers are virtual threads started lazily by the
     * first blocking socket call, and a virtual thread started from a virtual thread inherits its
     * scheduler: started from a patched fiber, the JVM's sub-pollers would run on that fiber's
     * Weft carrier, and every socket of the JVM would hang once that scheduler closed.
     */
    private static final class JdkPollers {
        static {
            startHere();
        }

        /** Runs the class initializer above once, on the first caller's thread. */
        static void ensureStarted() {}
    }

    private static void startHere() {
        if (System.getProperty(POLLER_MODE) == null) {
            System.setProperty(POLLER_MODE, SYSTEM_THREADS);
        }
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // not this JDK's layout: nothing to start early
        }
    }

    /**
     * Throws, saying why, unless monkey mode can work here; then starts the JDK's pollers, once.
     * Every way to monkey mode passes here before its first patched fiber exists, so the first
     * caller is not a patched fiber; a plain {@link Hub} asking {@link #currentCarrier()} on
     * behalf of a JDK virtual thread does not change how the JVM polls.
     */
    static void require() {
        if (UNSUPPORTED != null) {
            throw new UnsupportedOperationException(UNSUPPORTED);
        }
        JdkPollers.ensureStarted();
    }

    /** A builder of virtual threads that {@code scheduler} runs. Requires {@link #require()}. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
        } catch (Throwable t) {
            throw new IllegalStateException("could not create a virtual thread builder", t);
        }
    }

    /**
     * The platform thread the caller runs on: the caller itself, or, for a mounted virtual
     * thread, its carrier ({@code null} when that cannot be found out).
     */
    static Thread currentCarrier() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return t;
        }
        if (CURRENT_CARRIER == null) {
            return null;
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            return null;
        }
    }
}
