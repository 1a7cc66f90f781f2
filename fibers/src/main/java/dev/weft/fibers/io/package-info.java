/**
 * Fiber I/O for plain fibers: TCP sockets whose blocking calls block only the calling fiber
 * ({@link dev.weft.fibers.io.FiberSocket}, {@link dev.weft.fibers.io.FiberServerSocket}),
 * gevent's {@link dev.weft.fibers.io.StreamServer}, and {@link dev.weft.fibers.io.Blocking}
 * for calls that would block a carrier.
 *
 * <p>A plain fiber waits on its own carrier's readiness poller: an NIO selector owned by its
 * {@link dev.weft.fibers.Hub} (one per carrier of a {@link dev.weft.fibers.MultiCarrierScheduler}),
 * which the carrier polls between batches and sleeps in when idle. A waiting fiber is parked
 * with {@link dev.weft.fibers.Strand#park()} and costs a selection key, not a thread; its
 * carrier unparks it when its channel is ready or closed. Threads and patched fibers wait on
 * one JVM-wide poller with a thread of its own ({@code weft-poller}). Kills and {@link dev.weft.fibers.Timeout}s
 * end a wait at once and leave the socket usable. Threads may use the same classes; they
 * block as threads.
 */
package dev.weft.fibers.io;
