/**
 * Fiber I/O for plain fibers: TCP sockets whose blocking calls block only the calling fiber
 * ({@link dev.weft.fibers.io.FiberSocket}, {@link dev.weft.fibers.io.FiberServerSocket}),
 * gevent's {@link dev.weft.fibers.io.StreamServer}, and {@link dev.weft.fibers.io.Blocking}
 * for calls that would block a carrier.
 *
 * <p>Every wait goes through one readiness poller per JVM: an NIO selector on a daemon thread
 * of its own ({@code weft-poller}), started on first use. A waiting fiber is parked with
 * {@link dev.weft.fibers.Strand#park()} and costs a selection key, not a thread; the poller
 * unparks it when its channel is ready or closed. Kills and {@link dev.weft.fibers.Timeout}s
 * end a wait at once and leave the socket usable. Threads may use the same classes; they
 * block as threads.
 */
package dev.weft.fibers.io;
