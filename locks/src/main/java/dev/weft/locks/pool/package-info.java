/**
 * Groups, pools and structured scopes of fibers: gevent's {@code gevent.pool}
 * ({@link dev.weft.locks.pool.Group}, {@link dev.weft.locks.pool.Pool} with {@code map},
 * {@code imap}, {@code imapUnordered}) and a try-with-resources scope
 * ({@link dev.weft.locks.pool.FiberScope}) in which no child outlives its block. Fibers and
 * threads may share every object here; a pool's slots are a fair
 * {@link dev.weft.locks.Semaphore}, so blocked spawners are served in FIFO order.
 */
package dev.weft.locks.pool;
