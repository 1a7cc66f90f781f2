/**
 * Weft's fiber runtime: {@link dev.weft.fibers.Fiber}s on {@code jdk.internal.vm.Continuation},
 * the {@link dev.weft.fibers.Strand} park/unpark contract that fibers and threads share, the
 * schedulers ({@link dev.weft.fibers.Hub}, {@link dev.weft.fibers.MultiCarrierScheduler}),
 * patched fibers for blocking JDK code ({@link dev.weft.fibers.Monkey}),
 * scoped {@link dev.weft.fibers.Timeout}s and {@link dev.weft.fibers.FiberLocal}s.
 *
 * <p>Needs the JVM flag {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}; monkey mode also
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 */
package dev.weft.fibers;
