package dev.weft.fibers;

import dev.weft.fibers.internal.JvmFlags;

/**
 * Whether this JVM lets Weft use {@code jdk.internal.vm.Continuation}.
 *
 * <p>This class must not mention {@code Continuation} itself: it is the check that runs before
 * any class that does is loaded, so that a missing flag gives a message, not a linkage error.
 */
final class ContinuationAccess {
    /** Constant for the JIT: fibers can exist only when this is true. */
    static final boolean EXPORTED =
            Object.class.getModule().isExported("jdk.internal.vm", ContinuationAccess.class.getModule());

    private ContinuationAccess() {}

    /** Throws, naming the flag to add, unless continuations are accessible. */
    static void require() {
        if (!EXPORTED) {
            throw new IllegalStateException("Weft fibers run on jdk.internal.vm.Continuation, which this JVM does not "
                    + "export to Weft. Start the JVM with " + JvmFlags.addExports(JvmFlags.CLASS_PATH)
                    + " (Weft on the class path) or " + JvmFlags.addExports(JvmFlags.MODULE)
                    + " (Weft on the module path).");
        }
    }
}
