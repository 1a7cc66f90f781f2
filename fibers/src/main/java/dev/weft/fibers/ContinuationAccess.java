package dev.weft.fibers;

/**
 * Whether this JVM lets Weft use {@code jdk.internal.vm.Continuation}.
 *
 * <p>This class must not mention {@code Continuation} itself: it is the check that runs before
 * any class that does is loaded, so that a missing flag gives a message, not a linkage error.
 */
final class ContinuationAccess {
    static final String CLASS_PATH_FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";
    static final String MODULE_PATH_FLAG = "--add-exports java.base/jdk.internal.vm=dev.weft.fibers";

    /** Constant for the JIT: fibers can exist only when this is true. */
    static final boolean EXPORTED =
            Object.class.getModule().isExported("jdk.internal.vm", ContinuationAccess.class.getModule());

    private ContinuationAccess() {}

    /** Throws, naming the flag to add, unless continuations are accessible. */
    static void require() {
        if (!EXPORTED) {
            throw new IllegalStateException("Weft fibers run on jdk.internal.vm.Continuation, which this JVM does not "
                    + "export to Weft. Start the JVM with " + CLASS_PATH_FLAG + " (Weft on the class path) or "
                    + MODULE_PATH_FLAG + " (Weft on the module path).");
        }
    }
}
