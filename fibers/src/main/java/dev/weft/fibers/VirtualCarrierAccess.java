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
        if (unsupported == null) {
            startJdkPollersHere();
        }
        NEW_BUILDER = builder;
        CURRENT_CARRIER = carrier;
        UNSUPPORTED = unsupported;
    }

    private VirtualCarrierAccess() {}

    /**
     * Starts the JDK's socket pollers now, from the thread that enables monkey mode, not later
     * from a patched fiber. In JDK 25 the pollers are virtual threads started lazily by the first
     * blocking socket call, and a virtual thread started from a virtual thread inherits its
     * scheduler: started from a patched fiber, the JVM's pollers would run on that fiber's Weft
     * carrier, and every socket of the JVM would hang once that scheduler closed.
     */
    private static void startJdkPollersHere() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // not this JDK's layout: nothing to start early
        }
    }

    /** Throws, saying why, unless monkey mode can work here. */
    static void require() {
        if (UNSUPPORTED != null) {
            throw new UnsupportedOperationException(UNSUPPORTED);
        }
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
