package dev.weft.fibers.internal.access;

/**
 * Where the runtime installs its access doors ({@link FibersAccess}, {@link IoAccess}), the
 * JDK's {@code jdk.internal.access.SharedSecrets} pattern. Not API: this package is not exported
 * by the {@code dev.weft.fibers} module; only Weft's own harnesses, on the class path, use it.
 * Each getter initialises the class that installs its door, so callers need no ordering.
 */
public final class SharedSecrets {
    private static volatile FibersAccess fibers;
    private static volatile IoAccess io;

    private SharedSecrets() {}

    /** Called once, by {@code dev.weft.fibers.Fiber}'s class initialiser. */
    public static void setFibersAccess(FibersAccess access) {
        fibers = access;
    }

    /** Called once, by {@code dev.weft.fibers.io.FiberSocket}'s class initialiser. */
    public static void setIoAccess(IoAccess access) {
        io = access;
    }

    public static FibersAccess fibers() {
        FibersAccess a = fibers;
        if (a == null) {
            initialize("dev.weft.fibers.Fiber");
            a = fibers;
        }
        return a;
    }

    public static IoAccess io() {
        IoAccess a = io;
        if (a == null) {
            initialize("dev.weft.fibers.io.FiberSocket");
            a = io;
        }
        return a;
    }

    private static void initialize(String className) {
        try {
            Class.forName(className, true, SharedSecrets.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
