package dev.weft.fibers;

import java.util.concurrent.Callable;

/**
 * Monkey mode: fibers that run ordinary blocking JDK code cooperatively, unchanged. gevent's
 * {@code monkey.patch_all()}.
 *
 * <p>A <em>patched</em> fiber is a JDK virtual thread whose scheduler is the Weft carrier, so
 * wherever the JDK makes a virtual thread give up its carrier, the patched fiber gives it to
 * the other fibers of its scheduler: {@code Thread.sleep}, {@code java.net.Socket} and
 * {@code ServerSocket} streams, blocking {@code SocketChannel}s, {@code java.util.concurrent}
 * locks, queues and latches, {@code LockSupport}, {@code synchronized} and {@code Object.wait}.
 * {@code ThreadLocal}s are private to each patched fiber (it is a thread of its own).
 * It keeps the {@link Fiber} API (join, kill, timeouts, {@code onComplete}) and shares the run
 * queue, in order, with plain fibers of the same scheduler; Weft's locks work across both.
 *
 * <h2>What stays blocking</h2>
 * What blocks a virtual thread's carrier blocks the Weft carrier too: file I/O, native calls,
 * {@code synchronized} while pinned by a native frame, and host name lookups
 * ({@code InetAddress} resolves on the calling thread). Socket readiness is detected by the
 * JDK's own poller threads and timed sleeps by its own timer, which then wake the fiber through
 * the Weft scheduler. Monkey mode's first use sets {@code jdk.pollerMode=1} unless the JVM was
 * started with a mode, so that those pollers are platform threads that hand a readiness
 * straight to the Weft carrier (the JDK 25 default on Linux, mode 2, crosses two threads: in
 * the echo benchmark it cost monkey mode a quarter of its throughput and 1.7× its CPU per round
 * trip); it applies to the JVM's ordinary virtual
 * threads too, which poll faster in mode 2: start with {@code -Djdk.pollerMode=2} to keep it.
 *
 * <h2>Kills and timeouts</h2>
 * At Weft's own suspension points a patched fiber gets {@link FiberExit} and
 * {@link TimeoutExpired} as a plain fiber does. Inside a blocking JDK call the kill or timeout
 * arrives as an interrupt: the call ends with {@code InterruptedException} (or, for a
 * socket, the socket is closed and the call throws), and a killed fiber still ends killed.
 *
 * <h2>Requirements</h2>
 * It uses the JDK-internal constructor {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}
 * (JDK 21 to 25; tested on 25), which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * besides Weft's usual {@code --add-exports}. {@link #patchAll()} and {@link #spawn} check at once
 * and throw an {@link UnsupportedOperationException} naming the flag when it is missing.
 */
public final class Monkey {
    private Monkey() {}

    /**
     * From now on, every fiber spawned (on any scheduler, by {@link Fiber#spawn} or
     * {@link Scheduler#spawn}) is a patched fiber. Call it first thing, as with gevent.
     * Idempotent.
     *
     * @throws UnsupportedOperationException if this JVM cannot run patched fibers (the message
     *                                       names the missing flag or JDK)
     */
    public static void patchAll() {
        VirtualCarrierAccess.require();
        ContinuationAccess.require();
        Scheduler.patchedByDefault = true;
    }

    /** Whether {@link #patchAll()} was called. */
    public static boolean isPatchedAll() {
        return Scheduler.patchedByDefault;
    }

    /**
     * Spawns one patched fiber on {@code scheduler}, whether or not {@link #patchAll()} was
     * called: the way to mix patched and plain fibers on one scheduler.
     *
     * @throws UnsupportedOperationException if this JVM cannot run patched fibers
     */
    public static <V> Fiber<V> spawn(Scheduler scheduler, Callable<V> task) {
        return scheduler.spawn(null, (Object) task, true);
    }

    /** Like {@link #spawn(Scheduler, Callable)}, for a task without a result. */
    public static Fiber<Void> spawn(Scheduler scheduler, CheckedRunnable task) {
        return scheduler.spawn(null, (Object) task, true);
    }

    /** Whether {@code fiber} is a patched fiber (runs as a virtual thread). */
    public static boolean isPatched(Fiber<?> fiber) {
        return fiber.isPatched();
    }
}
